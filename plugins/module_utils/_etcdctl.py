# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""`etcdctl cluster-health` (etcd v2 API etcdctl, as on CoreOS nodes of the Deis era), and the etcd 0.4 fallback.

Deis v1.7-v1.8 user-data run CoreOS's etcd 0.4, which has no /v2/members: etcdctl v2.1+ then fails (v2.2+ and the
etcd 3.x etcdctl: `cluster may be unhealthy: failed to list members`, stderr `Error:  unexpected status code 404`,
rc 4; v2.1: stderr `unexpected status code 404`, rc 1; coreos/etcd v2.2.5 etcdctl/command/cluster_health.go:49-55,
client/members.go:210).  etcd 0.4 answers /v2/machines (text: client URLs joined by ", ", the leader first;
v0.4.9 server/server.go:308-313) and, on every member, /v2/stats/self (JSON with leaderInfo.leader).
"""

import json
import re

# v2.0.x etcdctl against etcd 0.4 names members by their 0.4 names (`member n1 is healthy`), later ones by hex ids.
MEMBER_LINE = re.compile(r"^member (?P<id>\S+) is (?P<health>healthy|unhealthy|unreachable)(?:: (?P<detail>.*))?$")
MEMBERS_404 = "unexpected status code 404"
DEFAULT_ENDPOINTS = ("http://127.0.0.1:4001", "http://127.0.0.1:2379")


def parse_cluster_health(rc, stdout, stderr):
    """-> {"healthy": bool, "members": [{"id", "healthy", "detail"}], "message": str}.

    Healthy only when etcdctl says `cluster is healthy` and exits 0; the rc alone is not trusted.
    """
    members = []
    verdict = None
    for line in stdout.splitlines():
        line = line.strip()
        match = MEMBER_LINE.match(line)
        if match:
            members.append({"id": match.group("id"), "healthy": match.group("health") == "healthy",
                            "detail": match.group("detail") or ""})
        elif line.startswith("cluster "):
            verdict = line
    healthy = rc == 0 and verdict == "cluster is healthy" and bool(members) and all(m["healthy"] for m in members)
    message = verdict or ""
    # stderr, or stdout when a pseudo-terminal (ssh -tt) merged the two
    errors = [line.strip() for line in (stderr + "\n" + stdout).splitlines() if line.strip().startswith("Error:")]
    if errors:
        message = (message + "; " if message else "") + errors[0]
    return {"healthy": healthy, "members": members, "message": message or "etcdctl printed no verdict (rc %s)" % rc}


def members_api_missing(rc, stdout, stderr):
    """Whether etcdctl failed because the cluster answered 404 on /v2/members (an etcd 0.4 cluster).  Both streams: over
    SSH with a pseudo-terminal (Ansible's -tt) etcdctl's stderr arrives in stdout."""
    return rc != 0 and MEMBERS_404 in stderr + stdout and "is healthy" not in stdout


def parse_curl(stdout):
    """`curl -sS -w '\\n%{http_code}' URL` -> (status, body); status 0 when curl got no answer (000)."""
    body, _sep, code = stdout.rpartition("\n")
    return (int(code) if code.isdigit() else 0), body


def parse_machines(body):
    """etcd 0.4's /v2/machines: `http://a:4001, http://b:4001` -> [urls]."""
    return [url.strip().rstrip("/") for url in body.split(",") if url.strip()]


def parse_stats_self(body):
    """/v2/stats/self -> {"name", "state", "leader"}; ValueError when it is not that JSON.  etcd 0.4 names the leader
    in leaderInfo.leader (a single member that never replicated shows state ""); etcd 2+ too (by member id)."""
    try:
        stats = json.loads(body)
    except ValueError as error:
        raise ValueError("/v2/stats/self answered %r, not JSON" % body[:80]) from error
    if not isinstance(stats, dict) or "name" not in stats:
        raise ValueError("/v2/stats/self answered %r, not etcd's self statistics" % body[:80])
    return {"name": stats.get("name") or stats.get("id") or "", "state": stats.get("state") or "",
            "leader": (stats.get("leaderInfo") or {}).get("leader") or ""}


def health_from_stats(machines, answers):
    """The fallback verdict: every machine of /v2/machines answered /v2/stats/self and all name the same leader.
    `answers` maps a machine URL to (status, body).  -> the shape of parse_cluster_health."""
    members, leaders = [], set()
    for url in machines:
        status, body = answers.get(url, (0, ""))
        if status != 200:
            members.append({"id": url, "healthy": False, "detail": "no answer on %s/v2/stats/self (%s)" % (url, status or "unreachable")})
            continue
        try:
            stats = parse_stats_self(body)
        except ValueError as error:
            members.append({"id": url, "healthy": False, "detail": str(error)})
            continue
        leaders.add(stats["leader"])
        members.append({"id": stats["name"] or url, "healthy": bool(stats["leader"]),
                        "detail": "%s on %s, leader %s" % (stats["state"] or "no state", url, stats["leader"] or "unknown")})
    healthy = bool(members) and all(m["healthy"] for m in members) and len(leaders) == 1
    verdict = "cluster is healthy" if healthy else (
        "members disagree about the leader (%s)" % ", ".join(sorted(leaders)) if len(leaders) > 1 else "cluster is unhealthy")
    return {"healthy": healthy, "members": members, "message": verdict}
