# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._etcdctl import (
    health_from_stats, members_api_missing, parse_cluster_health, parse_curl, parse_machines, parse_member_list,
    parse_stats_self, unhealthy_members)

# Formats from coreos/etcd v2.3.7 etcdctl/command/cluster_health.go (3.4 ctlv2 the same, lines +-1); the verdicts of
# etcd 3.3+: exit 0 when every member is healthy, 5 (ExitClusterNotHealthy) otherwise, 4 when the member list
# cannot be read. etcd 2.1-3.2 say `cluster is healthy` (2.1-2.2.2 exit 0) as long as ANY member is healthy.
M1 = "b71f75320dc06a6c"
M2 = "8211f1d0f64f3269"
M3 = "91bc3c398fb3c146"
HEALTHY_LINE = "member %s is healthy: got healthy result from http://10.0.1.%d:2379\n"
ONE_UNHEALTHY = (HEALTHY_LINE % (M1, 11)
                 + "member %s is unhealthy: got unhealthy result from http://10.0.1.12:2379\n" % M2
                 + HEALTHY_LINE % (M3, 13)
                 + "cluster is degraded\n")
NO_URLS = "member %s is unreachable: no available published client urls\ncluster is unavailable\n" % M2


def healthy(member, ip):
    return {"id": member, "healthy": True, "state": "healthy", "url": "http://10.0.1.%d:2379" % ip,
            "detail": "got healthy result from http://10.0.1.%d:2379" % ip}


UNHEALTHY_M2 = {"id": M2, "healthy": False, "state": "unhealthy", "url": "http://10.0.1.12:2379",
                "detail": "got unhealthy result from http://10.0.1.12:2379"}


@pytest.mark.parametrize(
    "rc, stdout, stderr, expected",
    [
        pytest.param(0, ONE_UNHEALTHY, "", {
            "healthy": False, "message": "cluster is degraded", "verdict": "cluster is degraded",
            "members": [healthy(M1, 11), UNHEALTHY_M2, healthy(M3, 13)],
        }, id="member-unhealthy-even-with-rc-0"),
        pytest.param(5, NO_URLS, "", {
            "healthy": False, "message": "cluster is unavailable", "verdict": "cluster is unavailable",
            "members": [{"id": M2, "healthy": False, "state": "unreachable", "url": None,
                         "detail": "no available published client urls"}],
        }, id="member-without-client-urls"),
        pytest.param(0, "", "", {"healthy": False, "members": [], "verdict": "", "message": "etcdctl printed no verdict (rc 0)"},
                     id="rc-0-empty-output"),
        pytest.param(0, HEALTHY_LINE % (M1, 11), "", {"healthy": False, "members": [healthy(M1, 11)], "verdict": "",
                                                      "message": "etcdctl printed no verdict (rc 0)"},
                     id="rc-0-members-but-no-verdict"),
        pytest.param(5, HEALTHY_LINE % (M1, 11) + "cluster is healthy\n", "", {
            "healthy": False, "members": [healthy(M1, 11)], "verdict": "cluster is healthy", "message": "cluster is healthy"},
            id="healthy-words-but-rc-5"),
        pytest.param(0, "cluster is healthy\n", "", {"healthy": False, "members": [], "verdict": "cluster is healthy",
                                                     "message": "cluster is healthy"}, id="verdict-without-members"),
        pytest.param(0, "  " + HEALTHY_LINE % (M1, 11) + "cluster is healthy  \r\n", "", {
            "healthy": True, "members": [healthy(M1, 11)], "verdict": "cluster is healthy", "message": "cluster is healthy"},
            id="surrounding-whitespace-and-crlf"),
        pytest.param(2, "", "Error:  dial tcp 10.0.1.11:2379: connect: no route to host\n", {
            "healthy": False, "members": [], "verdict": "",
            "message": "Error:  dial tcp 10.0.1.11:2379: connect: no route to host"}, id="only-an-error-line"),
        pytest.param(127, "", "sh: 1: etcdctl: not found\n", {
            "healthy": False, "members": [], "verdict": "", "message": "etcdctl printed no verdict (rc 127)"}, id="not-installed"),
        # etcd v2.0.8 etcdctl/command/cluster_health.go:51-112: the verdict first, then `member <id> is healthy|unhealthy`.
        pytest.param(0, "cluster is healthy\nmember %s is healthy\nmember %s is unhealthy\n" % (M1, M2), "", {
            "healthy": False, "verdict": "cluster is healthy", "message": "cluster is healthy",
            "members": [{"id": M1, "healthy": True, "state": "healthy", "url": None, "detail": ""},
                        {"id": M2, "healthy": False, "state": "unhealthy", "url": None, "detail": ""}]}, id="etcd-2.0-format"),
    ],
)
def test_parse_cluster_health(rc, stdout, stderr, expected):
    assert parse_cluster_health(rc, stdout, stderr) == expected


