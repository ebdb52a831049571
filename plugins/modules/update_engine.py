#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: update_engine
short_description: Drive update_engine_client on CoreOS and Flatcar nodes without Python
description:
  - Runs C(update_engine_client) and decides the outcome from its status output and from update-engine's own
    journal, never from the client's exit code. The client cannot tell "no update" from "the update server could
    not be reached" (CoreOS says C(Update failed.) and exits 1 for both, Flatcar C(No update available) and 0), and
    before update_engine 0.4.2 (every CoreOS release of the Deis era) C(LAST_CHECKED_TIME) does not move on a
    "no update" answer either; the daemon logs C(No update.) for the one and C(Omaha request network transfer
    failed.) for the other. Log lines are matched after their prefix, Chromium style (CoreOS up to 1122) or glog.
  - Refuses to run the client while C(update-engine.service) is stopped or masked (as Deis keeps it),
    because the client would retry for 30 seconds and give up; start it with M(deis.platform.systemd_unit).
  - O(group) writes C(GROUP=) into C(/etc/coreos/update.conf) (C(/etc/flatcar/update.conf) on Flatcar),
    keeping the file's other lines.
  - The work is done by an action plugin of the same name that runs commands over the connection
    and parses their output on the control node, so the node needs no Python (CoreOS and Flatcar
    ship none); this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  check_mode:
    support: partial
    description: Can run in check mode.
    details: Reads the status and shows the update.conf change; starts no update check.
  diff_mode:
    support: full
    description: Shows the update.conf change.
  platform:
    support: full
    platforms: posix
    description: CoreOS Container Linux and Flatcar Container Linux.
options:
  command:
    description:
      - V(status) reads the engine's status.
      - V(update) does what C(update_engine_client -update) does (the guide's step). It starts a check
        (C(-check_for_update)) and reads C(-status) every O(poll_interval) seconds until update-engine has staged
        an update or is idle again, printing the progress; fails when the server could not be asked or the update
        failed, saying why.
      - V(check) starts a check in the background (C(-check_for_update)).
      - V(wait_boot_flags) waits, after the reboot into an update, until update-engine logs
        C(Updating boot flags...) (the guide's sign that the update has finished; the booted partition is marked
        good) since the running daemon started (its C(ExecMainStartTimestamp)), after its start line; fails when it
        did not within O(timeout). update-engine logs it 45 seconds after every start, also on the old version, so
        check the version first, and start update-engine afresh for this.
      - V(staged) tells whether an update is staged and waits for the reboot (the marker
        C(/var/run/update_engine_autoupdate_completed)), without asking update-engine. Do not start update-engine
        on such a node before its reboot; before update_engine 0.4.1 it marks the running partition good again
        45 seconds after it starts, and the staged update would not boot (coreos/bugs#1625).
    type: str
    default: status
    choices: [status, update, check, wait_boot_flags, staged]
  group:
    description: Update channel to write as C(GROUP=) in update.conf before the command, for example C(stable).
    type: str
  flavor:
    description: C(coreos) or C(flatcar); V(auto) reads C(/etc/os-release).
    type: str
    default: auto
    choices: [auto, coreos, flatcar]
  timeout:
    description: Seconds O(command=update) may take, and O(command=wait_boot_flags) may wait.
    type: int
    default: 1800
  poll_interval:
    description: Seconds between two status reads of O(command=update) and two journal reads of O(command=wait_boot_flags).
    type: int
    default: 5
seealso:
  - module: deis.platform.systemd_unit
  - module: deis.platform.node_reboot
"""

EXAMPLES = r"""
- name: Update on the stable channel
  deis.platform.update_engine:
    command: update
    group: stable
  become: true
  register: update

- name: Reboot only when an update was applied
  deis.platform.node_reboot:
  become: true
  when: update.reboot_needed
"""

RETURN = r"""
status:
  description: The last status block of C(update_engine_client).
  type: dict
  returned: when the engine was asked
  contains:
    last_checked_time:
      description: UNIX time of the last check.
      type: int
    progress:
      description: Download progress, 0 to 1.
      type: float
    current_op:
      description: For example C(UPDATE_STATUS_IDLE) or C(UPDATE_STATUS_UPDATED_NEED_REBOOT).
      type: str
    new_version:
      description: Version offered; C(0.0.0.0) or C(0.0.0) when unknown (CoreOS often leaves it so).
      type: str
    new_size:
      description: Size of the update payload in bytes.
      type: int
outcome:
  description: >-
    With O(command=update), V(updated_need_reboot) or V(no_update); a failed task says V(check_failed) (the update
    server could not be asked), V(update_failed) or V(unknown).
  type: str
  returned: O(command=update)
operations:
  description: Every C(CURRENT_OP) seen while following the update, in order.
  type: list
  elements: str
  returned: O(command=update) when a check was started
journal:
  description: update-engine's messages (prefixes removed) the decision was taken on.
  type: list
  elements: str
  returned: failure of O(command=update) or O(command=wait_boot_flags)
staged:
  description: Whether an update is staged and waits for the reboot.
  type: bool
  returned: O(command=staged)
reason:
  description: Why the outcome was decided.
  type: str
  returned: O(command=update)
reboot_needed:
  description: Whether an applied update waits for a reboot.
  type: bool
  returned: O(command) is V(status) or V(update)
boot_flags_updated:
  description: Whether C(Updating boot flags...) was seen.
  type: bool
  returned: O(command=wait_boot_flags)
daemon_started:
  description: When the running update-engine started (the journal is read from then on).
  type: str
  returned: O(command=wait_boot_flags)
update_conf:
  description: Path of the update.conf that O(group) was written to.
  type: str
  returned: O(group) was given
flavor:
  description: C(coreos) or C(flatcar).
  type: str
  returned: always
elapsed:
  description: Seconds the update took.
  type: float
  returned: O(command=update)
"""
