# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible.utils.display import Display

from ansible_collections.deis.platform.plugins.module_utils._etcdctl import (parse_cluster_health, parse_member_list,
                                                                             unhealthy_members)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction

PROGRESS_EVERY = 30.0

display = Display()


class ActionModule(NodeAction):
    """etcdctl cluster-health (v2), parsed member by member; reports an unhealthy cluster instead of failing, naming
    the members that are not healthy (their names from `etcdctl member list`); can wait for a healthy cluster."""

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

    @staticmethod
    def show_progress(host, health, waited, timeout, shown):
        """A line when what is wrong changes, and every 30 s."""
        message, at = shown
        now = time.monotonic()
        if health["message"] == message and now - at < PROGRESS_EVERY:
            return shown
        display.display("%s: waiting for etcd (%.0f s of %d s): %s" % (host, waited, timeout, health["message"]))
        return health["message"], now
