# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import (
    call, case_ids, fixture_text, run_action, run_case, unreachable)

CAT_OS_RELEASE = "env LANG=C LC_ALL=C cat /etc/os-release"
SHOW = "env LANG=C LC_ALL=C systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState update-engine.service"
STATUS = "env LANG=C LC_ALL=C update_engine_client -status"
CHECK = "env LANG=C LC_ALL=C update_engine_client -check_for_update"
CAT_CONF = "env LANG=C LC_ALL=C cat /etc/coreos/update.conf"
MKDIR = "env LANG=C LC_ALL=C mkdir -p /etc/coreos"
DD = "env LANG=C LC_ALL=C dd of=/etc/coreos/update.conf.new status=none"
MV = "env LANG=C LC_ALL=C mv /etc/coreos/update.conf.new /etc/coreos/update.conf"

OS_COREOS = fixture_text("os_release/coreos-835.12.0.txt")
OS_FLATCAR = fixture_text("os_release/flatcar-3227.2.4.txt")
SHOW_RUNNING = fixture_text("systemctl/show-running.txt")
SHOW_MASKED = fixture_text("systemctl/show-masked.txt")
SHOW_STOPPED = "LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=disabled\n"
# What `-status` prints besides the block (line number made up, message from update_engine_client.cc).
QUERYING = "[1202/123850:INFO:update_engine_client.cc(296)] Querying Update Engine status...\n"
STATUS_IDLE_OUT = fixture_text("update_engine_client/status-idle.stdout.txt")
STATUS_NEED_REBOOT_OUT = ("LAST_CHECKED_TIME=1480682339\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n"
                          "NEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n")
STATUS_CHECKING_OUT = "LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_CHECKING_FOR_UPDATE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n"
STATUS_DOWNLOADING_OUT = ("LAST_CHECKED_TIME=1480682339\nPROGRESS=0.421337\nCURRENT_OP=UPDATE_STATUS_DOWNLOADING\n"
                          "NEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n")

IDLE = {"last_checked_time": 0, "progress": 0.0, "current_op": "UPDATE_STATUS_IDLE", "new_version": "0.0.0", "new_size": 0}
NEED_REBOOT = {"last_checked_time": 1480682339, "progress": 0.0, "current_op": "UPDATE_STATUS_UPDATED_NEED_REBOOT",
               "new_version": "0.0.0.0", "new_size": 213129575}
CHECKING = {"last_checked_time": 0, "progress": 0.0, "current_op": "UPDATE_STATUS_CHECKING_FOR_UPDATE", "new_version": "0.0.0", "new_size": 0}
DOWNLOADING = {"last_checked_time": 1480682339, "progress": 0.421337, "current_op": "UPDATE_STATUS_DOWNLOADING",
               "new_version": "0.0.0.0", "new_size": 213129575}
MASKED_UNIT = {"load_state": "masked", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "masked", "masked": True}
STOPPED_UNIT = {"load_state": "loaded", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "disabled", "masked": False}
REFUSAL = ("update-engine.service is inactive%s: update_engine_client would retry for 30 s and give up. Unmask and start it first "
           "(deis.platform.systemd_unit: name=update-engine.service masked=false state=started)")

