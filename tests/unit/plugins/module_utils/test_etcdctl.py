# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._etcdctl import parse_cluster_health

# Formats from etcd 3.4 etcdctl/ctlv2/command/cluster_health.go: exit 0 when every member is healthy,
# 5 (ExitClusterNotHealthy) otherwise, 4 (ExitServerError) when the member list cannot be read.
M1 = "b71f75320dc06a6c"
M2 = "8211f1d0f64f3269"
M3 = "91bc3c398fb3c146"
HEALTHY_LINE = "member %s is healthy: got healthy result from http://10.0.1.%d:2379\n"
ONE_UNHEALTHY = (HEALTHY_LINE % (M1, 11)
                 + "member %s is unhealthy: got unhealthy result from http://10.0.1.12:2379\n" % M2
                 + HEALTHY_LINE % (M3, 13)
                 + "cluster is degraded\n")
ONE_UNREACHABLE = ("failed to check the health of member %s on http://10.0.1.12:2379: Get http://10.0.1.12:2379/health: "
                   "dial tcp 10.0.1.12:2379: i/o timeout\n" % M2
                   + HEALTHY_LINE % (M1, 11)
                   + "member %s is unreachable: [http://10.0.1.12:2379] are all unreachable\n" % M2
                   + "cluster is degraded\n")
NO_URLS = "member %s is unreachable: no available published client urls\ncluster is unavailable\n" % M2


def healthy(member, ip):
    return {"id": member, "healthy": True, "detail": "got healthy result from http://10.0.1.%d:2379" % ip}


@pytest.mark.parametrize(
    "rc, stdout, stderr, expected",
    [
        pytest.param(0, ONE_UNHEALTHY, "", {
            "healthy": False, "message": "cluster is degraded",
            "members": [healthy(M1, 11), {"id": M2, "healthy": False, "detail": "got unhealthy result from http://10.0.1.12:2379"},
                        healthy(M3, 13)],
        }, id="member-unhealthy-even-with-rc-0"),
        pytest.param(5, ONE_UNHEALTHY, "", {
            "healthy": False, "message": "cluster is degraded",
            "members": [healthy(M1, 11), {"id": M2, "healthy": False, "detail": "got unhealthy result from http://10.0.1.12:2379"},
                        healthy(M3, 13)],
        }, id="member-unhealthy"),
        pytest.param(5, ONE_UNREACHABLE, "", {
            "healthy": False, "message": "cluster is degraded",
            "members": [healthy(M1, 11), {"id": M2, "healthy": False, "detail": "[http://10.0.1.12:2379] are all unreachable"}],
        }, id="member-unreachable"),
        pytest.param(5, NO_URLS, "", {
            "healthy": False, "message": "cluster is unavailable",
            "members": [{"id": M2, "healthy": False, "detail": "no available published client urls"}],
        }, id="member-without-client-urls"),
        pytest.param(0, "", "", {"healthy": False, "members": [], "message": "etcdctl printed no verdict (rc 0)"}, id="rc-0-empty-output"),
        pytest.param(0, HEALTHY_LINE % (M1, 11), "", {"healthy": False, "members": [healthy(M1, 11)], "message": "etcdctl printed no verdict (rc 0)"},
                     id="rc-0-members-but-no-verdict"),
        pytest.param(5, HEALTHY_LINE % (M1, 11) + "cluster is healthy\n", "", {
            "healthy": False, "members": [healthy(M1, 11)], "message": "cluster is healthy"}, id="healthy-words-but-rc-5"),
        pytest.param(0, "cluster is healthy\n", "", {"healthy": False, "members": [], "message": "cluster is healthy"}, id="verdict-without-members"),
        pytest.param(0, "  " + HEALTHY_LINE % (M1, 11) + "cluster is healthy  \r\n", "", {
            "healthy": True, "members": [healthy(M1, 11)], "message": "cluster is healthy"}, id="surrounding-whitespace-and-crlf"),
        pytest.param(2, "", "Error:  dial tcp 10.0.1.11:2379: connect: no route to host\n", {
            "healthy": False, "members": [], "message": "Error:  dial tcp 10.0.1.11:2379: connect: no route to host"}, id="only-an-error-line"),
        pytest.param(127, "", "sh: 1: etcdctl: not found\n", {
            "healthy": False, "members": [], "message": "etcdctl printed no verdict (rc 127)"}, id="not-installed"),
    ],
)
def test_parse_cluster_health(rc, stdout, stderr, expected):
    assert parse_cluster_health(rc, stdout, stderr) == expected


def test_healthy_fixture(read_fixture):
    assert parse_cluster_health(0, read_fixture("etcdctl/cluster-health-healthy.stdout.txt"), "") == {
        "healthy": True,
        "members": [{"id": "b71f75320dc06a6c", "healthy": True, "detail": "got healthy result from http://127.0.0.1:2379"}],
        "message": "cluster is healthy",
    }


def test_etcd_down_fixture(read_fixture):
    """etcd stopped: rc 4, the verdict on stdout, the client error (several lines) on stderr; only its first line is kept."""
    result = parse_cluster_health(4, read_fixture("etcdctl/cluster-health-down.stdout.txt"), read_fixture("etcdctl/cluster-health-down.stderr.txt"))
    assert result == {
        "healthy": False,
        "members": [],
        "message": "cluster may be unhealthy: failed to list members; Error:  client: etcd cluster is unavailable or misconfigured; "
                   "error #0: dial tcp 127.0.0.1:2379: connect: connection refused",
    }


def test_healthy_fixture_is_not_healthy_with_a_non_zero_rc(read_fixture):
    assert parse_cluster_health(1, read_fixture("etcdctl/cluster-health-healthy.stdout.txt"), "")["healthy"] is False
