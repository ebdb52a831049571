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
  - Healthy only when etcdctl says so and exits 0, with every member healthy.
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
    detail:
      description: What etcdctl said about it.
      type: str
message:
  description: etcdctl's verdict line, and its first error line if any.
  type: str
  returned: always
  sample: cluster is healthy
source:
  description: What the verdict comes from (C(etcdctl cluster-health), C(/v2/machines and /v2/stats/self), C(/v2/stats/self)).
  type: str
  returned: always
etcdctl_message:
  description: What etcdctl said, when the fallback was used.
  type: str
  returned: when etcd answered 404 on /v2/members
"""