STATUS_CASES = [
    {
        "id": "status-auto-flavor-coreos",
        "args": {},
        "calls": [call(CAT_OS_RELEASE, out=OS_COREOS), call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT, err=QUERYING)],
        "result": {"changed": False, "flavor": "coreos", "status": IDLE, "reboot_needed": False},
    },
    {
        "id": "status-auto-flavor-flatcar-reboot-needed",
        "args": {"command": "status"},
        "calls": [call(CAT_OS_RELEASE, out=OS_FLATCAR), call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_NEED_REBOOT_OUT)],
        "result": {"changed": False, "flavor": "flatcar", "status": NEED_REBOOT, "reboot_needed": True},
    },
    {
        "id": "status-in-check-mode-reads",
        "args": {"flavor": "coreos"},
        "check": True,
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": False, "flavor": "coreos", "status": IDLE, "reboot_needed": False},
    },
    {
        "id": "status-unreadable",
        "args": {"flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out="LAST_CHECKED_TIME=0\n", err=QUERYING)],
        "result": {"changed": False, "failed": True, "stdout": "LAST_CHECKED_TIME=0\n", "stderr": QUERYING,
                   "msg": "no complete update_engine_client status block (LAST_CHECKED_TIME, PROGRESS, CURRENT_OP, NEW_VERSION, NEW_SIZE) "
                          "found in output"},
    },
    {
        "id": "check-starts-a-background-check",
        "args": {"command": "check", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT), call(CHECK), call(STATUS, out=STATUS_CHECKING_OUT)],
        "result": {"changed": False, "flavor": "coreos", "status": CHECKING},
    },
    {
        "id": "check-in-check-mode-starts-nothing",
        "args": {"command": "check", "flavor": "coreos"},
        "check": True,
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": False, "flavor": "coreos", "status": IDLE, "reboot_needed": False, "msg": "check mode: no update check started"},
    },
    {
        "id": "unknown-command-choice",
        "args": {"command": "upgrade"},
        "calls": [],
        "result": {"failed": True, "msg": "value of command must be one of: status, update, check, wait_boot_flags, staged, got: upgrade"},
    },
    {
        "id": "unknown-flavor-choice",
        "args": {"flavor": "fedora-coreos"},
        "calls": [],
        "result": {"failed": True, "msg": "value of flavor must be one of: auto, coreos, flatcar, got: fedora-coreos"},
    },
    {
        "id": "timeout-not-an-int",
        "args": {"command": "update", "timeout": "soon"},
        "calls": [],
        "result": {"failed": True, "msg": "argument 'timeout' is of type str and we were unable to convert to int: \"'soon'\" cannot be converted to an int"},
    },
]

CURSOR_LINE = "-- cursor: s=fbc7;i=103;b=7086;m=1987b1577;t=66152b43d18d9;x=2fbd\n"
JOURNAL_CURSOR = "env LANG=C LC_ALL=C journalctl -u update-engine.service -o cat --no-pager -n 1 --show-cursor"
JOURNAL_AFTER = ("env LANG=C LC_ALL=C journalctl -u update-engine.service -o cat --no-pager "
                 "'--after-cursor=s=fbc7;i=103;b=7086;m=1987b1577;t=66152b43d18d9;x=2fbd'")
JOURNAL_BOOT = "env LANG=C LC_ALL=C journalctl -u update-engine.service -o cat --no-pager -b"
STARTED_LINES = "[1128/092117:INFO:main.cc(155)] CoreOS Update Engine starting\nStarted Update Engine.\n"
NOUPDATE_JOURNAL = fixture_text("update_engine/journal-noupdate-bugs693.txt")
UNREACHABLE_JOURNAL = fixture_text("update_engine/journal-unreachable-docs686.txt")
APPLIED_JOURNAL = ("[1128/092128:INFO:update_attempter.cc(283)] Processing Done.\n"
                   "[1128/092128:INFO:update_attempter.cc(309)] Update successfully applied, waiting to reboot.\n")
UPDATE_ERROR_JOURNAL = ("[1128/092128:INFO:update_attempter.cc(283)] Processing Done.\n"
                        "[1128/092128:ERROR:update_attempter.cc(598)] Update failed.\n"
                        "[1128/092128:INFO:update_attempter.cc(290)] Error event sent.\n")
STATUS_AVAILABLE_OUT = STATUS_DOWNLOADING_OUT.replace("DOWNLOADING", "UPDATE_AVAILABLE").replace("0.421337", "0.000000")
STATUS_REPORTING_OUT = STATUS_DOWNLOADING_OUT.replace("DOWNLOADING", "REPORTING_ERROR_EVENT").replace("0.421337", "0.000000")
FLATCAR_NEED_REBOOT_OUT = ("LAST_CHECKED_TIME=1669742112\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n"
                           "NEW_VERSION=3510.2.1\nNEW_SIZE=297374208\n")
