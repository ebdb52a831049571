# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible.utils.display import Display

from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_machines
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

PROGRESS_EVERY = 30.0

display = Display()


class ActionModule(NodeAction):
    """fleetctl list-machines --full --no-legend, parsed, run on one node; can wait until given machines are in."""

    ARGUMENT_SPEC = {
        "endpoint": {"type": "str"},
        "fleetctl": {"type": "str", "default": "fleetctl"},
        "wait_for": {"type": "list", "elements": "str", "default": []},
        "names": {"type": "dict", "default": {}},
        "timeout": {"type": "int", "default": 0},
        "poll_interval": {"type": "int", "default": 2},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        host = task_vars.get("inventory_hostname", "node")
        started = time.monotonic()
        shown, failure = (None, started), None
        while True:
            try:
                listed = self.machines(runner, params)
            except NodeActionFailed as error:
                if time.monotonic() - started >= params["timeout"]:
                    raise
                listed, failure = None, str(error)
            missing = sorted(set(params["wait_for"]) - set(listed["machine_ids"] if listed else []))
            waited = time.monotonic() - started
            if listed is not None and (not missing or waited >= params["timeout"]):
                break
            labels = ["%s (%s)" % (params["names"][m], m) if params["names"].get(m) else m for m in missing]
            shown = self.show_progress(host, labels if listed else failure, waited, params["timeout"], shown)
            time.sleep(params["poll_interval"])
        listed["missing"] = missing
        if params["timeout"]:
            listed["waited"] = round(waited, 1)
        return listed

    def machines(self, runner, params):
        argv = [params["fleetctl"]]
        if params["endpoint"]:
            argv.append("--endpoint=" + params["endpoint"])
        result = runner.run(argv + ["list-machines", "--full", "--no-legend"])
        if result.rc != 0:
            # Over SSH with a pseudo-terminal (Ansible's -tt) fleetctl's stderr arrives on stdout.
            said = result.stderr.strip() or result.stdout.strip() or "no message"
            raise NodeActionFailed("fleetctl list-machines failed (rc %s): %s" % (result.rc, said),
                                   rc=result.rc, stderr=result.stderr)
        try:
            machines = parse_list_machines(result.stdout, legend=False)
        except ValueError as error:
            raise NodeActionFailed("unexpected fleetctl output: %s" % error, stdout=result.stdout)
        machines = sorted(machines, key=lambda m: m["machine"])
        return {"machines": [{"id": m["machine"], "ip": m["ip"], "metadata": m["metadata"]} for m in machines],
                "machine_ids": sorted(m["machine"] for m in machines)}

    @staticmethod
    def show_progress(host, missing, waited, timeout, shown):
        """A line when the missing machines (or fleetctl's failure) change, and every 30 s."""
        what = missing if isinstance(missing, str) else "not in fleet yet: " + ", ".join(missing)
        last, at = shown
        now = time.monotonic()
        if what == last and now - at < PROGRESS_EVERY:
            return shown
        display.display("%s: waiting for fleet (%.0f s of %d s): %s" % (host, waited, timeout, what))
        return what, now
