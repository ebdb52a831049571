# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible.utils.display import Display

from ansible_collections.deis.platform.plugins.module_utils._etcdctl import (
    DEFAULT_ENDPOINTS, health_from_stats, members_api_missing, parse_cluster_health, parse_curl, parse_machines,
    parse_member_list, unhealthy_members)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction

PROGRESS_EVERY = 30.0
CLUSTER_HEALTH = "etcdctl cluster-health"
MACHINES = "/v2/machines and /v2/stats/self"
STATS_SELF = "/v2/stats/self"

display = Display()


class ActionModule(NodeAction):
    """etcdctl cluster-health (v2), parsed member by member; reports an unhealthy cluster instead of failing, naming
    the members that are not healthy (their names from `etcdctl member list`); can wait for a healthy cluster.
    On an etcd 0.4 cluster (404 on /v2/members) the health comes from /v2/machines and every member's
    /v2/stats/self, with a warning naming that source."""

    ARGUMENT_SPEC = {
        "endpoint": {"type": "str"},
        "etcdctl": {"type": "str", "default": "etcdctl"},
        "names": {"type": "dict", "default": {}},
        "timeout": {"type": "int", "default": 0},
        "poll_interval": {"type": "int", "default": 2},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        started = time.monotonic()
        shown = (None, started)
        while True:
            health = self.health(runner, params)
            waited = time.monotonic() - started
            if health["healthy"] or waited >= params["timeout"]:
                break
            shown = self.show_progress(task_vars.get("inventory_hostname", "node"), health, waited, params["timeout"], shown)
            time.sleep(params["poll_interval"])
        if params["timeout"]:
            health["waited"] = round(waited, 1)
        return health

    def health(self, runner, params):
        argv = [params["etcdctl"]]
        if params["endpoint"]:
            argv += ["--endpoints", params["endpoint"]]
        env = {"ETCDCTL_API": "2"}
        result = runner.run(argv + ["cluster-health"], env=env)
        health = parse_cluster_health(result.rc, result.stdout, result.stderr)
        if not health["healthy"] and members_api_missing(result.rc, result.stdout, result.stderr):
            return self.health_of_etcd04(runner, params, health["message"])
        health["source"] = CLUSTER_HEALTH
        if health["healthy"] or not health["members"]:
            return health
        listing = runner.run(argv + ["member", "list"], env=env)
        try:
            etcd_names = {member["id"]: member["name"] for member in parse_member_list(listing.stdout)} if listing.rc == 0 else {}
        except ValueError:
            etcd_names = {}
        labels = {}
        for member in health["members"]:
            if member["id"] in etcd_names:
                member["name"] = etcd_names[member["id"]]
                labels[member["id"]] = params["names"].get(member["name"], member["name"])
        health["unhealthy"] = unhealthy_members(health, labels)
        health["message"] = "; ".join([health["message"]] + health["unhealthy"])
        return health

    def health_of_etcd04(self, runner, params, etcdctl_message):
        """The verdict of /v2/machines and every member's /v2/stats/self, for a cluster without /v2/members."""
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
                   "health read from %s instead of etcdctl cluster-health" % (etcdctl_message, source))
        return dict(verdict, source=source, etcdctl_message=etcdctl_message, warnings=[warning])

    @staticmethod
    def get(runner, url):
        """(status, body) of a GET with the node's curl (CoreOS and Flatcar ship it; they ship no Python)."""
        result = runner.run(["curl", "-sS", "--max-time", "5", "-w", "\\n%{http_code}", url])
        return parse_curl(result.stdout)

    @staticmethod
    def show_progress(host, health, waited, timeout, shown):
        """A line when what is wrong changes, and every 30 s."""
        message, at = shown
        now = time.monotonic()
        if health["message"] == message and now - at < PROGRESS_EVERY:
            return shown
        display.display("%s: waiting for etcd (%.0f s of %d s): %s" % (host, waited, timeout, health["message"]))
        return health["message"], now
