#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: os_release_info
short_description: Read the OS release and machine id of a CoreOS or Flatcar node without Python
description:
  - Reads C(/etc/os-release) and C(/etc/machine-id) over the connection and parses them on the
    control node, so it works on CoreOS and Flatcar hosts, which ship no Python.
  - The work is done by an action plugin of the same name; this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  platform:
    support: full
    platforms: posix
    description: CoreOS Container Linux and Flatcar Container Linux; any host with C(cat).
extends_documentation_fragment:
  - deis.platform.attributes.info_module
options:
  path:
    description: The os-release file to read.
    type: str
    default: /etc/os-release
seealso:
  - module: deis.platform.update_engine
"""

EXAMPLES = r"""
- name: Read the OS version
  deis.platform.os_release_info:
  register: release

- name: Skip hosts that already run the target version
  ansible.builtin.meta: end_host
  when: release.version_id is version('1068.8.0', '>=')
"""

RETURN = r"""
id:
  description: C(ID) of os-release.
  type: str
  returned: success
  sample: coreos
flavor:
  description: C(coreos) or C(flatcar) (from C(ID) and C(ID_LIKE)); null for other systems.
  type: str
  returned: success
  sample: coreos
version_id:
  description: C(VERSION_ID), the OS version.
  type: str
  returned: success
  sample: 835.12.0
version:
  description: C(VERSION).
  type: str
  returned: success
  sample: 835.12.0
name:
  description: C(NAME).
  type: str
  returned: success
  sample: CoreOS
pretty_name:
  description: C(PRETTY_NAME).
  type: str
  returned: success
  sample: CoreOS 835.12.0
build_id:
  description: C(BUILD_ID); null when empty.
  type: str
  returned: success
machine_id:
  description: The content of C(/etc/machine-id), which fleet and locksmith use as the machine's id.
  type: str
  returned: success
  sample: 69d27b356a94476da859461d3a3bc6fd
os_release:
  description: Every key of the file, values unquoted.
  type: dict
  returned: success
"""