def test_healthy_fixture(read_fixture):
    assert parse_cluster_health(0, read_fixture("etcdctl/cluster-health-healthy.stdout.txt"), "") == {
        "healthy": True, "verdict": "cluster is healthy", "message": "cluster is healthy",
        "members": [{"id": "b71f75320dc06a6c", "healthy": True, "state": "healthy", "url": "http://127.0.0.1:2379",
                     "detail": "got healthy result from http://127.0.0.1:2379"}],
    }


def test_three_healthy_members_fixture(read_fixture):
    result = parse_cluster_health(0, read_fixture("etcdctl/cluster-health-3-members.stdout.txt"), "")
    assert result["healthy"] is True
    assert [(m["id"], m["url"]) for m in result["members"]] == [
        ("bebe79b2788433be", "http://127.0.10.3:2379"), ("d90e3f9ac2380745", "http://127.0.10.1:2379"),
        ("f7db6a068c760b05", "http://127.0.10.2:2379")]


def test_etcd_2_2_says_healthy_with_a_member_unreachable(read_fixture):
    """etcd-io/etcd#3852 (etcd 2.2): a member unreachable, yet `cluster is healthy` and exit 0. Not healthy here."""
    result = parse_cluster_health(0, read_fixture("etcdctl/cluster-health-2.2-one-unreachable.stdout.txt"), "")
    assert result["healthy"] is False
    assert result["verdict"] == "cluster is healthy"
    assert result["members"][1] == {
        "id": "65de4ea85ff20848", "healthy": False, "state": "unreachable", "url": "http://172.17.8.103:2379",
        "detail": "Get http://172.17.8.103:2379/health: dial tcp 172.17.8.103:2379: i/o timeout"}
    assert unhealthy_members(result, {"65de4ea85ff20848": "core-03"}) == [
        "core-03 (member 65de4ea85ff20848, http://172.17.8.103:2379) is unreachable: "
        "Get http://172.17.8.103:2379/health: dial tcp 172.17.8.103:2379: i/o timeout"]


def test_etcd_3_4_degraded_fixture(read_fixture):
    """One of three members stopped: etcd 3.4 says `cluster is degraded`, exit 5."""
    result = parse_cluster_health(5, read_fixture("etcdctl/cluster-health-degraded.stdout.txt"), "")
    assert (result["healthy"], result["verdict"]) == (False, "cluster is degraded")
    assert [(m["id"], m["state"]) for m in result["members"]] == [
        ("bebe79b2788433be", "healthy"), ("d90e3f9ac2380745", "healthy"), ("f7db6a068c760b05", "unreachable")]
    assert unhealthy_members(result) == [
        'member f7db6a068c760b05, http://127.0.10.2:2379 is unreachable: Get "http://127.0.10.2:2379/health": '
        'dial tcp 127.0.10.2:2379: connect: connection refused']


