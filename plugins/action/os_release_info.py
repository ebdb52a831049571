# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._os_release import os_release_summary, parse_os_release
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed


class ActionModule(NodeAction):
    """Read /etc/os-release and /etc/machine-id on a node without Python."""

    ARGUMENT_SPEC = {"path": {"type": "str", "default": "/etc/os-release"}}
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        release = runner.run_ok(["cat", params["path"]], "reading %s" % params["path"])
        parsed = parse_os_release(release.stdout)
        summary = os_release_summary(parsed)
        if not summary["version_id"]:
            raise NodeActionFailed("%s has no VERSION_ID: is this a CoreOS or Flatcar host?" % params["path"],
                                   os_release=parsed)
        machine_id = runner.run_ok(["cat", "/etc/machine-id"], "reading /etc/machine-id").stdout.strip()
        return dict(summary, os_release=parsed, machine_id=machine_id)