IDLE_CHECKED = {"last_checked_time": 1480682339, "progress": 0.0, "current_op": "UPDATE_STATUS_IDLE", "new_version": "0.0.0.0",
                "new_size": 213129575}
STATUS_IDLE_CHECKED_OUT = STATUS_NEED_REBOOT_OUT.replace("UPDATED_NEED_REBOOT", "IDLE")


def checked(*calls_after_check):
    """The start of every update: running daemon, status, the journal cursor, the check."""
    return [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT), call(JOURNAL_CURSOR, out=STARTED_LINES[-23:] + CURSOR_LINE),
            call(CHECK)] + list(calls_after_check)


UPDATE_CASES = [
    {
        "id": "masked-update-engine-refused-before-any-client-call",
        "args": {"command": "update"},
        "calls": [call(CAT_OS_RELEASE, out=OS_COREOS), call(SHOW, out=SHOW_MASKED)],
        "result": {"changed": False, "failed": True, "unit": MASKED_UNIT, "msg": REFUSAL % " and masked"},
    },
    {
        "id": "stopped-update-engine-refused",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_STOPPED)],
        "result": {"changed": False, "failed": True, "unit": STOPPED_UNIT, "msg": REFUSAL % ""},
    },
    {
        "id": "no-update-answer-from-the-journal",
        "args": {"command": "update", "flavor": "coreos", "poll_interval": 2},
        "calls": checked(call(STATUS, out=STATUS_CHECKING_OUT), call(STATUS, out=STATUS_IDLE_OUT, takes=1),
                         call(JOURNAL_AFTER, out=NOUPDATE_JOURNAL)),
        "sleeps": [2],
        "result": {"changed": False, "flavor": "coreos", "outcome": "no_update", "reboot_needed": False, "elapsed": 3.0,
                   "reason": "the update server answered: no update", "status": IDLE,
                   "operations": ["UPDATE_STATUS_CHECKING_FOR_UPDATE", "UPDATE_STATUS_IDLE"]},
    },
    {
        "id": "server-unreachable-fails-saying-so",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": checked(call(STATUS, out=STATUS_CHECKING_OUT), call(STATUS, out=STATUS_CHECKING_OUT),
                         call(STATUS, out=STATUS_IDLE_OUT), call(JOURNAL_AFTER, out=UNREACHABLE_JOURNAL)),
        "sleeps": [5, 5],
        "result": {"changed": False, "failed": True, "outcome": "check_failed", "status": IDLE, "elapsed": 10.0,
                   "operations": ["UPDATE_STATUS_CHECKING_FOR_UPDATE", "UPDATE_STATUS_IDLE"],
                   "journal": ["Unable to get http response code: Connection timed out after 30527 milliseconds", "Update failed."],
                   "reason": "update-engine could not check for an update: Unable to get http response code: Connection timed out "
                             "after 30527 milliseconds",
                   "msg": "update-engine could not check for an update: Unable to get http response code: Connection timed out "
                          "after 30527 milliseconds"},
    },
    {
        "id": "update-applied",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": checked(call(STATUS, out=STATUS_AVAILABLE_OUT), call(STATUS, out=STATUS_DOWNLOADING_OUT),
                         call(STATUS, out=STATUS_NEED_REBOOT_OUT), call(JOURNAL_AFTER, out=APPLIED_JOURNAL)),
        "sleeps": [5, 5],
        "result": {"changed": True, "flavor": "coreos", "outcome": "updated_need_reboot", "reboot_needed": True, "elapsed": 10.0,
                   "reason": "update applied; a reboot is needed to activate it", "status": NEED_REBOOT,
                   "operations": ["UPDATE_STATUS_UPDATE_AVAILABLE", "UPDATE_STATUS_DOWNLOADING", "UPDATE_STATUS_UPDATED_NEED_REBOOT"]},
    },
    {
        "id": "update-already-staged-is-not-a-change-and-starts-no-check",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_NEED_REBOOT_OUT)],
        "result": {"changed": False, "flavor": "coreos", "outcome": "updated_need_reboot", "reboot_needed": True, "elapsed": 0.0,
                   "reason": "an update is already staged, waiting for the reboot", "status": NEED_REBOOT},
    },
    {
        "id": "flatcar-update-names-the-new-version",
        "args": {"command": "update", "flavor": "flatcar"},
        "calls": checked(call(STATUS, out=FLATCAR_NEED_REBOOT_OUT), call(JOURNAL_AFTER, out=APPLIED_JOURNAL)),
        "result": {"changed": True, "flavor": "flatcar", "outcome": "updated_need_reboot", "reboot_needed": True, "elapsed": 0.0,
                   "reason": "update applied; a reboot is needed to activate it", "new_version": "3510.2.1",
                   "operations": ["UPDATE_STATUS_UPDATED_NEED_REBOOT"],
                   "status": {"last_checked_time": 1669742112, "progress": 0.0, "current_op": "UPDATE_STATUS_UPDATED_NEED_REBOOT",
                              "new_version": "3510.2.1", "new_size": 297374208}},
    },
    {
        "id": "update-timeout",
        "args": {"command": "update", "flavor": "coreos", "timeout": 8},
        "calls": checked(call(STATUS, out=STATUS_DOWNLOADING_OUT), call(STATUS, out=STATUS_DOWNLOADING_OUT, takes=4)),
        "sleeps": [5],
        "result": {"changed": False, "failed": True, "status": DOWNLOADING,
                   "msg": "the update did not finish within 8 s (update-engine is UPDATE_STATUS_DOWNLOADING)"},
    },
    {
        "id": "error-event-after-the-download-fails",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": checked(call(STATUS, out=STATUS_DOWNLOADING_OUT), call(STATUS, out=STATUS_REPORTING_OUT),
                         call(STATUS, out=STATUS_IDLE_CHECKED_OUT), call(JOURNAL_AFTER, out=UPDATE_ERROR_JOURNAL)),
        "sleeps": [5, 5],
        "result": {"changed": False, "failed": True, "outcome": "update_failed", "status": IDLE_CHECKED, "elapsed": 10.0,
                   "operations": ["UPDATE_STATUS_DOWNLOADING", "UPDATE_STATUS_REPORTING_ERROR_EVENT", "UPDATE_STATUS_IDLE"],
                   "journal": ["Processing Done.", "Update failed.", "Error event sent."],
                   "reason": "update-engine found an update (UPDATE_STATUS_DOWNLOADING) but installing it failed: it logged 'Update failed.'",
                   "msg": "update failed: update-engine found an update (UPDATE_STATUS_DOWNLOADING) but installing it failed: it "
                          "logged 'Update failed.'"},
    },
    {
        "id": "journal-read-again-until-it-tells",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT), call(JOURNAL_CURSOR, out="-- No entries --\n"),
                  call(CHECK), call(STATUS, out=STATUS_IDLE_OUT), call(JOURNAL_BOOT, out=STARTED_LINES),
                  call(JOURNAL_BOOT, out=STARTED_LINES + NOUPDATE_JOURNAL)],
        "sleeps": [1],
        "result": {"changed": False, "flavor": "coreos", "outcome": "no_update", "reboot_needed": False, "elapsed": 1.0,
                   "reason": "the update server answered: no update", "status": IDLE, "operations": ["UPDATE_STATUS_IDLE"]},
    },
    {
        "id": "idle-and-silent-fails",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": checked(call(STATUS, out=STATUS_IDLE_OUT)) + [call(JOURNAL_AFTER, out="")] * 5,
        "sleeps": [1, 1, 1, 1],
        "result": {"changed": False, "failed": True, "outcome": "unknown", "status": IDLE, "elapsed": 4.0,
                   "operations": ["UPDATE_STATUS_IDLE"], "journal": [],
                   "reason": "update-engine is idle again and logged neither an answer nor a failure",
                   "msg": "update failed: update-engine is idle again and logged neither an answer nor a failure"},
    },
    {
        "id": "check-mode-starts-no-update",
        "args": {"command": "update", "flavor": "coreos"},
        "check": True,
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": False, "flavor": "coreos", "status": IDLE, "reboot_needed": False, "msg": "check mode: no update check started"},
    },
    {
        "id": "staged-marker-present",
        "args": {"command": "staged"},
        "calls": [call("env LANG=C LC_ALL=C test -e /var/run/update_engine_autoupdate_completed")],
        "result": {"changed": False, "staged": True, "marker": "/var/run/update_engine_autoupdate_completed"},
    },
    {
        "id": "staged-marker-absent",
        "args": {"command": "staged"},
        "calls": [call("env LANG=C LC_ALL=C test -e /var/run/update_engine_autoupdate_completed", rc=1)],
        "result": {"changed": False, "staged": False, "marker": "/var/run/update_engine_autoupdate_completed"},
    },
]

