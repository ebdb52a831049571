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
UPDATE = "env LANG=C LC_ALL=C timeout 1800 update_engine_client -update"
CHECK = "env LANG=C LC_ALL=C update_engine_client -check_for_update"
JOURNAL = "env LANG=C LC_ALL=C journalctl -b -u update-engine.service -o cat --no-pager"
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

# A Flatcar update that names its version (the sandbox's update_engined, like Flatcar's, reports it).
FLATCAR_UPDATE_OUT = (
    "LAST_CHECKED_TIME=0\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_CHECKING_FOR_UPDATE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n"
    "LAST_CHECKED_TIME=1669742112\nPROGRESS=0.500000\nCURRENT_OP=UPDATE_STATUS_DOWNLOADING\nNEW_VERSION=3510.2.1\nNEW_SIZE=297374208\n"
    "LAST_CHECKED_TIME=1669742112\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=3510.2.1\nNEW_SIZE=297374208\n"
)
FLATCAR_UPDATE_ERR = (
    "I1129 17:35:02.402817  1893 update_engine_client.cc:251] Initiating update check and install.\n"
    "I1129 17:35:02.411036  1893 update_engine_client.cc:256] Waiting for update to complete.\n"
    "I1129 17:37:12.425470  1893 update_engine_client.cc:199] Update succeeded -- reboot needed.\n"
)
ERROR_EVENT_OUT = (
    "LAST_CHECKED_TIME=1480682339\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_UPDATE_AVAILABLE\nNEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n"
    "LAST_CHECKED_TIME=1480682339\nPROGRESS=0.700000\nCURRENT_OP=UPDATE_STATUS_DOWNLOADING\nNEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n"
    "LAST_CHECKED_TIME=1480682339\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_REPORTING_ERROR_EVENT\nNEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n"
    "LAST_CHECKED_TIME=1480682339\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0.0\nNEW_SIZE=0\n"
)
ERROR_EVENT_ERR = (
    "[1202/130149:INFO:update_engine_client.cc(243)] Initiating update check and install.\n"
    "[1202/130149:INFO:update_engine_client.cc(248)] Waiting for update to complete.\n"
    "[1202/130210:ERROR:update_engine_client.cc(189)] Update failed.\n"
)
JOURNAL_BOOTED = "Initialized update engine (coreos 1068.8.0, group stable)\n"
JOURNAL_FLAGS = JOURNAL_BOOTED + "Update status: UPDATE_STATUS_IDLE\nUpdating boot flags...\n"
FLAGS_WARNING = "update-engine did not log 'Updating boot flags...' within 2 s; it is idle"

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
        "result": {"failed": True, "msg": "value of command must be one of: status, update, check, wait_boot_flags, got: upgrade"},
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
        "id": "coreos-no-update-rc-1-is-not-a-failure",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call(UPDATE, rc=1, out=fixture_text("update_engine_client/coreos-no-update.stdout.txt"),
                       err=fixture_text("update_engine_client/coreos-no-update.stderr.txt"), takes=10)],
        "result": {
            "changed": False, "flavor": "coreos", "outcome": "no_update", "reboot_needed": False, "client_rc": 1, "elapsed": 10.0,
            "reason": "no update available (CoreOS update_engine_client reports 'Update failed.' and exits 1 when the engine stays idle)",
            "status": {"last_checked_time": 1480682344, "progress": 0.0, "current_op": "UPDATE_STATUS_IDLE", "new_version": "0.0.0.0",
                       "new_size": 0},
        },
    },
    {
        "id": "flatcar-no-update",
        "args": {"command": "update"},
        "calls": [call(CAT_OS_RELEASE, out=OS_FLATCAR), call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call(UPDATE, out=fixture_text("update_engine_client/flatcar-no-update.stdout.txt"),
                       err=fixture_text("update_engine_client/flatcar-no-update.stderr.txt"), takes=10)],
        "result": {
            "changed": False, "flavor": "flatcar", "outcome": "no_update", "reason": "no update available", "reboot_needed": False,
            "client_rc": 0, "elapsed": 10.0,
            "status": {"last_checked_time": 1669742112, "progress": 0.0, "current_op": "UPDATE_STATUS_IDLE", "new_version": "0.0.0",
                       "new_size": 0},
        },
    },
    {
        "id": "coreos-update-applied-2016-capture",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call(UPDATE, out=fixture_text("update_engine_client/update-success-2016.stdout.txt"),
                       err=fixture_text("update_engine_client/update-success-2016.stderr.txt"), takes=95)],
        "result": {"changed": True, "flavor": "coreos", "outcome": "updated_need_reboot", "reboot_needed": True, "client_rc": 0,
                   "elapsed": 95.0, "reason": "update applied; a reboot is needed to activate it", "status": NEED_REBOOT},
    },
    {
        "id": "update-already-applied-is-not-a-change",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_NEED_REBOOT_OUT),
                  call(UPDATE, out=STATUS_NEED_REBOOT_OUT,
                       err="[1202/124200:INFO:update_engine_client.cc(193)] Update succeeded -- reboot needed.\n", takes=5)],
        "result": {"changed": False, "flavor": "coreos", "outcome": "updated_need_reboot", "reboot_needed": True, "client_rc": 0,
                   "elapsed": 5.0, "reason": "update applied; a reboot is needed to activate it", "status": NEED_REBOOT},
    },
    {
        "id": "flatcar-update-names-the-new-version",
        "args": {"command": "update", "flavor": "flatcar", "timeout": 600},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call("env LANG=C LC_ALL=C timeout 600 update_engine_client -update", out=FLATCAR_UPDATE_OUT, err=FLATCAR_UPDATE_ERR,
                       takes=130)],
        "result": {"changed": True, "flavor": "flatcar", "outcome": "updated_need_reboot", "reboot_needed": True, "client_rc": 0,
                   "elapsed": 130.0, "reason": "update applied; a reboot is needed to activate it", "new_version": "3510.2.1",
                   "status": {"last_checked_time": 1669742112, "progress": 0.0, "current_op": "UPDATE_STATUS_UPDATED_NEED_REBOOT",
                              "new_version": "3510.2.1", "new_size": 297374208}},
    },
    {
        "id": "update-timeout-rc-124",
        "args": {"command": "update", "flavor": "coreos", "timeout": 60},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call("env LANG=C LC_ALL=C timeout 60 update_engine_client -update", rc=124, out=STATUS_DOWNLOADING_OUT, takes=60)],
        "result": {"changed": False, "failed": True, "elapsed": 60.0, "msg": "update_engine_client -update did not finish within 60 s"},
    },
    {
        "id": "daemon-went-away-during-update",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call(UPDATE, rc=1, err=fixture_text("update_engine_client/dbus-give-up.stderr.txt"), takes=30)],
        "result": {
            "changed": False, "failed": True, "outcome": "daemon_unreachable", "status": IDLE, "elapsed": 30.0, "client_rc": 1,
            "reason": "update_engine_client could not reach update-engine over D-Bus (is update-engine.service stopped or masked?)",
            "msg": "update failed: update_engine_client could not reach update-engine over D-Bus (is update-engine.service stopped or masked?)",
            "stdout": "", "stderr": fixture_text("update_engine_client/dbus-give-up.stderr.txt"),
        },
    },
    {
        "id": "error-event-fails",
        "args": {"command": "update", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
                  call(UPDATE, rc=1, out=ERROR_EVENT_OUT, err=ERROR_EVENT_ERR, takes=21)],
        "result": {
            "changed": False, "failed": True, "outcome": "failed", "elapsed": 21.0, "client_rc": 1,
            "status": {"last_checked_time": 1480682339, "progress": 0.0, "current_op": "UPDATE_STATUS_IDLE", "new_version": "0.0.0.0",
                       "new_size": 0},
            "reason": "update-engine reported an error event; exit status 1; last status UPDATE_STATUS_IDLE; "
                      "message: [1202/130210:ERROR:update_engine_client.cc(189)] Update failed.",
            "msg": "update failed: update-engine reported an error event; exit status 1; last status UPDATE_STATUS_IDLE; "
                   "message: [1202/130210:ERROR:update_engine_client.cc(189)] Update failed.",
            "stdout": ERROR_EVENT_OUT, "stderr": ERROR_EVENT_ERR,
        },
    },
    {
        "id": "check-mode-starts-no-update",
        "args": {"command": "update", "flavor": "coreos"},
        "check": True,
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT)],
        "result": {"changed": False, "flavor": "coreos", "status": IDLE, "reboot_needed": False, "msg": "check mode: no update check started"},
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

