#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: locksmith
short_description: Take or release the CoreOS reboot lock (locksmith semaphore) for a machine
description:
  - Uses C(locksmithctl) on the node to hold or release the reboot semaphore in etcd
    (C(coreos.com/updateengine/rebootlock/semaphore)) for a machine id, so that reboots coordinated
    by locksmith elsewhere never overlap with this one.
  - Idempotent; verifies the holders with C(locksmithctl status) after every change.
  - When the lock is held by another machine, fails naming the holder and the command that releases the lock by
    hand (C(locksmithctl unlock <id>)); other failures carry locksmithctl's own message (it writes to stderr).
  - locksmith only holds or frees the semaphore; locksmithd releases its machine's lock after a reboot only when it
    runs with C(REBOOT_STRATEGY=etcd-lock) (on Deis nodes it is stopped and masked), so whoever took the lock
    with this module releases it.
  - The work is done by an action plugin of the same name that runs commands over the connection
    and parses their output on the control node, so the node needs no Python (CoreOS and Flatcar
    ship none); this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  check_mode:
    support: full
    description: Reports whether the lock would be taken or released.
  diff_mode:
    support: full
    description: Shows the holders before and after.
  platform:
    support: full
    platforms: posix
    description: Nodes with C(locksmithctl) (CoreOS and Flatcar).
options:
  state:
    description: V(locked) holds the lock for the machine, V(unlocked) releases it.
    type: str
    default: locked
    choices: [locked, unlocked]
  machine_id:
    description: The holder id; the node's C(/etc/machine-id) when omitted.
    type: str
  group:
    description: locksmith group (C(locksmithctl -group)).
    type: str
  endpoint:
    description: etcd endpoint for C(locksmithctl -endpoint).
    type: str
  names:
    description: What to call machines in messages, by machine id (for example machine id to inventory host).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Hold the reboot lock
  deis.platform.locksmith:
    state: locked

- name: Release it after the node rejoined
  deis.platform.locksmith:
    state: unlocked
"""

RETURN = r"""
machine_id:
  description: The holder id used.
  type: str
  returned: success
semaphore:
  description: The semaphore at the end.
  type: dict
  returned: success
  contains:
    available:
      description: Free slots.
      type: int
    max:
      description: Slots in all.
      type: int
    holders:
      description: Machine ids holding the lock.
      type: list
      elements: str
"""