GROUP_CASES = [
    {
        "id": "group-replaced-other-lines-kept",
        "args": {"group": "stable", "flavor": "coreos"},
        "calls": [call(CAT_CONF, out="GROUP=alpha\nREBOOT_STRATEGY=off\n"), call(MKDIR),
                  call(DD, data=b"GROUP=stable\nREBOOT_STRATEGY=off\n"), call(MV),
                  call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": True, "flavor": "coreos", "update_conf": "/etc/coreos/update.conf", "group": "stable", "status": IDLE,
                   "reboot_needed": False},
    },
    {
        "id": "group-with-diff",
        "args": {"group": "beta", "flavor": "coreos"},
        "diff": True,
        "calls": [call(CAT_CONF, out="REBOOT_STRATEGY=off\n"), call(MKDIR), call(DD, data=b"GROUP=beta\nREBOOT_STRATEGY=off\n"), call(MV),
                  call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": True, "flavor": "coreos", "update_conf": "/etc/coreos/update.conf", "group": "beta", "status": IDLE,
                   "reboot_needed": False,
                   "diff": {"before": "REBOOT_STRATEGY=off\n", "after": "GROUP=beta\nREBOOT_STRATEGY=off\n",
                            "before_header": "/etc/coreos/update.conf", "after_header": "/etc/coreos/update.conf"}},
    },
    {
        "id": "group-check-mode-writes-nothing-but-shows-the-diff",
        "args": {"group": "beta", "flavor": "coreos"},
        "check": True,
        "diff": True,
        "calls": [call(CAT_CONF, out="REBOOT_STRATEGY=off\n"), call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": True, "flavor": "coreos", "update_conf": "/etc/coreos/update.conf", "group": "beta", "status": IDLE,
                   "reboot_needed": False,
                   "diff": {"before": "REBOOT_STRATEGY=off\n", "after": "GROUP=beta\nREBOOT_STRATEGY=off\n",
                            "before_header": "/etc/coreos/update.conf", "after_header": "/etc/coreos/update.conf"}},
    },
    {
        "id": "group-already-set-writes-nothing",
        "args": {"group": "stable", "flavor": "coreos"},
        "diff": True,
        "calls": [call(CAT_CONF, out="GROUP=stable\nREBOOT_STRATEGY=off\n"), call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": False, "flavor": "coreos", "update_conf": "/etc/coreos/update.conf", "group": "stable", "status": IDLE,
                   "reboot_needed": False},
    },
    {
        "id": "flatcar-missing-update-conf-is-created",
        "args": {"group": "beta"},
        "calls": [call(CAT_OS_RELEASE, out=OS_FLATCAR),
                  call("env LANG=C LC_ALL=C cat /etc/flatcar/update.conf", rc=1, err="cat: /etc/flatcar/update.conf: No such file or directory\n"),
                  call("env LANG=C LC_ALL=C mkdir -p /etc/flatcar"),
                  call("env LANG=C LC_ALL=C dd of=/etc/flatcar/update.conf.new status=none", data=b"GROUP=beta\n"),
                  call("env LANG=C LC_ALL=C mv /etc/flatcar/update.conf.new /etc/flatcar/update.conf"),
                  call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": True, "flavor": "flatcar", "update_conf": "/etc/flatcar/update.conf", "group": "beta", "status": IDLE,
                   "reboot_needed": False},
    },
    {
        "id": "bad-group-name-writes-nothing",
        "args": {"group": "stable; reboot", "flavor": "coreos"},
        "calls": [call(CAT_CONF, out="GROUP=stable\n")],
        "result": {"changed": False, "failed": True, "msg": "update group 'stable; reboot' is not a channel name like stable, beta or alpha"},
    },
    {
        "id": "write-fails-with-dd-message",
        "args": {"group": "beta", "flavor": "coreos"},
        "calls": [call(CAT_CONF, out="GROUP=stable\n"), call(MKDIR),
                  call(DD, data=b"GROUP=beta\n", rc=1, err="dd: failed to open '/etc/coreos/update.conf.new': Read-only file system\n")],
        "result": {"changed": False, "failed": True, "cmd": ["dd", "of=/etc/coreos/update.conf.new", "status=none"], "rc": 1, "stdout": "",
                   "stderr": "dd: failed to open '/etc/coreos/update.conf.new': Read-only file system\n",
                   "msg": "writing /etc/coreos/update.conf failed (rc 1): dd: failed to open '/etc/coreos/update.conf.new': Read-only file system"},
    },
]

