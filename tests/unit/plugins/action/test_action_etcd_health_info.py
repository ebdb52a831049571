# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, case_ids, fixture_text, run_case

HEALTH = "env ETCDCTL_API=2 LANG=C LC_ALL=C etcdctl cluster-health"
MEMBERS = "env ETCDCTL_API=2 LANG=C LC_ALL=C etcdctl member list"
HEALTHY_MEMBER = {"id": "b71f75320dc06a6c", "healthy": True, "state": "healthy", "url": "http://127.0.0.1:2379",
                  "detail": "got healthy result from http://127.0.0.1:2379"}
HEALTHY = {"changed": False, "source": "etcdctl cluster-health", "healthy": True, "members": [HEALTHY_MEMBER], "message": "cluster is healthy",
           "verdict": "cluster is healthy"}
# Captured on sandbox nodes (Debian etcd 3.4, three members, core-02's stopped): exit 5.
DEGRADED = fixture_text("etcdctl/cluster-health-degraded.stdout.txt")
MEMBER_LIST = fixture_text("etcdctl/member-list-member-down.stdout.txt")
DOWN_DETAIL = 'Get "http://127.0.10.2:2379/health": dial tcp 127.0.10.2:2379: connect: connection refused'
UNREACHABLE = ("core-02 (member f7db6a068c760b05, http://127.0.10.2:2379) is unreachable: " + DOWN_DETAIL)


