#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: fleet_machines_info
short_description: List the machines of a fleet cluster, as one node sees them
description:
  - Runs C(fleetctl list-machines --full --no-legend) on the node and returns every machine with
    its full id, public IP and metadata.
  - Use it from a node other than the one being updated to tell whether that node has rejoined
    the cluster (the step the Deis guide does by hand with C(fleetctl list-machines)).
  - The work is done by an action plugin of the same name that runs commands over the connection
    and parses their output on the control node, so the node needs no Python (CoreOS and Flatcar
    ship none); this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  platform:
    support: full
    platforms: posix
    description: CoreOS or Flatcar nodes running fleet (as Deis v1 clusters do).
extends_documentation_fragment:
  - deis.platform.attributes.info_module
options:
  endpoint:
    description: fleet or etcd endpoint for C(fleetctl --endpoint); the node's default when omitted.
    type: str
  fleetctl:
    description: The fleetctl command.
    type: str
    default: fleetctl
  wait_for:
    description:
      - Machine ids to wait for, up to O(timeout) seconds, reading the list every O(poll_interval) seconds and
        printing what is still missing. Those still missing at the end are in RV(missing); that is not a failure.
      - A fleetctl that fails meanwhile (for example the node's own etcd member is down) counts as "not yet"; if it
        still fails at the end, the task fails.
    type: list
    elements: str
    default: []
  names:
    description: What to call machines in the progress lines, by machine id (for example machine id to inventory host).
    type: dict
    default: {}
  timeout:
    description: Seconds to wait for O(wait_for); 0 reads the list once.
    type: int
    default: 0
  poll_interval:
    description: Seconds between two reads while waiting.
    type: int
    default: 2
seealso:
  - module: deis.platform.etcd_health_info
"""

EXAMPLES = r"""
- name: Wait until core-02 is back in fleet, asking core-01
  deis.platform.fleet_machines_info:
  delegate_to: core-01
  register: fleet
  until: "'69d27b356a94476da859461d3a3bc6fd' in fleet.machine_ids"
  retries: 60
  delay: 2
"""

RETURN = r"""
machines:
  description: Every machine in fleet, sorted by id.
  type: list
  elements: dict
  returned: success
  contains:
    id:
      description: Full 32-character machine id.
      type: str
    ip:
      description: Public IP; null when fleet knows none.
      type: str
    metadata:
      description: fleet metadata as a dict.
      type: dict
  sample:
    - id: 69d27b356a94476da859461d3a3bc6fd
      ip: 10.0.1.11
      metadata: {controlPlane: "true", dataPlane: "true", routerMesh: "true"}
machine_ids:
  description: The ids alone, sorted.
  type: list
  elements: str
  returned: success
missing:
  description: The ids of O(wait_for) that are not in fleet.
  type: list
  elements: str
  returned: success
waited:
  description: Seconds waited.
  type: float
  returned: O(timeout) was not 0
"""
