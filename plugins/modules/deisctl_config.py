#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deisctl_config
short_description: Set or remove a Deis platform or component setting (/deis/<target>/<key>)
description:
  - Reads the value with C(deisctl config <target> get <key>), and sets or removes it only when it differs;
    reads it again afterwards.
  - The work is done by an action plugin of the same name that runs deisctl over the connection;
    this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.deisctl
attributes:
  check_mode:
    support: full
    description: Reports the change without making it.
  diff_mode:
    support: full
    description: Shows the value before and after.
  platform:
    support: full
    platforms: posix
    description: A node of a Deis v1 cluster, or a workstation with deisctl.
options:
  target:
    description: V(platform) or a component such as V(router).
    type: str
    required: true
  key:
    description: The setting, for example V(version) or V(domain).
    type: str
    required: true
  value:
    description: The value (one line). Required with O(state=present).
    type: str
  state:
    description: Whether the key should hold O(value) or not exist.
    type: str
    default: present
    choices: [present, absent]
"""

EXAMPLES = r"""
- name: Set the platform version
  deis.platform.deisctl_config:
    target: platform
    key: version
    value: v1.13.4
"""

RETURN = r"""
key:
  description: The etcd key.
  type: str
  returned: success
  sample: /deis/platform/version
before:
  description: The value before; null when unset.
  type: str
  returned: success
value:
  description: The value now; null when unset.
  type: str
  returned: success
start:
  description: When the task started (UNIX time).
  type: float
  returned: success
end:
  description: When the task ended (UNIX time).
  type: float
  returned: success
"""