def member(member_id, address, name):
    found = {"id": member_id, "healthy": True, "state": "healthy", "url": "http://%s:2379" % address,
             "detail": "got healthy result from http://%s:2379" % address}
    return dict(found, name=name) if name else found


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
    return {"id": name, "healthy": True, "state": "healthy", "url": "http://localhost:%d" % port,
            "detail": "%s on http://localhost:%d, leader n1" % (state, port)}


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
            "changed": False, "source": "etcdctl cluster-health", "healthy": False, "members": [],
            "verdict": "cluster may be unhealthy: failed to list members",
            "message": "cluster may be unhealthy: failed to list members; Error:  client: etcd cluster is unavailable or misconfigured; "
                       "error #0: dial tcp 127.0.0.1:2379: connect: connection refused",
        },
    },
    {
        "id": "one-member-unreachable-named",
        "args": {"names": {"bf8e3ff813523137354b3a4bb5248d1e": "core-02"}},
        "calls": [call(HEALTH, rc=5, out=DEGRADED), call(MEMBERS, out=MEMBER_LIST)],
        "result": {
            "changed": False, "source": "etcdctl cluster-health", "healthy": False, "verdict": "cluster is degraded", "unhealthy": [UNREACHABLE],
            "message": "cluster is degraded; " + UNREACHABLE,
            "members": [
                member("bebe79b2788433be", "127.0.10.3", "73740c33a4c5866cceaf9d0622d507a6"),
                member("d90e3f9ac2380745", "127.0.10.1", "1afc1252bbefababe151dd59b906128c"),
                {"id": "f7db6a068c760b05", "healthy": False, "state": "unreachable", "url": "http://127.0.10.2:2379",
                 "name": "bf8e3ff813523137354b3a4bb5248d1e", "detail": DOWN_DETAIL},
            ],
        },
    },
    {
        "id": "etcd-2.2-says-healthy-with-a-member-unreachable",
        "args": {},
        "calls": [call(HEALTH, out=fixture_text("etcdctl/cluster-health-2.2-one-unreachable.stdout.txt")),
                  call(MEMBERS, rc=1, err="Failed to get leader:  client: etcd cluster is unavailable\n")],
        "result": {
            "changed": False, "source": "etcdctl cluster-health", "healthy": False, "verdict": "cluster is healthy",
            "unhealthy": ["member 65de4ea85ff20848, http://172.17.8.103:2379 is unreachable: Get http://172.17.8.103:2379/health: "
                          "dial tcp 172.17.8.103:2379: i/o timeout"],
            "message": "cluster is healthy; member 65de4ea85ff20848, http://172.17.8.103:2379 is unreachable: "
                       "Get http://172.17.8.103:2379/health: dial tcp 172.17.8.103:2379: i/o timeout",
            "members": [
                {"id": "2eacd324a7820934", "healthy": True, "state": "healthy", "url": "http://172.17.8.102:2379",
                 "detail": "got healthy result from http://172.17.8.102:2379"},
                {"id": "65de4ea85ff20848", "healthy": False, "state": "unreachable", "url": "http://172.17.8.103:2379",
                 "detail": "Get http://172.17.8.103:2379/health: dial tcp 172.17.8.103:2379: i/o timeout"},
                {"id": "ce2a822cea30bfca", "healthy": True, "state": "healthy", "url": "http://172.17.8.101:2379",
                 "detail": "got healthy result from http://172.17.8.101:2379"},
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
        "result": {"changed": False, "source": "etcdctl cluster-health", "healthy": False, "members": [], "verdict": "",
                   "message": "etcdctl printed no verdict (rc 127)"},
    },
    {
        "id": "waits-until-the-member-is-back",
        "args": {"names": {"bf8e3ff813523137354b3a4bb5248d1e": "core-02"}, "timeout": 30, "poll_interval": 2},
        "calls": [call(HEALTH, rc=5, out=DEGRADED), call(MEMBERS, out=MEMBER_LIST),
                  call(HEALTH, out=fixture_text("etcdctl/cluster-health-3-members.stdout.txt"))],
        "sleeps": [2],
        "result": {"changed": False, "source": "etcdctl cluster-health", "healthy": True, "verdict": "cluster is healthy",
                   "message": "cluster is healthy", "waited": 2.0,
                   "members": [member("bebe79b2788433be", "127.0.10.3", None), member("d90e3f9ac2380745", "127.0.10.1", None),
                               member("f7db6a068c760b05", "127.0.10.2", None)]},
    },
    {
        "id": "stops-waiting-at-the-timeout-naming-the-member",
        "args": {"names": {"bf8e3ff813523137354b3a4bb5248d1e": "core-02"}, "timeout": 2, "poll_interval": 2},
        "calls": [call(HEALTH, rc=5, out=DEGRADED), call(MEMBERS, out=MEMBER_LIST), call(HEALTH, rc=5, out=DEGRADED),
                  call(MEMBERS, out=MEMBER_LIST)],
        "sleeps": [2],
        "result": {
            "changed": False, "source": "etcdctl cluster-health", "healthy": False, "verdict": "cluster is degraded", "unhealthy": [UNREACHABLE], "waited": 2.0,
            "message": "cluster is degraded; " + UNREACHABLE,
            "members": [
                member("bebe79b2788433be", "127.0.10.3", "73740c33a4c5866cceaf9d0622d507a6"),
                member("d90e3f9ac2380745", "127.0.10.1", "1afc1252bbefababe151dd59b906128c"),
                {"id": "f7db6a068c760b05", "healthy": False, "state": "unreachable", "url": "http://127.0.10.2:2379",
                 "name": "bf8e3ff813523137354b3a4bb5248d1e", "detail": DOWN_DETAIL},
            ],
        },
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
            "changed": False, "healthy": True, "message": "cluster is healthy", "verdict": "cluster is healthy",
            "source": "/v2/machines and /v2/stats/self",
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
            "changed": False, "healthy": False, "message": "cluster is unhealthy", "verdict": "cluster is unhealthy",
            "source": "/v2/machines and /v2/stats/self",
            "etcdctl_message": "cluster may be unhealthy: failed to list members; Error:  unexpected status code 404",
            "members": [v04_member("n1", 24001, "leader"),
                        {"id": "http://localhost:24002", "healthy": False, "state": "unreachable", "url": "http://localhost:24002",
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
            "changed": False, "healthy": True, "message": "cluster is healthy", "verdict": "cluster is healthy", "source": "/v2/stats/self",
            "etcdctl_message": "etcdctl printed no verdict (rc 1)",
            "members": [{"id": "n1", "healthy": True, "state": "healthy", "url": "http://127.0.0.1:4001",
                         "detail": "no state on http://127.0.0.1:4001, leader n1"}],
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
            "msg": "Unsupported parameters for (deis.platform.etcd_health_info) module: endpoints. Supported parameters include: "
                   "endpoint, etcdctl, names, poll_interval, timeout.",
        },
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_etcd_health_info(case, fake_clock):
    result = run_case("etcd_health_info", case, fake_clock)[0]
    assert "rc" not in result  # a non-zero rc in a result makes Ansible fail the task
