#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: systemd_unit
short_description: Start, stop, mask and unmask a systemd unit on a node without Python
description:
  - Reads the unit with C(systemctl show), runs only the C(systemctl) verbs needed (unmask before
    start, stop before mask), then reads the unit again and fails unless it reached the wanted state.
  - Replaces M(ansible.builtin.systemd_service) on CoreOS and Flatcar, where that module cannot run.
  - The work is done by an action plugin of the same name that runs commands over the connection
    and parses their output on the control node, so the node needs no Python (CoreOS and Flatcar
    ship none); this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  check_mode:
    support: full
    description: Reports what would change and runs nothing.
  diff_mode:
    support: full
    description: Shows the state and mask before and after.
  platform:
    support: full
    platforms: posix
    description: Nodes with systemd.
options:
  name:
    description: The unit, for example C(update-engine.service).
    type: str
    required: true
  state:
    description: Whether the unit should be running.
    type: str
    choices: [started, stopped]
  masked:
    description: Whether the unit should be masked. At least one of O(state) and O(masked) is needed.
    type: bool
"""

EXAMPLES = r"""
- name: Let update-engine run
  deis.platform.systemd_unit:
    name: update-engine.service
    masked: false
    state: started
  become: true

- name: Put update-engine back the way Deis keeps it
  deis.platform.systemd_unit:
    name: update-engine.service
    state: stopped
    masked: true
  become: true
"""

RETURN = r"""
actions:
  description: The systemctl verbs that were run (or would be, in check mode).
  type: list
  elements: str
  returned: success
  sample: [unmask, start]
status:
  description: The unit as C(systemctl show) reports it at the end.
  type: dict
  returned: success
  contains:
    load_state:
      description: C(LoadState), for example C(loaded) or C(masked).
      type: str
    active_state:
      description: C(ActiveState).
      type: str
    sub_state:
      description: C(SubState).
      type: str
    unit_file_state:
      description: C(UnitFileState).
      type: str
    masked:
      description: Whether the unit is masked.
      type: bool
"""
