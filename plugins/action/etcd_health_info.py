# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._etcdctl import (
    DEFAULT_ENDPOINTS, health_from_stats, members_api_missing, parse_cluster_health, parse_curl, parse_machines)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction

CLUSTER_HEALTH = "etcdctl cluster-health"
MACHINES = "/v2/machines and /v2/stats/self"
STATS_SELF = "/v2/stats/self"


class ActionModule(NodeAction):
    """etcdctl cluster-health (v2), parsed; on an etcd 0.4 cluster (404 on /v2/members) the health comes from
    /v2/machines and every member's /v2/stats/self, with a warning naming that source.  An unhealthy cluster is
    reported, not failed."""

    ARGUMENT_SPEC = {"endpoint": {"type": "str"}, "etcdctl": {"type": "str", "default": "etcdctl"}}
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        argv = [params["etcdctl"]]
        if params["endpoint"]:
            argv += ["--endpoints", params["endpoint"]]
        result = runner.run(argv + ["cluster-health"], env={"ETCDCTL_API": "2"})
        health = parse_cluster_health(result.rc, result.stdout, result.stderr)
        if health["healthy"] or not members_api_missing(result.rc, result.stdout, result.stderr):
            return dict(health, source=CLUSTER_HEALTH)
        endpoints = [e.strip().rstrip("/") for e in params["endpoint"].split(",")] if params["endpoint"] else list(DEFAULT_ENDPOINTS)
        machines = None
        for endpoint in endpoints:
            status, body = self.get(runner, endpoint + "/v2/machines")
            if status == 200 and parse_machines(body):
                machines = parse_machines(body)
                break
        source = MACHINES if machines else STATS_SELF
        answers = {url: self.get(runner, url + "/v2/stats/self") for url in machines or endpoints}
        if not machines:
            # Without /v2/machines only the endpoints that answered say anything.
            machines = [url for url, answer in answers.items() if answer[0] == 200] or endpoints
        verdict = health_from_stats(machines, answers)
        warning = ("etcd answered 404 on /v2/members (%s): it is etcd 0.4 or older, as Deis v1.7-v1.8 user-data run; "
                   "health read from %s instead of etcdctl cluster-health" % (health["message"], source))
        return dict(verdict, source=source, etcdctl_message=health["message"], warnings=[warning])

    @staticmethod
    def get(runner, url):
        """(status, body) of a GET with the node's curl (CoreOS and Flatcar ship it; they ship no Python)."""
        result = runner.run(["curl", "-sS", "--max-time", "5", "-w", "\\n%{http_code}", url])
        return parse_curl(result.stdout)