SHOW_STARTED = "env LANG=C LC_ALL=C systemctl show -p ExecMainStartTimestamp update-engine.service"
STARTED_AT = "ExecMainStartTimestamp=Sat 2026-11-28 09:21:17 UTC\n"
BOOT_JOURNAL = "env LANG=C LC_ALL=C journalctl -u update-engine.service -o cat --no-pager --since '2026-11-28 09:21:17'"
FLAGS_LINE = "[1128/092120:INFO:update_attempter.cc(485)] Updating boot flags...\n"
FLAGS_FAILURE = ("update-engine did not log 'Updating boot flags...' within 2 s of its latest start: the booted partition is not "
                 "marked good yet, and a reboot now would boot the previous version")

WAIT_CASES = [
    {
        "id": "boot-flags-logged-at-once",
        "args": {"command": "wait_boot_flags", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(SHOW_STARTED, out=STARTED_AT), call(BOOT_JOURNAL, out=STARTED_LINES + FLAGS_LINE)],
        "sleeps": [],
        "result": {"changed": False, "flavor": "coreos", "boot_flags_updated": True, "daemon_started": "2026-11-28 09:21:17"},
    },
    {
        "id": "boot-flags-logged-after-polls-through-a-dropped-connection",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 20},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(SHOW_STARTED, out=STARTED_AT),
                  call(BOOT_JOURNAL, rc=1, err="No journal files were found.\n"), unreachable(BOOT_JOURNAL),
                  call(BOOT_JOURNAL, out=STARTED_LINES), call(BOOT_JOURNAL, out=STARTED_LINES + FLAGS_LINE)],
        "sleeps": [5, 5, 5],
        "result": {"changed": False, "flavor": "coreos", "boot_flags_updated": True, "daemon_started": "2026-11-28 09:21:17"},
    },
    {
        "id": "boot-flags-of-the-previous-daemon-run-do-not-count",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 2, "poll_interval": 1},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(SHOW_STARTED, out=STARTED_AT)]
        + [call(BOOT_JOURNAL, out=STARTED_LINES + FLAGS_LINE + "Stopped Update Engine.\n" + STARTED_LINES)] * 3,
        "sleeps": [1, 1],
        "result": {"changed": False, "failed": True, "boot_flags_updated": False, "msg": FLAGS_FAILURE,
                   "daemon_started": "2026-11-28 09:21:17",
                   "journal": ["CoreOS Update Engine starting", "Started Update Engine.", "Updating boot flags...",
                               "Stopped Update Engine.", "CoreOS Update Engine starting", "Started Update Engine."]},
    },
    {
        "id": "message-must-be-a-whole-message",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 2, "poll_interval": 1},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(SHOW_STARTED, out=STARTED_AT)]
        + [call(BOOT_JOURNAL, out=STARTED_LINES + "Not Updating boot flags... yet\n")] * 3,
        "sleeps": [1, 1],
        "result": {"changed": False, "failed": True, "boot_flags_updated": False, "msg": FLAGS_FAILURE,
                   "daemon_started": "2026-11-28 09:21:17",
                   "journal": ["CoreOS Update Engine starting", "Started Update Engine.", "Not Updating boot flags... yet"]},
    },
    {
        "id": "a-unit-that-never-started",
        "args": {"command": "wait_boot_flags", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(SHOW_STARTED, out="ExecMainStartTimestamp=\n")],
        "sleeps": [],
        "result": {"changed": False, "failed": True, "msg": "cannot tell when update-engine.service started: 'ExecMainStartTimestamp='"},
    },
    {
        "id": "masked-refused-before-reading-the-journal",
        "args": {"command": "wait_boot_flags", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_MASKED)],
        "sleeps": [],
        "result": {"changed": False, "failed": True, "unit": MASKED_UNIT, "msg": REFUSAL % " and masked"},
    },
]