def test_etcd_3_4_quorum_lost_fixture(read_fixture):
    """Two of three stopped: the survivor has no leader and answers unhealthy; `cluster is unavailable`."""
    result = parse_cluster_health(5, read_fixture("etcdctl/cluster-health-unavailable.stdout.txt"), "")
    assert [m["state"] for m in result["members"]] == ["unreachable", "unhealthy", "unreachable"]
    assert result["verdict"] == "cluster is unavailable" and result["healthy"] is False


def test_etcd_down_fixture(read_fixture):
    """etcd stopped: rc 4, the verdict on stdout, the client error (several lines) on stderr; only its first line is kept."""
    result = parse_cluster_health(4, read_fixture("etcdctl/cluster-health-down.stdout.txt"), read_fixture("etcdctl/cluster-health-down.stderr.txt"))
    assert result == {
        "healthy": False, "members": [], "verdict": "cluster may be unhealthy: failed to list members",
        "message": "cluster may be unhealthy: failed to list members; Error:  client: etcd cluster is unavailable or misconfigured; "
                   "error #0: dial tcp 127.0.0.1:2379: connect: connection refused",
    }


def test_healthy_fixture_is_not_healthy_with_a_non_zero_rc(read_fixture):
    assert parse_cluster_health(1, read_fixture("etcdctl/cluster-health-healthy.stdout.txt"), "")["healthy"] is False


def test_member_list_fixture(read_fixture):
    members = parse_member_list(read_fixture("etcdctl/member-list.stdout.txt"))
    assert members[1] == {"id": "d90e3f9ac2380745", "name": "1afc1252bbefababe151dd59b906128c",
                          "peer_urls": ["http://127.0.10.1:2380"], "client_urls": ["http://127.0.10.1:2379"],
                          "is_leader": True, "started": True}
    assert [m["is_leader"] for m in members] == [False, True, False]


def test_member_list_keeps_a_stopped_member(read_fixture):
    """Membership does not change when a member stops: it is still listed (with a leader among the others)."""
    assert len(parse_member_list(read_fixture("etcdctl/member-list-member-down.stdout.txt"))) == 3


@pytest.mark.parametrize("line, expected", [
    # etcd v2.0.8 etcdctl/command/member_commands.go:101-103: no isLeader.
    ("ce2a822cea30bfca: name=node1 peerURLs=http://10.0.1.11:2380,http://10.0.1.11:7001 clientURLs=http://10.0.1.11:2379\n",
     {"id": "ce2a822cea30bfca", "name": "node1", "peer_urls": ["http://10.0.1.11:2380", "http://10.0.1.11:7001"],
      "client_urls": ["http://10.0.1.11:2379"], "is_leader": None, "started": True}),
    # v2.1-2.2: a member added but never started.
    ("65de4ea85ff20848[unstarted]: peerURLs=http://10.0.1.13:2380\n",
     {"id": "65de4ea85ff20848", "name": "", "peer_urls": ["http://10.0.1.13:2380"], "client_urls": [],
      "is_leader": None, "started": False}),
])
def test_member_list_older_formats(line, expected):
    assert parse_member_list(line) == [expected]


def test_member_list_rejects_other_lines(read_fixture):
    with pytest.raises(ValueError, match="line 1 is not a member"):
        parse_member_list(read_fixture("etcdctl/member-list-no-leader.stderr.txt"))


# -- etcd 0.4 (Deis v1.7-v1.8 user-data) ---------------------------------------------------------------

