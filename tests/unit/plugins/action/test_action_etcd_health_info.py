# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, case_ids, fixture_text, run_case

HEALTH = "env ETCDCTL_API=2 LANG=C LC_ALL=C etcdctl cluster-health"
HEALTHY_MEMBER = {"id": "b71f75320dc06a6c", "healthy": True, "detail": "got healthy result from http://127.0.0.1:2379"}
HEALTHY = {"changed": False, "healthy": True, "members": [HEALTHY_MEMBER], "message": "cluster is healthy", "source": "etcdctl cluster-health"}
# etcdctl 3.4 ctlv2 cluster_health.go with one of three members down: exit 5 (ExitClusterNotHealthy).
DEGRADED = (
    "failed to check the health of member 8211f1d0f64f3269 on http://10.0.1.12:2379: Get http://10.0.1.12:2379/health: "
    "dial tcp 10.0.1.12:2379: connect: connection refused\n"
    "member 8211f1d0f64f3269 is unreachable: [http://10.0.1.12:2379] are all unreachable\n"
    "member 91bc3c398fb3c146 is healthy: got healthy result from http://10.0.1.13:2379\n"
    "member b71f75320dc06a6c is healthy: got healthy result from http://10.0.1.11:2379\n"
    "cluster is degraded\n"
)

# etcd 0.4 (Deis v1.7-v1.8): 404 on /v2/members; the members' /v2/stats/self (tests/unit/fixtures/etcd04).
MEMBERS_404 = call(HEALTH, rc=4, out=fixture_text("etcdctl/cluster-health-members-404.stdout.txt"),
                   err=fixture_text("etcdctl/cluster-health-members-404.stderr.txt"))
CURL = "env LANG=C LC_ALL=C curl -sS --max-time 5 -w '\\n%%{http_code}' %s"
MACHINES_ANSWER = fixture_text("etcd04/machines.txt") + "\n200"
LEADER = fixture_text("etcd04/stats-self-leader.json") + "\n200"
FOLLOWER = fixture_text("etcd04/stats-self-follower.json") + "\n200"
FALLBACK_WARNING = ("etcd answered 404 on /v2/members (cluster may be unhealthy: failed to list members; Error:  unexpected status "
                    "code 404): it is etcd 0.4 or older, as Deis v1.7-v1.8 user-data run; health read from %s instead of etcdctl "
                    "cluster-health")


def v04_member(name, port, state="follower"):
    return {"id": name, "healthy": True, "detail": "%s on http://localhost:%d, leader n1" % (state, port)}


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
            "changed": False, "healthy": False, "members": [], "source": "etcdctl cluster-health",
            "message": "cluster may be unhealthy: failed to list members; Error:  client: etcd cluster is unavailable or misconfigured; "
                       "error #0: dial tcp 127.0.0.1:2379: connect: connection refused",
        },
    },
    {
        "id": "one-member-unreachable",
        "args": {},
        "calls": [call(HEALTH, rc=5, out=DEGRADED)],
        "result": {
            "changed": False, "healthy": False, "message": "cluster is degraded", "source": "etcdctl cluster-health",
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
        "result": {"changed": False, "healthy": False, "members": [], "message": "etcdctl printed no verdict (rc 127)",
                   "source": "etcdctl cluster-health"},
    },
    {
        "id": "etcd-0.4-health-from-machines-and-stats",
        "args": {},
        "calls": [MEMBERS_404,
                  call(CURL % "http://127.0.0.1:4001/v2/machines", out=MACHINES_ANSWER),
                  call(CURL % "http://localhost:24001/v2/stats/self", out=LEADER),
                  call(CURL % "http://localhost:24002/v2/stats/self", out=FOLLOWER.replace('"n2"', '"n2"')),
                  call(CURL % "http://localhost:24003/v2/stats/self", out=FOLLOWER.replace('"name":"n2"', '"name":"n3"'))],
        "result": {
            "changed": False, "healthy": True, "message": "cluster is healthy", "source": "/v2/machines and /v2/stats/self",
            "etcdctl_message": "cluster may be unhealthy: failed to list members; Error:  unexpected status code 404",
            "members": [v04_member("n1", 24001, "leader"), v04_member("n2", 24002), v04_member("n3", 24003)],
            "warnings": [FALLBACK_WARNING % "/v2/machines and /v2/stats/self"],
        },
    },
    {
        "id": "etcd-0.4-one-member-down-is-unhealthy",
        "args": {"endpoint": "http://10.0.1.11:4001"},
        "calls": [call("env ETCDCTL_API=2 LANG=C LC_ALL=C etcdctl --endpoints http://10.0.1.11:4001 cluster-health", rc=4,
                       out=fixture_text("etcdctl/cluster-health-members-404.stdout.txt"),
                       err=fixture_text("etcdctl/cluster-health-members-404.stderr.txt")),
                  call(CURL % "http://10.0.1.11:4001/v2/machines", out=MACHINES_ANSWER),
                  call(CURL % "http://localhost:24001/v2/stats/self", out=LEADER),
                  call(CURL % "http://localhost:24002/v2/stats/self", rc=7, out="\n000",
                       err="curl: (7) Failed to connect to localhost port 24002: Connection refused\n"),
                  call(CURL % "http://localhost:24003/v2/stats/self", out=FOLLOWER.replace('"name":"n2"', '"name":"n3"'))],
        "result": {
            "changed": False, "healthy": False, "message": "cluster is unhealthy", "source": "/v2/machines and /v2/stats/self",
            "etcdctl_message": "cluster may be unhealthy: failed to list members; Error:  unexpected status code 404",
            "members": [v04_member("n1", 24001, "leader"),
                        {"id": "http://localhost:24002", "healthy": False,
                         "detail": "no answer on http://localhost:24002/v2/stats/self (unreachable)"},
                        v04_member("n3", 24003)],
            "warnings": [FALLBACK_WARNING % "/v2/machines and /v2/stats/self"],
        },
    },
    {
        "id": "etcd-0.4-without-machines-asks-each-endpoint",
        "args": {},
        "calls": [call(HEALTH, rc=1, err=fixture_text("etcdctl/cluster-health-v2.1-members-404.stderr.txt")),
                  call(CURL % "http://127.0.0.1:4001/v2/machines", out="404 page not found\n\n404"),
                  call(CURL % "http://127.0.0.1:2379/v2/machines", rc=7, out="\n000"),
                  call(CURL % "http://127.0.0.1:4001/v2/stats/self", out=fixture_text("etcd04/stats-self-single.json") + "\n200"),
                  call(CURL % "http://127.0.0.1:2379/v2/stats/self", rc=7, out="\n000")],
        "result": {
            "changed": False, "healthy": True, "message": "cluster is healthy", "source": "/v2/stats/self",
            "etcdctl_message": "etcdctl printed no verdict (rc 1)",
            "members": [{"id": "n1", "healthy": True, "detail": "no state on http://127.0.0.1:4001, leader n1"}],
            "warnings": [("etcd answered 404 on /v2/members (etcdctl printed no verdict (rc 1)): it is etcd 0.4 or older, as Deis "
                          "v1.7-v1.8 user-data run; health read from /v2/stats/self instead of etcdctl cluster-health")],
        },
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
