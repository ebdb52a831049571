#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deisctl_info
short_description: Read the Deis platform's state with deisctl
description:
  - The deisctl version (accepting the exit code 1 of C(deisctl --version) in v1.0-v1.7), the platform
    version and domain, the units of C(deisctl list), the machines (v1.12+) and the components whose image
    is pinned with C(/deis/<component>/image) (a version change does not upgrade those).
  - The work is done by an action plugin of the same name that runs deisctl over the connection;
    this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.attributes.info_module
  - deis.platform.deisctl
attributes:
  platform:
    support: full
    platforms: posix
    description: A node of a Deis v1 cluster, or a workstation with deisctl.
options:
  gather_pinned_images:
    description: Read C(/deis/<component>/image) of every component.
    type: bool
    default: true
"""

EXAMPLES = r"""
- name: Read the platform
  deis.platform.deisctl_info:
  register: deis
"""

RETURN = r"""
deisctl_version:
  description: deisctl's version, with a C(v).
  type: str
  returned: success
  sample: v1.12.3
platform_version:
  description: C(/deis/platform/version); null when unset.
  type: str
  returned: success
platform_domain:
  description: C(/deis/platform/domain); null when unset.
  type: str
  returned: success
units:
  description: C(deisctl list), parsed (unit, machine, ip, load, active, sub).
  type: list
  elements: dict
  returned: success
all_running:
  description: Whether there are units and every one is active/running.
  type: bool
  returned: success
machines:
  description: C(deisctl machines) (v1.12 and newer).
  type: list
  elements: dict
  returned: deisctl v1.12 and newer
pinned_images:
  description: Components with C(/deis/<component>/image) set, and the image.
  type: dict
  returned: O(gather_pinned_images=true)
"""