@pytest.mark.parametrize("case", STATUS_CASES, ids=case_ids(STATUS_CASES))
def test_status_check_and_arguments(case, fake_clock):
    run_case("update_engine", case, fake_clock)


@pytest.mark.parametrize("case", UPDATE_CASES, ids=case_ids(UPDATE_CASES))
def test_update(case, fake_clock):
    run_case("update_engine", case, fake_clock)


@pytest.mark.parametrize("case", GROUP_CASES, ids=case_ids(GROUP_CASES))
def test_group(case, fake_clock):
    run_case("update_engine", case, fake_clock)


@pytest.mark.parametrize("case", WAIT_CASES, ids=case_ids(WAIT_CASES))
def test_wait_boot_flags(case, fake_clock):
    run_case("update_engine", case, fake_clock)


def test_group_write_stays_changed_when_no_update_follows(fake_clock):
    calls = [call(CAT_CONF, out="GROUP=alpha\n"), call(MKDIR), call(DD, data=b"GROUP=stable\n"), call(MV)] + checked(
        call(STATUS, out=STATUS_IDLE_OUT), call(JOURNAL_AFTER, out=NOUPDATE_JOURNAL))
    result = run_action("update_engine", {"command": "update", "group": "stable", "flavor": "coreos"}, calls, clock=fake_clock)[0]
    assert result["outcome"] == "no_update"
    assert result["changed"] is True


def test_progress_is_shown_while_waiting(fake_clock, capsys):
    calls = checked(call(STATUS, out=STATUS_AVAILABLE_OUT), call(STATUS, out=STATUS_DOWNLOADING_OUT),
                    call(STATUS, out=STATUS_DOWNLOADING_OUT), call(STATUS, out=STATUS_NEED_REBOOT_OUT),
                    call(JOURNAL_AFTER, out=APPLIED_JOURNAL))
    run_action("update_engine", {"command": "update", "flavor": "coreos"}, calls, clock=fake_clock)
    assert capsys.readouterr().out.splitlines() == [
        "core-02: UPDATE_STATUS_UPDATE_AVAILABLE 0% of 213 MB after 0 s",
        "core-02: UPDATE_STATUS_DOWNLOADING 42% of 213 MB after 5 s",
        "core-02: UPDATE_STATUS_UPDATED_NEED_REBOOT 0% of 213 MB after 15 s"]
