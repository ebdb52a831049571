# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._etcdctl import parse_cluster_health
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction


class ActionModule(NodeAction):
    """etcdctl cluster-health (v2), parsed; reports an unhealthy cluster instead of failing."""

    ARGUMENT_SPEC = {"endpoint": {"type": "str"}, "etcdctl": {"type": "str", "default": "etcdctl"}}
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        argv = [params["etcdctl"]]
        if params["endpoint"]:
            argv += ["--endpoints", params["endpoint"]]
        result = runner.run(argv + ["cluster-health"], env={"ETCDCTL_API": "2"})
        return parse_cluster_health(result.rc, result.stdout, result.stderr)
