#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_health_info
short_description: Tell whether the etcd cluster is healthy, as seen from a node
description:
  - Runs C(etcdctl cluster-health) (etcd v2 API, as Deis v1 clusters use) on the node.
  - Reports an unhealthy or unreachable cluster in C(healthy) instead of failing, so that a task
    can wait for health with C(until).
  - Healthy only when every member etcdctl lists answers healthy (and etcdctl exits 0). etcdctl's verdict line
    alone is not trusted - from etcd 2.1 to 3.2 it says C(cluster is healthy) when ANY member is healthy;
    etcd 3.3+ says C(cluster is degraded) - so a missing member shows in the member lines only.
  - When a member is not healthy, C(etcdctl member list) gives its name (on CoreOS the member's machine id),
    and the message names it, as O(names) calls it.
  - On a node whose own member is down, etcdctl with its default endpoints cannot even list the members; ask
    another node (C(delegate_to)) or give O(endpoint) with every member.
  - On an etcd 0.4 cluster (Deis v1.7-v1.8 user-data), which answers 404 on C(/v2/members) so that etcdctl v2.1+
    cannot check it, the health comes from C(/v2/machines) and every member's C(/v2/stats/self) (read with the
    node's C(curl)), healthy when all answer and name the same leader. A warning names that source.
  - The work is done by an action plugin of the same name that runs commands over the connection
    and parses their output on the control node, so the node needs no Python (CoreOS and Flatcar
    ship none); this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  platform:
    support: full
    platforms: posix
    description: Nodes with the etcd v2 C(etcdctl) (CoreOS and Flatcar of the Deis era).
extends_documentation_fragment:
  - deis.platform.attributes.info_module
options:
  endpoint:
    description: etcd endpoints for C(etcdctl --endpoints); the node's default when omitted.
    type: str
  etcdctl:
    description: The etcdctl command.
    type: str
    default: etcdctl
  names:
    description: What to call members in the message, by their etcd name (for example machine id to inventory host).
    type: dict
    default: {}
  timeout:
    description:
      - Seconds to wait for a healthy cluster, asking every O(poll_interval) seconds and printing what is wrong
        meanwhile; 0 asks once. Still unhealthy at the end is reported in RV(healthy), not as a failure.
    type: int
    default: 0
  poll_interval:
    description: Seconds between two questions while waiting.
    type: int
    default: 2
"""

EXAMPLES = r"""
- name: Wait for a healthy etcd
  deis.platform.etcd_health_info:
  register: etcd
  until: etcd.healthy
  retries: 30
  delay: 2
"""

RETURN = r"""
healthy:
  description: Whether the cluster is healthy.
  type: bool
  returned: always
members:
  description: Members etcdctl reported on.
  type: list
  elements: dict
  returned: always
  contains:
    id:
      description: Member id.
      type: str
    healthy:
      description: Whether this member answered healthy.
      type: bool
    state:
      description: V(healthy), V(unhealthy) (no leader, or raft not moving) or V(unreachable).
      type: str
    url:
      description: The client URL etcdctl asked; null when it printed none.
      type: str
    name:
      description: The member's name from C(etcdctl member list); only when the cluster is not healthy.
      type: str
    detail:
      description: What etcdctl said about it (for an unreachable member, its first failed check).
      type: str
verdict:
  description: etcdctl's own verdict line (C(cluster is healthy|degraded|unavailable|unhealthy)); not to be trusted alone.
  type: str
  returned: always
unhealthy:
  description: One sentence per member that is not healthy, naming it.
  type: list
  elements: str
  returned: when a listed member is not healthy
waited:
  description: Seconds waited.
  type: float
  returned: O(timeout) was not 0
message:
  description: etcdctl's verdict line, its first error line if any, and the members that are not healthy.
  type: str
  returned: always
  sample: "cluster is degraded; core-02 (member f7db6a068c760b05, http://10.0.1.12:2379) is unreachable: dial tcp ..."
source:
  description: What the verdict comes from (C(etcdctl cluster-health), C(/v2/machines and /v2/stats/self), C(/v2/stats/self)).
  type: str
  returned: always
etcdctl_message:
  description: What etcdctl said, when the fallback was used.
  type: str
  returned: when etcd answered 404 on /v2/members
"""