WAIT_CASES = [
    {
        "id": "boot-flags-logged-at-once",
        "args": {"command": "wait_boot_flags", "flavor": "coreos"},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(JOURNAL, out=JOURNAL_FLAGS), call(STATUS, out=STATUS_IDLE_OUT)],
        "sleeps": [],
        "result": {"changed": False, "flavor": "coreos", "boot_flags_updated": True, "status": IDLE},
    },
    {
        "id": "boot-flags-logged-after-polls-through-a-dropped-connection",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 10},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(JOURNAL, rc=1, err="No journal files were found.\n"), unreachable(JOURNAL),
                  call(JOURNAL, out=JOURNAL_BOOTED), call(JOURNAL, out=JOURNAL_FLAGS), call(STATUS, out=STATUS_IDLE_OUT)],
        "sleeps": [1.0, 1.0, 1.0],
        "result": {"changed": False, "flavor": "coreos", "boot_flags_updated": True, "status": IDLE},
    },
    {
        "id": "timed-out-but-idle-warns",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 2},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(JOURNAL, out=JOURNAL_BOOTED), call(JOURNAL, out=JOURNAL_BOOTED),
                  call(JOURNAL, out=JOURNAL_BOOTED), call(STATUS, out=STATUS_IDLE_OUT)],
        "sleeps": [1.0, 1.0],
        "result": {"changed": False, "flavor": "coreos", "boot_flags_updated": False, "status": IDLE, "warnings": [FLAGS_WARNING]},
    },
    {
        "id": "timed-out-busy-fails",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 2},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(JOURNAL, out=JOURNAL_BOOTED), call(JOURNAL, out=JOURNAL_BOOTED),
                  call(JOURNAL, out=JOURNAL_BOOTED), call(STATUS, out=STATUS_DOWNLOADING_OUT)],
        "sleeps": [1.0, 1.0],
        "result": {"changed": False, "failed": True, "status": DOWNLOADING, "journal": JOURNAL_BOOTED,
                   "msg": "update-engine did not log 'Updating boot flags...' within 2 s and is UPDATE_STATUS_DOWNLOADING"},
    },
    {
        "id": "message-must-be-a-whole-line",
        "args": {"command": "wait_boot_flags", "flavor": "coreos", "timeout": 1},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(JOURNAL, out="Not Updating boot flags... yet\n"),
                  call(JOURNAL, out="Not Updating boot flags... yet\n"), call(STATUS, out=STATUS_IDLE_OUT)],
        "sleeps": [1.0],
        "result": {"changed": False, "flavor": "coreos", "boot_flags_updated": False, "status": IDLE,
                   "warnings": ["update-engine did not log 'Updating boot flags...' within 1 s; it is idle"]},
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
    result = run_case("update_engine", case, fake_clock)[0]
    # Ansible fails any result whose rc is non-zero: the client's exit code is reported as client_rc only.
    assert "rc" not in result


@pytest.mark.parametrize("case", GROUP_CASES, ids=case_ids(GROUP_CASES))
def test_group(case, fake_clock):
    run_case("update_engine", case, fake_clock)


@pytest.mark.parametrize("case", WAIT_CASES, ids=case_ids(WAIT_CASES))
def test_wait_boot_flags(case, fake_clock):
    run_case("update_engine", case, fake_clock)


def test_group_write_stays_changed_when_no_update_follows(fake_clock):
    calls = [call(CAT_CONF, out="GROUP=alpha\n"), call(MKDIR), call(DD, data=b"GROUP=stable\n"), call(MV),
             call(SHOW, out=SHOW_RUNNING), call(STATUS, out=STATUS_IDLE_OUT),
             call(UPDATE, rc=1, out=fixture_text("update_engine_client/coreos-no-update.stdout.txt"),
                  err=fixture_text("update_engine_client/coreos-no-update.stderr.txt"))]
    result = run_action("update_engine", {"command": "update", "group": "stable", "flavor": "coreos"}, calls, clock=fake_clock)[0]
    assert result["outcome"] == "no_update"
    assert result["changed"] is True
