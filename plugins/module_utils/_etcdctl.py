# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""`etcdctl cluster-health` and `etcdctl member list` of the etcd v2 API etcdctl (CoreOS nodes of the Deis era ship
etcd 2.0-2.3; the sandbox's Debian etcd 3.4 prints the same lines in ctlv2 mode). Pure parsers, no I/O.

The verdict line cannot be trusted: from etcd 2.1 to 3.2 `cluster is healthy` means ANY member answered healthy
(2.1-2.2.2 even exit 0 with none healthy), and only etcd 3.3+ says `cluster is degraded` / `cluster is unavailable`
(coreos/etcd v2.3.7 and v3.4.16 etcdctl/ctlv2/command/cluster_health.go:120-134). Health is read from the
per-member lines, which every version prints the same way.

Deis v1.7-v1.8 user-data run CoreOS's etcd 0.4, which has no /v2/members: etcdctl v2.1+ then fails (v2.2+ and the
etcd 3.x etcdctl: `cluster may be unhealthy: failed to list members`, stderr `Error:  unexpected status code 404`,
rc 4; v2.1: stderr `unexpected status code 404`, rc 1; coreos/etcd v2.2.5 etcdctl/command/cluster_health.go:49-55,
client/members.go:210).  etcd 0.4 answers /v2/machines (text: client URLs joined by ", ", the leader first;
v0.4.9 server/server.go:308-313) and, on every member, /v2/stats/self (JSON with leaderInfo.leader).
"""

import json
import re

# coreos/etcd v2.3.7 etcdctl/command/cluster_health.go: :109 healthy, :111 unhealthy, :116 / :76 unreachable;
# v2.0.x prints `member <id> is healthy|unhealthy` without a detail, and names etcd 0.4's members by their 0.4
# names (`member n1 is healthy`), later versions by hex ids.
MEMBER_LINE = re.compile(r"^member (?P<id>\S+) is (?P<health>healthy|unhealthy|unreachable)(?:: (?P<detail>.*))?$")
# :84/:92/:102 `failed to check the health of member %s on %s: %v`
FAILED_CHECK = re.compile(r"^failed to check the health of member (?P<id>[0-9a-f]+) on (?P<url>\S+?): (?P<error>.*)$")
RESULT_FROM = re.compile(r"^got (?:un)?healthy result from (?P<url>\S+)$")
VERDICT_PREFIX = "cluster "
LIST_FAILED = "cluster may be unhealthy: failed to list members"  # :68-69, exit 4
# member list (v2.0: no isLeader; v2.1-2.2: `<id>[unstarted]: peerURLs=...` for a member that never started;
# v2.3+/3.x ctlv2: `... isLeader=true|false`), ETCD@v2.3.7 etcdctl/command/member_commands.go:84-86.
MEMBER_LIST_LINE = re.compile(r"^(?P<id>[0-9a-f]+): name=(?P<name>\S*) peerURLs=(?P<peers>\S*) clientURLs=(?P<clients>\S*)"
                              r"(?: isLeader=(?P<leader>true|false))?$")
UNSTARTED_LINE = re.compile(r"^(?P<id>[0-9a-f]+)\[unstarted\]: peerURLs=(?P<peers>\S*)$")

MEMBERS_404 = "unexpected status code 404"
DEFAULT_ENDPOINTS = ("http://127.0.0.1:4001", "http://127.0.0.1:2379")


def parse_cluster_health(rc, stdout, stderr):
    """-> {"healthy": bool, "members": [{"id", "healthy", "state", "url", "detail"}], "message": str, "verdict": str}.

    Healthy only when etcdctl read the member list, every member listed answered healthy, and etcdctl printed its
    verdict and exited 0 (it does on every version when all are healthy). state is healthy, unhealthy
    (no leader or raft not moving) or unreachable; url is the client URL etcdctl asked (None when it printed none);
    detail keeps etcdctl's words (the first failed check of an unreachable member).
    """
    members, order, failures = {}, [], {}
    verdict = None
    for line in stdout.splitlines():
        line = line.strip()
        failed = FAILED_CHECK.match(line)
        if failed:
            failures.setdefault(failed.group("id"), (failed.group("url"), failed.group("error")))
            continue
        match = MEMBER_LINE.match(line)
        if match:
            member_id, state, detail = match.group("id"), match.group("health"), match.group("detail") or ""
            result_from = RESULT_FROM.match(detail)
            members[member_id] = {"id": member_id, "healthy": state == "healthy", "state": state,
                                  "url": result_from.group("url") if result_from else None, "detail": detail}
            order.append(member_id)
        elif line.startswith(VERDICT_PREFIX):
            verdict = line
    for member_id, (url, error) in failures.items():
        if member_id in members and not members[member_id]["healthy"]:
            members[member_id]["url"] = members[member_id]["url"] or url
            members[member_id]["detail"] = error
    listed = [members[member_id] for member_id in order]
    healthy = (rc == 0 and verdict is not None and verdict != LIST_FAILED and bool(listed)
               and all(member["healthy"] for member in listed))
    message = verdict or ""
    # Over a pseudo-terminal (ssh -tt) etcdctl's stderr arrives on stdout.
    errors = [line.strip() for line in (stderr + "\n" + stdout).splitlines() if line.strip().startswith("Error:")]
    if errors:
        message = (message + "; " if message else "") + errors[0]
    return {"healthy": healthy, "members": listed, "verdict": verdict or "",
            "message": message or "etcdctl printed no verdict (rc %s)" % rc}


def parse_member_list(stdout):
    """`etcdctl member list` -> [{"id", "name", "peer_urls", "client_urls", "is_leader" (None before 2.3), "started"}]."""
    members = []
    for number, line in enumerate(stdout.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = MEMBER_LIST_LINE.match(line)
        if match:
            leader = match.group("leader")
            members.append({"id": match.group("id"), "name": match.group("name"),
                            "peer_urls": _urls(match.group("peers")), "client_urls": _urls(match.group("clients")),
                            "is_leader": None if leader is None else leader == "true", "started": True})
            continue
        unstarted = UNSTARTED_LINE.match(line)
        if unstarted:
            members.append({"id": unstarted.group("id"), "name": "", "peer_urls": _urls(unstarted.group("peers")),
                            "client_urls": [], "is_leader": None, "started": False})
            continue
        raise ValueError("etcdctl member list: line %d is not a member: %r" % (number, line))
    return members


def _urls(text):
    return [url for url in text.split(",") if url]


def unhealthy_members(health, names=None):
    """One phrase per member that is not healthy, naming it: `core-02 (member 8789ae855ca893ca,
    http://10.0.1.12:2379) is unreachable: <etcdctl's words>`. names maps member ids to what to call them."""
    names = names or {}
    phrases = []
    for member in health["members"]:
        if member["healthy"]:
            continue
        label = "member %s" % member["id"] + (", %s" % member["url"] if member["url"] else "")
        label = "%s (%s)" % (names[member["id"]], label) if names.get(member["id"]) else label
        phrases.append("%s is %s%s" % (label, member["state"], ": " + member["detail"] if member["detail"] else ""))
    return phrases


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
            members.append({"id": url, "healthy": False, "state": "unreachable", "url": url,
                            "detail": "no answer on %s/v2/stats/self (%s)" % (url, status or "unreachable")})
            continue
        try:
            stats = parse_stats_self(body)
        except ValueError as error:
            members.append({"id": url, "healthy": False, "state": "unhealthy", "url": url, "detail": str(error)})
            continue
        leaders.add(stats["leader"])
        members.append({"id": stats["name"] or url, "healthy": bool(stats["leader"]),
                        "state": "healthy" if stats["leader"] else "unhealthy", "url": url,
                        "detail": "%s on %s, leader %s" % (stats["state"] or "no state", url, stats["leader"] or "unknown")})
    healthy = bool(members) and all(m["healthy"] for m in members) and len(leaders) == 1
    verdict = "cluster is healthy" if healthy else (
        "members disagree about the leader (%s)" % ", ".join(sorted(leaders)) if len(leaders) > 1 else "cluster is unhealthy")
    return {"healthy": healthy, "members": members, "verdict": verdict, "message": verdict}
