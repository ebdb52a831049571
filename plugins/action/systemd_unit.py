# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._systemctl import parse_show, plan_changes, reached, show_argv
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed


class ActionModule(NodeAction):
    """Start, stop, mask and unmask a systemd unit on a node without Python; idempotent, check mode, diff."""

    ARGUMENT_SPEC = {
        "name": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["started", "stopped"]},
        "masked": {"type": "bool"},
    }
    REQUIRED_ONE_OF = [["state", "masked"]]
    _supports_check_mode = True

    def show(self, runner, name):
        result = runner.run_ok(show_argv(name), "systemctl show %s" % name)
        return parse_show(result.stdout)

    def execute(self, params, runner, task_vars):
        name, state, masked = params["name"], params["state"], params["masked"]
        before = self.show(runner, name)
        try:
            verbs = plan_changes(before, state, masked)
        except ValueError as error:
            raise NodeActionFailed("%s: %s" % (name, error), status=before)
        result = {"changed": bool(verbs), "actions": verbs, "status": before}
        if self.diff_mode:
            result["diff"] = {"before": _diff_view(before), "after": _diff_view(before, verbs)}
        if not verbs or self.check_mode:
            return result
        for done, verb in enumerate(verbs):
            try:
                runner.run_ok(["systemctl", verb, name], "systemctl %s %s" % (verb, name))
            except NodeActionFailed as error:
                error.details.update(changed=done > 0, actions=verbs[:done + 1])
                raise
        after = self.show(runner, name)
        result["status"] = after
        if not reached(after, state, masked):
            raise NodeActionFailed("%s did not reach the wanted state after %s: %s/%s, masked=%s"
                                   % (name, ", ".join(verbs), after["active_state"], after["sub_state"], after["masked"]),
                                   status=after, actions=verbs, changed=True)
        return result


def _diff_view(status, verbs=()):
    running = status["active_state"] in ("active", "activating", "reloading")
    masked = status["masked"]
    for verb in verbs:
        running = {"start": True, "stop": False}.get(verb, running)
        masked = {"mask": True, "unmask": False}.get(verb, masked)
    return "state: %s\nmasked: %s\n" % ("started" if running else "stopped", str(masked).lower())
