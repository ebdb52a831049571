# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re
import time

from ansible_collections.deis.platform.plugins.module_utils._deisctl import error_message
from ansible_collections.deis.platform.plugins.plugin_utils._deisctl import DEISCTL_OPTIONS, Deisctl
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
TARGET_RE = re.compile(r"^[a-z][a-z0-9-]*$")


class ActionModule(NodeAction):
    """Idempotent get/set/rm of a /deis/<target>/<key> value through deisctl config."""

    ARGUMENT_SPEC = dict(DEISCTL_OPTIONS, **{
        "target": {"type": "str", "required": True},
        "key": {"type": "str", "required": True},
        "value": {"type": "str"},
        "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
    })
    REQUIRED_IF = [["state", "present", ["value"]]]
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        started = time.time()
        result = self.configure(params, runner)
        result.update(start=round(started, 3), end=round(time.time(), 3))
        return result

    def configure(self, params, runner):
        target, key, value, state = params["target"], params["key"], params["value"], params["state"]
        if not TARGET_RE.match(target) or not NAME_RE.match(key):
            raise NodeActionFailed("target %r / key %r: use names like platform / version" % (target, key))
        if state == "present" and ("\n" in value or value == ""):
            raise NodeActionFailed("value must be a non-empty single line (deisctl config set takes key=value)")
        deisctl = Deisctl(runner, params)
        path = "/deis/%s/%s" % (target, key)
        before = deisctl.config_get(target, key)
        after = value if state == "present" else None
        result = {"key": path, "before": before, "value": after, "changed": before != after}
        if self.diff_mode:
            result["diff"] = {"before": _view(path, before), "after": _view(path, after)}
        if before == after or self.check_mode:
            return result
        if state == "present":
            done = deisctl.run("config", target, "set", "%s=%s" % (key, value))
            if done.rc != 0 or done.stdout.rstrip("\n") != value:
                raise NodeActionFailed("deisctl config %s set %s failed (rc %s): %s"
                                       % (target, key, done.rc, error_message(done.stdout, done.stderr) or done.stdout.strip()))
        else:
            done = deisctl.run("config", target, "rm", key)
            if done.rc != 0:
                raise NodeActionFailed("deisctl config %s rm %s failed (rc %s): %s"
                                       % (target, key, done.rc, error_message(done.stdout, done.stderr)))
        if deisctl.config_get(target, key) != after:
            raise NodeActionFailed("%s is not %r after deisctl config" % (path, after), changed=True)
        return result


def _view(path, value):
    return "%s: %s\n" % (path, "(unset)" if value is None else value)
