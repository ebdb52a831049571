#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: node_reboot
short_description: Reboot a node without Python and wait until it has booted again
description:
  - Reads a boot marker (the kernel boot id and PID 1's start time), starts the reboot through a
    short systemd timer so the command returns before the connection drops, then reconnects until
    the marker has changed and systemd reports the system C(running) (or C(degraded)).
  - M(ansible.builtin.reboot) needs Python on the node; CoreOS and Flatcar have none.
  - Always changes; run it only when a reboot is wanted.
  - With O(reboot=false) it reboots nothing and only waits, up to O(reboot_timeout), until the node answers
    and systemd has settled (a node that may be rebooting already); that never changes anything.
  - The work is done by an action plugin of the same name that runs commands over the connection
    and parses their output on the control node, so the node needs no Python (CoreOS and Flatcar
    ship none); this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  check_mode:
    support: full
    description: Reports a change and does not reboot.
  diff_mode:
    support: none
    description: Nothing to show.
  platform:
    support: full
    platforms: posix
    description: Nodes with systemd.
options:
  reboot:
    description: V(false) only waits until the node is up (see above).
    type: bool
    default: true
  reboot_timeout:
    description: Seconds to wait for the node to come back with a new boot.
    type: int
    default: 600
  settle_timeout:
    description: Seconds to wait after the boot for systemd to reach C(running) or C(degraded).
    type: int
    default: 300
  reboot_command:
    description: The command (an argument list) that starts the reboot; it must return at once.
    type: list
    elements: str
    default: [systemd-run, --on-active=2, --timer-property=AccuracySec=100ms, systemctl, reboot]
seealso:
  - module: ansible.builtin.reboot
"""

EXAMPLES = r"""
- name: Reboot into the staged update
  deis.platform.node_reboot:
    reboot_timeout: 900
  become: true
"""

RETURN = r"""
elapsed:
  description: Seconds from the reboot command until the node was back and settled.
  type: float
  returned: success
boot_before:
  description: Boot marker before the reboot.
  type: str
  returned: success and O(reboot=true)
boot_after:
  description: Boot marker after the reboot.
  type: str
  returned: success
system_state:
  description: What C(systemctl is-system-running) said at the end.
  type: str
  returned: success
"""
