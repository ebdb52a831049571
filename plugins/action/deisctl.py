# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._deisctl import (
    PLATFORM_TARGETS, describe, error_message, is_running, needs_action, not_in_state, strip_ansi, unit_failures, unit_name, units_of)
from ansible_collections.deis.platform.plugins.plugin_utils._deisctl import DEISCTL_OPTIONS, Deisctl
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

LIFECYCLE = ("install", "uninstall", "start", "stop", "restart")
CONTROL_PLANE = ("database", "registry", "controller", "builder", "logger", "logspout")


class ActionModule(NodeAction):
    """Run a deisctl lifecycle command, then check with `deisctl list` that it did what it says."""

    ARGUMENT_SPEC = dict(DEISCTL_OPTIONS, **{
        "command": {"type": "str", "required": True,
                    "choices": list(LIFECYCLE) + ["refresh-units", "upgrade-prep", "upgrade-takeover"]},
        "target": {"type": "list", "elements": "str", "default": ["platform"]},
        "stateless": {"type": "bool", "default": False},
        "timeout": {"type": "int", "default": 3600},
    })
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        deisctl = Deisctl(runner, params)
        command, targets = params["command"], params["target"]
        for target in targets:
            if target not in PLATFORM_TARGETS:
                try:
                    unit_name(target)
                except ValueError as error:
                    raise NodeActionFailed(str(error))
        before = deisctl.units()
        if command in LIFECYCLE and command != "restart":
            wanted = [u for target in targets for u in units_of(before, target)]
            if not needs_action(wanted, command):
                return {"changed": False, "units": before, "msg": "nothing to do: %s" % (describe(wanted) or "no units")}
        if self.check_mode:
            return {"changed": True, "units": before}
        args = [command]
        if command in LIFECYCLE:
            args += targets
        elif command.startswith("upgrade-") and params["stateless"]:
            args.append("--stateless")
        result = deisctl.run(*args, timeout=params["timeout"])
        output = {"changed": True, "stdout": strip_ansi(result.stdout), "stderr": strip_ansi(result.stderr)}
        if result.rc != 0:
            raise NodeActionFailed("deisctl %s failed (rc %s): %s" % (" ".join(args), result.rc, error_message(result.stdout, result.stderr)),
                                   **output)
        after = deisctl.units()
        output.update(units=after, failed_units=unit_failures(result.stderr))
        wrong = self.wrong_units(command, targets, params["stateless"], after)
        if wrong or output["failed_units"]:
            named = describe(wrong) or ", ".join(f["unit"] for f in output["failed_units"])
            raise NodeActionFailed("deisctl %s exited 0 but left units in the wrong state: %s" % (" ".join(args), named),
                                   wrong_units=wrong, **output)
        return output

    @staticmethod
    def wrong_units(command, targets, stateless, after):
        if command in LIFECYCLE:
            wanted = [u for target in targets for u in units_of(after, target)]
            if command in ("install", "start", "restart") and not wanted:
                return [{"unit": ", ".join(targets), "active": "missing", "sub": "not listed"}]
            return not_in_state(wanted, command)
        if command == "upgrade-prep":
            gone = CONTROL_PLANE + (() if stateless else ("store-",))
            still = [u for u in after if any(u["unit"].startswith("deis-" + c) for c in gone)]
            routers = [u for u in units_of(after, "router@*") if not is_running(u)]
            return still + routers
        if command == "upgrade-takeover":
            return not_in_state(after, "start") or ([] if after else [{"unit": "platform", "active": "missing", "sub": "not listed"}])
        return []
