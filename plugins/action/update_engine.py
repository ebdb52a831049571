# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible_collections.deis.platform.plugins.module_utils._os_release import os_release_summary, parse_os_release
from ansible_collections.deis.platform.plugins.module_utils._systemctl import is_running, parse_show, show_argv
from ansible_collections.deis.platform.plugins.module_utils._update_conf import update_conf_path, with_group
from ansible_collections.deis.platform.plugins.module_utils._update_engine import (
    OUTCOME_NO_UPDATE, OUTCOME_UPDATED_NEED_REBOOT, UPDATE_STATUS_IDLE, UPDATE_STATUS_UPDATED_NEED_REBOOT,
    parse_status, update_outcome)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

SERVICE = "update-engine.service"
BOOT_FLAGS_MESSAGE = "Updating boot flags..."


class ActionModule(NodeAction):
    """update_engine_client on a node without Python: status, update, check, wait for boot flags;
    optionally sets the update channel (GROUP) in update.conf first."""

    ARGUMENT_SPEC = {
        "command": {"type": "str", "default": "status", "choices": ["status", "update", "check", "wait_boot_flags"]},
        "group": {"type": "str"},
        "flavor": {"type": "str", "default": "auto", "choices": ["auto", "coreos", "flatcar"]},
        "timeout": {"type": "int", "default": 1800},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        flavor = params["flavor"]
        if flavor == "auto":
            release = runner.run_ok(["cat", "/etc/os-release"], "reading /etc/os-release")
            flavor = os_release_summary(parse_os_release(release.stdout))["flavor"] or "coreos"
        result = {"flavor": flavor, "changed": False}
        if params["group"]:
            result.update(self.set_group(runner, flavor, params["group"]))
        command = params["command"]
        if command == "wait_boot_flags":
            result.update(self.wait_boot_flags(runner, params["timeout"]))
            return result
        self.require_running_daemon(runner)
        before = self.status(runner)
        result["status"] = before
        if command == "status":
            result["reboot_needed"] = before["current_op"] == UPDATE_STATUS_UPDATED_NEED_REBOOT
            return result
        if self.check_mode:
            result["msg"] = "check mode: no update check started"
            result["reboot_needed"] = before["current_op"] == UPDATE_STATUS_UPDATED_NEED_REBOOT
            return result
        if command == "check":
            runner.run_ok(["update_engine_client", "-check_for_update"], "update_engine_client -check_for_update")
            result["status"] = self.status(runner)
            return result
        details = self.update(runner, flavor, before, params["timeout"])
        details["changed"] = details["changed"] or result["changed"]
        return dict(result, **details)

    def set_group(self, runner, flavor, group):
        path = update_conf_path(flavor)
        current = runner.run(["cat", path])
        before = current.stdout if current.rc == 0 else ""
        try:
            after = with_group(before, group)
        except ValueError as error:
            raise NodeActionFailed(str(error))
        changes = {"update_conf": path, "group": group}
        if after == before:
            return changes
        changes["changed"] = True
        if self.diff_mode:
            changes["diff"] = {"before": before, "after": after, "before_header": path, "after_header": path}
        if not self.check_mode:
            runner.run_ok(["mkdir", "-p", path.rsplit("/", 1)[0]], "creating the folder of %s" % path)
            runner.run_ok(["dd", "of=%s.new" % path, "status=none"], "writing %s" % path, data=after.encode())
            runner.run_ok(["mv", "%s.new" % path, path], "replacing %s" % path)
        return changes

    def require_running_daemon(self, runner):
        unit = parse_show(runner.run_ok(show_argv(SERVICE), "systemctl show " + SERVICE).stdout)
        if not is_running(unit):
            raise NodeActionFailed(
                "%s is %s%s: update_engine_client would retry for 30 s and give up. Unmask and start it first "
                "(deis.platform.systemd_unit: name=%s masked=false state=started)"
                % (SERVICE, unit["active_state"], " and masked" if unit["masked"] else "", SERVICE), unit=unit)

    def status(self, runner):
        result = runner.run_ok(["update_engine_client", "-status"], "update_engine_client -status")
        try:
            return parse_status(result.stdout)
        except ValueError as error:
            raise NodeActionFailed(str(error), stdout=result.stdout, stderr=result.stderr)

    def update(self, runner, flavor, before, timeout):
        started = time.time()
        result = runner.run(["timeout", str(timeout), "update_engine_client", "-update"])
        elapsed = round(time.time() - started, 1)
        if result.rc == 124:
            raise NodeActionFailed("update_engine_client -update did not finish within %d s" % timeout, elapsed=elapsed)
        outcome = update_outcome(result.rc, result.stdout, result.stderr, flavor)
        details = {"outcome": outcome["outcome"], "reason": outcome["reason"], "status": outcome["status"] or before,
                   "elapsed": elapsed, "client_rc": result.rc}
        if outcome["outcome"] not in (OUTCOME_UPDATED_NEED_REBOOT, OUTCOME_NO_UPDATE):
            raise NodeActionFailed("update failed: %s" % outcome["reason"], stdout=result.stdout, stderr=result.stderr,
                                   **details)
        details["reboot_needed"] = outcome["outcome"] == OUTCOME_UPDATED_NEED_REBOOT
        details["changed"] = details["reboot_needed"] and before["current_op"] != UPDATE_STATUS_UPDATED_NEED_REBOOT
        if outcome["status"] and outcome["status"]["new_version"].strip("0.") != "":
            details["new_version"] = outcome["status"]["new_version"]
        return details

    def wait_boot_flags(self, runner, timeout):
        """After booting an update: update-engine marks the new partition good and logs
        "Updating boot flags..." (the guide's sign that the update has finished)."""
        self.require_running_daemon(runner)
        journal = ["journalctl", "-b", "-u", SERVICE, "-o", "cat", "--no-pager"]
        found, in_time = runner.poll(journal, lambda r: r.rc == 0 and BOOT_FLAGS_MESSAGE in r.stdout.splitlines(), timeout)
        status = self.status(runner)
        if in_time:
            return {"boot_flags_updated": True, "status": status}
        if status["current_op"] == UPDATE_STATUS_IDLE:
            return {"boot_flags_updated": False, "status": status,
                    "warnings": ["update-engine did not log %r within %d s; it is idle" % (BOOT_FLAGS_MESSAGE, timeout)]}
        raise NodeActionFailed("update-engine did not log %r within %d s and is %s"
                               % (BOOT_FLAGS_MESSAGE, timeout, status["current_op"]), status=status,
                               journal=(found.stdout if found else ""))