def test_members_404_is_recognised_per_etcdctl_version(read_fixture):
    """v2.2+ and etcd 3.x etcdctl: rc 4, `failed to list members` + `Error:  unexpected status code 404` (captured from the
    Debian etcdctl 3.4.23 against a 404 server, the bytes of the coreos/etcd v2.2.5 run); v2.1: stderr only, rc 1."""
    assert members_api_missing(4, read_fixture("etcdctl/cluster-health-members-404.stdout.txt"),
                               read_fixture("etcdctl/cluster-health-members-404.stderr.txt"))
    assert members_api_missing(1, "", read_fixture("etcdctl/cluster-health-v2.1-members-404.stderr.txt"))
    assert not members_api_missing(4, read_fixture("etcdctl/cluster-health-down.stdout.txt"),
                                   read_fixture("etcdctl/cluster-health-down.stderr.txt"))
    assert not members_api_missing(0, read_fixture("etcdctl/cluster-health-healthy.stdout.txt"), "")


def test_etcdctl_v2_0_against_etcd_0_4_is_healthy(read_fixture):
    """v2.0.x cluster-health is stats based and names members by their 0.4 names (run, coreos/etcd v2.0.13)."""
    result = parse_cluster_health(0, read_fixture("etcdctl/cluster-health-v2.0-etcd04.stdout.txt"), "")
    assert result == {"healthy": True, "message": "cluster is healthy", "verdict": "cluster is healthy",
                      "members": [{"id": name, "healthy": True, "state": "healthy", "url": None, "detail": ""}
                                  for name in ("n1", "n2", "n3")]}


def test_parse_machines_and_curl(read_fixture):
    """v0.4.9 server/server.go:308-313: client URLs joined by ", ", leader first, no newline."""
    assert parse_machines(read_fixture("etcd04/machines.txt")) == [
        "http://localhost:24001", "http://localhost:24002", "http://localhost:24003"]
    assert parse_curl(read_fixture("etcd04/machines.txt") + "\n200") == (200, read_fixture("etcd04/machines.txt"))
    assert parse_curl("\n000") == (0, "")
    assert parse_curl("404 page not found\n\n404") == (404, "404 page not found\n")


@pytest.mark.parametrize("fixture, expected", [
    ("etcd04/stats-self-leader.json", {"name": "n1", "state": "leader", "leader": "n1"}),
    ("etcd04/stats-self-follower.json", {"name": "n2", "state": "follower", "leader": "n1"}),
    # raft_server_stats.go:54,71: the state is set only by append traffic; a lone leader names itself (peer_server.go:647-649).
    ("etcd04/stats-self-single.json", {"name": "n1", "state": "", "leader": "n1"}),
])
def test_parse_stats_self(read_fixture, fixture, expected):
    assert parse_stats_self(read_fixture(fixture)) == expected


@pytest.mark.parametrize("body", ["404 page not found\n", "[]", '{"leader": "n1"}'])
def test_parse_stats_self_rejects(body):
    with pytest.raises(ValueError, match="/v2/stats/self answered"):
        parse_stats_self(body)


def test_health_from_stats(read_fixture):
    machines = ["http://a:4001", "http://b:4001"]
    leader, follower = read_fixture("etcd04/stats-self-leader.json"), read_fixture("etcd04/stats-self-follower.json")
    assert health_from_stats(machines, {"http://a:4001": (200, leader), "http://b:4001": (200, follower)})["healthy"] is True
    down = health_from_stats(machines, {"http://a:4001": (200, leader)})
    assert (down["healthy"], down["message"]) == (False, "cluster is unhealthy")
    split = health_from_stats(machines, {"http://a:4001": (200, leader), "http://b:4001": (200, follower.replace('"leader":"n1"', '"leader":"n3"'))})
    assert (split["healthy"], split["message"]) == (False, "members disagree about the leader (n1, n3)")
    assert health_from_stats([], {})["healthy"] is False


def test_members_404_merged_into_stdout_by_a_pseudo_terminal(read_fixture):
    """Ansible runs node commands over `ssh -tt`: etcdctl's stderr then arrives in stdout."""
    merged = read_fixture("etcdctl/cluster-health-members-404.stdout.txt") + read_fixture("etcdctl/cluster-health-members-404.stderr.txt")
    assert members_api_missing(4, merged, "")
