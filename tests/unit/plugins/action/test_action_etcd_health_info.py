# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, case_ids, fixture_text, run_case

HEALTH = "env ETCDCTL_API=2 LANG=C LC_ALL=C etcdctl cluster-health"
HEALTHY_MEMBER = {"id": "b71f75320dc06a6c", "healthy": True, "detail": "got healthy result from http://127.0.0.1:2379"}
HEALTHY = {"changed": False, "healthy": True, "members": [HEALTHY_MEMBER], "message": "cluster is healthy"}
# etcdctl 3.4 ctlv2 cluster_health.go with one of three members down: exit 5 (ExitClusterNotHealthy).
DEGRADED = (
    "failed to check the health of member 8211f1d0f64f3269 on http://10.0.1.12:2379: Get http://10.0.1.12:2379/health: "
    "dial tcp 10.0.1.12:2379: connect: connection refused\n"
    "member 8211f1d0f64f3269 is unreachable: [http://10.0.1.12:2379] are all unreachable\n"
    "member 91bc3c398fb3c146 is healthy: got healthy result from http://10.0.1.13:2379\n"
    "member b71f75320dc06a6c is healthy: got healthy result from http://10.0.1.11:2379\n"
    "cluster is degraded\n"
)

CASES = [
    {
        "id": "healthy",
        "args": {},
        "calls": [call(HEALTH, out=fixture_text("etcdctl/cluster-health-healthy.stdout.txt"))],
        "result": HEALTHY,
    },
    {
        "id": "check-mode-reads-the-same",
        "args": {},
        "check": True,
        "calls": [call(HEALTH, out=fixture_text("etcdctl/cluster-health-healthy.stdout.txt"))],
        "result": HEALTHY,
    },
    {
        "id": "etcd-down-rc-4-is-reported-not-failed",
        "args": {},
        "calls": [call(HEALTH, rc=4, out=fixture_text("etcdctl/cluster-health-down.stdout.txt"),
                       err=fixture_text("etcdctl/cluster-health-down.stderr.txt"))],
        "result": {
            "changed": False, "healthy": False, "members": [],
            "message": "cluster may be unhealthy: failed to list members; Error:  client: etcd cluster is unavailable or misconfigured; "
                       "error #0: dial tcp 127.0.0.1:2379: connect: connection refused",
        },
    },
    {
        "id": "one-member-unreachable",
        "args": {},
        "calls": [call(HEALTH, rc=5, out=DEGRADED)],
        "result": {
            "changed": False, "healthy": False, "message": "cluster is degraded",
            "members": [
                {"id": "8211f1d0f64f3269", "healthy": False, "detail": "[http://10.0.1.12:2379] are all unreachable"},
                {"id": "91bc3c398fb3c146", "healthy": True, "detail": "got healthy result from http://10.0.1.13:2379"},
                {"id": "b71f75320dc06a6c", "healthy": True, "detail": "got healthy result from http://10.0.1.11:2379"},
            ],
        },
    },
    {
        "id": "endpoint-and-etcdctl-path",
        "args": {"endpoint": "http://10.0.1.11:2379,http://10.0.1.12:2379", "etcdctl": "/opt/bin/etcdctl"},
        "calls": [call("env ETCDCTL_API=2 LANG=C LC_ALL=C /opt/bin/etcdctl --endpoints http://10.0.1.11:2379,http://10.0.1.12:2379 cluster-health",
                       out=fixture_text("etcdctl/cluster-health-healthy.stdout.txt"))],
        "result": HEALTHY,
    },
    {
        "id": "missing-etcdctl-is-unhealthy-with-a-message",
        "args": {},
        "calls": [call(HEALTH, rc=127, err="sh: 1: etcdctl: not found\n")],
        "result": {"changed": False, "healthy": False, "members": [], "message": "etcdctl printed no verdict (rc 127)"},
    },
    {
        "id": "unknown-option-sends-nothing",
        "args": {"endpoints": "http://10.0.1.11:2379"},
        "calls": [],
        "result": {
            "failed": True,
            "msg": "Unsupported parameters for (deis.platform.etcd_health_info) module: endpoints. Supported parameters include: endpoint, etcdctl.",
        },
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_etcd_health_info(case):
    result = run_case("etcd_health_info", case)[0]
    assert "rc" not in result  # a non-zero rc in a result makes Ansible fail the task
