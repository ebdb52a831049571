# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible.utils.display import Display

from ansible_collections.deis.platform.plugins.module_utils._os_release import os_release_summary, parse_os_release
from ansible_collections.deis.platform.plugins.module_utils._systemctl import is_running, parse_show, show_argv
from ansible_collections.deis.platform.plugins.module_utils._update_conf import update_conf_path, with_group
from ansible_collections.deis.platform.plugins.module_utils._update_engine import (
    COMPLETED_MARKER, MESSAGE_BOOT_FLAGS, OUTCOME_CHECK_FAILED, OUTCOME_NO_UPDATE, OUTCOME_UNKNOWN,
    OUTCOME_UPDATED_NEED_REBOOT, UPDATE_STATUS_IDLE, UPDATE_STATUS_UPDATED_NEED_REBOOT, boot_flags_updated,
    check_outcome, daemon_started_at, journal_cursor, journal_messages, parse_status)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

SERVICE = "update-engine.service"
JOURNAL = ["journalctl", "-u", SERVICE, "-o", "cat", "--no-pager"]
# journald may take a moment to store what the daemon logged just before it went idle.
JOURNAL_SETTLE_TRIES = 5
PROGRESS_EVERY = 30.0

display = Display()


class ActionModule(NodeAction):
    """update_engine_client on a node without Python: status, update (check and follow it), check, wait for boot
    flags, whether an update is staged; optionally sets the update channel (GROUP) in update.conf first."""

    ARGUMENT_SPEC = {
        "command": {"type": "str", "default": "status",
                    "choices": ["status", "update", "check", "wait_boot_flags", "staged"]},
        "group": {"type": "str"},
        "flavor": {"type": "str", "default": "auto", "choices": ["auto", "coreos", "flatcar"]},
        "timeout": {"type": "int", "default": 1800},
        "poll_interval": {"type": "int", "default": 5},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        command = params["command"]
        if command == "staged":
            marker = runner.run(["test", "-e", COMPLETED_MARKER])
            return {"changed": False, "staged": marker.rc == 0, "marker": COMPLETED_MARKER}
        flavor = params["flavor"]
        if flavor == "auto":
            release = runner.run_ok(["cat", "/etc/os-release"], "reading /etc/os-release")
            flavor = os_release_summary(parse_os_release(release.stdout))["flavor"] or "coreos"
        result = {"flavor": flavor, "changed": False}
        if params["group"]:
            result.update(self.set_group(runner, flavor, params["group"]))
        if command == "wait_boot_flags":
            result.update(self.wait_boot_flags(runner, params["timeout"], params["poll_interval"]))
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
        host = task_vars.get("inventory_hostname", "node")
        details = self.update(runner, before, params["timeout"], params["poll_interval"], host)
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

    def update(self, runner, before, timeout, interval, host):
        """What `update_engine_client -update` does (AttemptUpdate, then the status every few seconds), showing the
        progress meanwhile; the daemon's journal then tells "no update" from "could not check"."""
        if before["current_op"] == UPDATE_STATUS_UPDATED_NEED_REBOOT:
            return {"outcome": OUTCOME_UPDATED_NEED_REBOOT, "reason": "an update is already staged, waiting for the reboot",
                    "status": before, "elapsed": 0.0, "reboot_needed": True, "changed": False}
        cursor = journal_cursor(runner.run(JOURNAL + ["-n", "1", "--show-cursor"]).stdout)
        started = time.monotonic()
        runner.run_ok(["update_engine_client", "-check_for_update"], "update_engine_client -check_for_update")
        ops_seen, shown = [], (None, -1.0, started)
        while True:
            status = self.status(runner)
            if status["current_op"] not in ops_seen:
                ops_seen.append(status["current_op"])
            shown = self.show_progress(host, status, started, shown)
            if status["current_op"] in (UPDATE_STATUS_IDLE, UPDATE_STATUS_UPDATED_NEED_REBOOT):
                break
            if time.monotonic() - started >= timeout:
                raise NodeActionFailed("the update did not finish within %d s (update-engine is %s)"
                                       % (timeout, status["current_op"]), status=status)
            time.sleep(interval)
        since = ["--after-cursor=" + cursor] if cursor else ["-b"]
        for attempt in range(JOURNAL_SETTLE_TRIES):
            messages = journal_messages(runner.run_ok(JOURNAL + since, "reading update-engine's journal").stdout)
            outcome = check_outcome(status["current_op"], ops_seen, messages)
            if outcome["outcome"] != OUTCOME_UNKNOWN or attempt == JOURNAL_SETTLE_TRIES - 1:
                break
            time.sleep(1)
        details = {"outcome": outcome["outcome"], "reason": outcome["reason"], "status": status,
                   "elapsed": round(time.monotonic() - started, 1), "operations": ops_seen}
        if outcome["outcome"] not in (OUTCOME_UPDATED_NEED_REBOOT, OUTCOME_NO_UPDATE):
            prefix = "" if outcome["outcome"] == OUTCOME_CHECK_FAILED else "update failed: "
            raise NodeActionFailed(prefix + outcome["reason"], journal=messages, **details)
        details["reboot_needed"] = outcome["outcome"] == OUTCOME_UPDATED_NEED_REBOOT
        details["changed"] = details["reboot_needed"]
        if status["new_version"].strip("0.") != "":
            details["new_version"] = status["new_version"]
        return details

    def show_progress(self, host, status, started, shown):
        """Print a line when the operation changes, every 10 % of a download, and every 30 s; return what was shown."""
        op, progress, at = shown
        now = time.monotonic()
        if status["current_op"] == op and status["progress"] < progress + 0.1 and now - at < PROGRESS_EVERY:
            return shown
        size = " of %.0f MB" % (status["new_size"] / 1e6) if status["new_size"] else ""
        display.display("%s: %s %.0f%%%s after %.0f s" % (host, status["current_op"], status["progress"] * 100, size,
                                                          now - started))
        return status["current_op"], status["progress"], now

    def wait_boot_flags(self, runner, timeout, interval):
        """After booting an update: update-engine marks the booted partition good and logs "Updating boot flags..."
        45 s after it starts. Only lines of the running daemon count: those since it started, after its start line."""
        self.require_running_daemon(runner)
        shown = runner.run_ok(["systemctl", "show", "-p", "ExecMainStartTimestamp", SERVICE], "systemctl show " + SERVICE)
        since = daemon_started_at(shown.stdout)
        if since is None:
            raise NodeActionFailed("cannot tell when %s started: %r" % (SERVICE, shown.stdout.strip()))
        found, in_time = runner.poll(JOURNAL + ["--since", since],
                                     lambda r: r.rc == 0 and boot_flags_updated(journal_messages(r.stdout)), timeout, interval)
        if in_time:
            return {"boot_flags_updated": True, "daemon_started": since}
        raise NodeActionFailed("update-engine did not log %r within %d s of its latest start: the booted partition is "
                               "not marked good yet, and a reboot now would boot the previous version"
                               % (MESSAGE_BOOT_FLAGS, timeout), boot_flags_updated=False, daemon_started=since,
                               journal=journal_messages(found.stdout) if found else [])
