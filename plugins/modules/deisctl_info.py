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
  - The platform version is what the nodes' C(/run/deis/bin/get_image) tags images with, the C(/deis/platform/version)
    key (set only by the upgrade guide), else C(DEIS_RELEASE) of C(/etc/deis-release) on the host, else the
    C(DEIS_PLATFORM_VERSION) header of the controller's 401 answer to C(GET /v1/); RV(platform_version_source)
    says which.
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
  stateless:
    description: The platform is the stateless one (for RV(missing_components) and RV(target_images)).
    type: bool
    default: false
  target_version:
    description: Also return RV(target_images), the images the platform of this version runs (pins honoured).
    type: str
  controller_url:
    description:
      - The controller asked for the version when neither the key nor C(/etc/deis-release) gives it
        (default C(http://deis.<platform domain>)).
    type: str
  controller_validate_certs:
    description: Verify TLS when asking the controller.
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
  description: The running platform version (with a v); null when no source gives it.
  type: str
  returned: success
platform_version_source:
  description: Where RV(platform_version) came from (the key, C(DEIS_RELEASE of /etc/deis-release), the controller's header).
  type: str
  returned: success
platform_version_key:
  description: C(/deis/platform/version); null when unset.
  type: str
  returned: success
deis_release:
  description: C(DEIS_RELEASE) of the host's C(/etc/deis-release); null when there is none.
  type: str
  returned: success
controller:
  description: The controller asked (url, version, error).
  type: dict
  returned: when the controller was asked
missing_components:
  description: Components of the (stateless) platform with no unit listed.
  type: list
  elements: str
  returned: success
published_services:
  description:
    - Whether C(/deis/services) exists (an app was published); C(upgrade-takeover) fails without it. Null when unknown.
  type: bool
  returned: success
target_images:
  description: The images the platform of O(target_version) runs.
  type: list
  elements: str
  returned: O(target_version) set
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
