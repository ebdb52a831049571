#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: docker_image
short_description: Make a node's docker hold images, pulling what it lacks
description:
  - For each image, C(docker history IMAGE) tells whether the node holds it (as every Deis unit checks before its
    C(docker pull) in C(ExecStartPre)); the missing ones are pulled with the node's C(docker pull), one after the
    other, each shown as it finishes.
  - With O(background=true) the pull runs in a transient systemd unit (C(systemd-run)) and the task returns at once;
    the same task without O(background) for the same images waits for that pull, shows its progress and pulls what
    is still missing. Looped over several nodes, the first task starts every node's pull, the second waits, so the nodes
    pull at the same time.
  - A failed pull fails the task with the image and docker's exit code.
  - The work is done by an action plugin of the same name that runs commands over the connection, so the node needs
    no Python; this file holds the documentation. C(docker) and C(systemd-run) need root (C(become)).
author:
  - deis.platform contributors (@deis-platform)
attributes:
  check_mode:
    support: full
    description: Reports which images are missing without pulling.
  diff_mode:
    support: none
    description: No diff.
  platform:
    support: full
    platforms: posix
    description: A CoreOS or Flatcar node (docker, systemd).
options:
  name:
    description: The images, as C(repository:tag), for example C(deis/controller:v1.13.4).
    type: list
    elements: str
    required: true
  state:
    description: V(present) pulls the images the node lacks.
    type: str
    default: present
    choices: [present]
  background:
    description: Start the pull in a transient unit and return; a later task without it waits for the pull.
    type: bool
    default: false
  timeout:
    description: Seconds to wait for the pull.
    type: int
    default: 3600
seealso:
  - module: deis.platform.deisctl_info
"""

EXAMPLES = r"""
- name: Start pulling the new images on every node
  deis.platform.docker_image:
    name: "{{ images }}"
    background: true
  delegate_to: "{{ item }}"
  loop: "{{ groups['coreos'] }}"
  become: true

- name: Wait for every node's pull
  deis.platform.docker_image:
    name: "{{ images }}"
  delegate_to: "{{ item }}"
  loop: "{{ groups['coreos'] }}"
  become: true
"""

RETURN = r"""
images:
  description: The images asked for.
  type: list
  elements: str
  returned: always
missing:
  description: The images the node lacked (background) or still lacks.
  type: list
  elements: str
  returned: success
pulled:
  description: The images pulled and the seconds each took.
  type: list
  elements: dict
  returned: unless O(background=true)
started:
  description: Whether a background pull was started.
  type: bool
  returned: O(background=true)
unit:
  description: The transient unit of the background pull.
  type: str
  returned: always
start:
  description: When the task started (UNIX time).
  type: float
  returned: always
end:
  description: When the task ended (UNIX time).
  type: float
  returned: always
"""
