# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""`etcdctl cluster-health` (etcd v2 API etcdctl, as on CoreOS nodes of the Deis era)."""

import re

MEMBER_LINE = re.compile(r"^member (?P<id>[0-9a-f]+) is (?P<health>healthy|unhealthy|unreachable)(?:: (?P<detail>.*))?$")


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
    errors = [line.strip() for line in stderr.splitlines() if line.strip().startswith("Error:")]
    if errors:
        message = (message + "; " if message else "") + errors[0]
    return {"healthy": healthy, "members": members, "message": message or "etcdctl printed no verdict (rc %s)" % rc}
