# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_machines
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed


class ActionModule(NodeAction):
    """fleetctl list-machines --full --no-legend, parsed, run on one node."""

    ARGUMENT_SPEC = {"endpoint": {"type": "str"}, "fleetctl": {"type": "str", "default": "fleetctl"}}
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        argv = [params["fleetctl"]]
        if params["endpoint"]:
            argv.append("--endpoint=" + params["endpoint"])
        result = runner.run(argv + ["list-machines", "--full", "--no-legend"])
        if result.rc != 0:
            raise NodeActionFailed("fleetctl list-machines failed (rc %s): %s" % (result.rc, result.stderr.strip()),
                                   rc=result.rc, stderr=result.stderr)
        try:
            machines = parse_list_machines(result.stdout, legend=False)
        except ValueError as error:
            raise NodeActionFailed("unexpected fleetctl output: %s" % error, stdout=result.stdout)
        machines = sorted(machines, key=lambda m: m["machine"])
        return {"machines": [{"id": m["machine"], "ip": m["ip"], "metadata": m["metadata"]} for m in machines],
                "machine_ids": sorted(m["machine"] for m in machines)}
