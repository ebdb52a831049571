# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import (
    call, case_ids, run_action, run_case, unreachable)

MARKER = "env LANG=C LC_ALL=C cat /proc/sys/kernel/random/boot_id /proc/1/stat"
REBOOT = "env LANG=C LC_ALL=C systemd-run --on-active=2 --timer-property=AccuracySec=100ms systemctl reboot"
IS_RUNNING = "env LANG=C LC_ALL=C systemctl is-system-running"
SYSTEMD_RUN_ERR = "Running timer as unit: run-r0d6c4f1e2b3a4c5d.timer\nWill run service as unit: run-r0d6c4f1e2b3a4c5d.service\n"

BOOT_A = "4f3c5b6a-9d1e-4c2b-8a7f-1e2d3c4b5a69"
BOOT_B = "c2b1a0f9-8e7d-4c6b-9a5f-4e3d2c1b0a98"


def stat(starttime):
    """/proc/1/stat of systemd; field 22 (the 20th after the command name) is its start time in clock ticks since boot."""
    return ("1 (systemd) S 0 1 1 0 -1 4194560 31373 2417891 97 2217 124 292 4226 2152 20 0 1 0 %d 172224512 3237 "
            "18446744073709551615 1 1 0 0 0 0 671173123 4096 1260 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n" % starttime)


BEFORE = BOOT_A + "\n" + stat(4)
AFTER = BOOT_B + "\n" + stat(7)

CASES = [
    {
        "id": "wait-only-for-a-node-that-is-rebooting-already",
        "args": {"reboot": False, "reboot_timeout": 60},
        "calls": [unreachable(MARKER), unreachable(MARKER), call(MARKER, out=AFTER), call(IS_RUNNING, rc=1, out="starting\n"),
                  call(IS_RUNNING, out="running\n")],
        "sleeps": [1.0, 1.0, 1.0],
        "result": {"changed": False, "elapsed": 3.0, "boot_after": BOOT_B + "/7", "system_state": "running"},
    },
    {
        "id": "wait-only-for-a-node-that-is-up-changes-nothing-even-in-check-mode",
        "args": {"reboot": False},
        "check": True,
        "calls": [call(MARKER, out=BEFORE), call(IS_RUNNING, out="running\n")],
        "sleeps": [],
        "result": {"changed": False, "elapsed": 0.0, "boot_after": BOOT_A + "/4", "system_state": "running"},
    },
    {
        "id": "wait-only-gives-up-after-the-timeout",
        "args": {"reboot": False, "reboot_timeout": 2},
        "calls": [unreachable(MARKER), unreachable(MARKER), unreachable(MARKER)],
        "sleeps": [1.0, 1.0],
        "result": {"changed": False, "failed": True, "msg": "the node did not answer within 2 s"},
    },
    {
        "id": "waits-through-connection-failures-until-the-marker-changes",
        "args": {},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT, err=SYSTEMD_RUN_ERR), unreachable(MARKER), unreachable(MARKER), unreachable(MARKER),
                  call(MARKER, out=AFTER), call(IS_RUNNING, rc=1, out="starting\n"), call(IS_RUNNING, out="running\n")],
        "sleeps": [1, 1, 1, 1, 1.0],
        "result": {"changed": True, "elapsed": 5.0, "boot_before": BOOT_A + "/4", "boot_after": BOOT_B + "/7", "system_state": "running"},
    },
    {
        "id": "same-boot-answering-before-it-goes-down-is-not-the-new-boot",
        "args": {},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT, err=SYSTEMD_RUN_ERR), call(MARKER, out=BEFORE), unreachable(MARKER),
                  call(MARKER, out=AFTER), call(IS_RUNNING, rc=1, out="degraded\n")],
        "sleeps": [1, 1, 1],
        "result": {"changed": True, "elapsed": 3.0, "boot_before": BOOT_A + "/4", "boot_after": BOOT_B + "/7", "system_state": "degraded"},
    },
    {
        "id": "container-same-boot-id-new-pid-1",
        "args": {},
        "calls": [call(MARKER, out=BOOT_A + "\n" + stat(123456)), call(REBOOT), call(MARKER, out=BOOT_A + "\n" + stat(123789)),
                  call(IS_RUNNING, out="running\n")],
        "sleeps": [1],
        "result": {"changed": True, "elapsed": 1.0, "boot_before": BOOT_A + "/123456", "boot_after": BOOT_A + "/123789",
                   "system_state": "running"},
    },
    {
        "id": "failed-or-partial-marker-reads-do-not-count",
        "args": {},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT), call(MARKER, rc=1, out=BOOT_B + "\n", err="cat: /proc/1/stat: Permission denied\n"),
                  call(MARKER, out=BOOT_B + "\n"), call(MARKER, out=AFTER), call(IS_RUNNING, out="running\n")],
        "sleeps": [1, 1, 1],
        "result": {"changed": True, "elapsed": 3.0, "boot_before": BOOT_A + "/4", "boot_after": BOOT_B + "/7", "system_state": "running"},
    },
    {
        "id": "custom-reboot-command-is-quoted-per-argument",
        "args": {"reboot_command": ["sh", "-c", "sleep 2 && reboot"], "reboot_timeout": 30},
        "calls": [call(MARKER, out=BEFORE), call("env LANG=C LC_ALL=C sh -c 'sleep 2 && reboot'"), call(MARKER, out=AFTER),
                  call(IS_RUNNING, out="running\n")],
        "sleeps": [1],
        "result": {"changed": True, "elapsed": 1.0, "boot_before": BOOT_A + "/4", "boot_after": BOOT_B + "/7", "system_state": "running"},
    },
    {
        "id": "never-comes-back",
        "args": {"reboot_timeout": 3},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT), unreachable(MARKER), unreachable(MARKER), unreachable(MARKER)],
        "sleeps": [1, 1, 1],
        "result": {"changed": True, "failed": True, "msg": "the node did not come back from its reboot within 3 s"},
    },
    {
        "id": "never-reboots",
        "args": {"reboot_timeout": 2},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT), call(MARKER, out=BEFORE), call(MARKER, out=BEFORE)],
        "sleeps": [1, 1],
        "result": {"changed": True, "failed": True, "msg": "the node did not come back from its reboot within 2 s"},
    },
    {
        "id": "boots-but-does-not-settle",
        "args": {"settle_timeout": 2},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT), call(MARKER, out=AFTER), call(IS_RUNNING, rc=1, out="starting\n"),
                  call(IS_RUNNING, rc=1, out="starting\n"), call(IS_RUNNING, rc=1, out="maintenance\n")],
        "sleeps": [1, 1.0, 1.0],
        "result": {"changed": True, "failed": True, "msg": "the node booted but systemd did not settle within 2 s (it says maintenance)"},
    },
    {
        "id": "unreachable-again-while-settling",
        "args": {"settle_timeout": 1},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT), call(MARKER, out=AFTER), call(IS_RUNNING, rc=1, out="starting\n"),
                  unreachable(IS_RUNNING)],
        "sleeps": [1, 1.0],
        "result": {"changed": True, "failed": True, "msg": "the node booted but systemd did not settle within 1 s (it says unreachable)"},
    },
    {
        "id": "check-mode-sends-nothing",
        "args": {},
        "check": True,
        "calls": [],
        "sleeps": [],
        "result": {"changed": True, "msg": "check mode: the node was not rebooted"},
    },
    {
        "id": "reboot-command-refused",
        "args": {},
        "calls": [call(MARKER, out=BEFORE), call(REBOOT, rc=1, err="Failed to start transient timer unit: Interactive authentication required.\n")],
        "sleeps": [],
        "result": {"changed": False, "failed": True, "rc": 1, "stdout": "",
                   "cmd": ["systemd-run", "--on-active=2", "--timer-property=AccuracySec=100ms", "systemctl", "reboot"],
                   "stderr": "Failed to start transient timer unit: Interactive authentication required.\n",
                   "msg": "starting the reboot failed (rc 1): Failed to start transient timer unit: Interactive authentication required."},
    },
    {
        "id": "marker-unreadable-no-reboot",
        "args": {},
        "calls": [call(MARKER, rc=1, out=BOOT_A + "\n", err="cat: /proc/1/stat: Permission denied\n")],
        "sleeps": [],
        "result": {"changed": False, "failed": True, "rc": 1, "stdout": BOOT_A + "\n", "cmd": ["cat", "/proc/sys/kernel/random/boot_id", "/proc/1/stat"],
                   "stderr": "cat: /proc/1/stat: Permission denied\n",
                   "msg": "reading the boot marker failed (rc 1): cat: /proc/1/stat: Permission denied"},
    },
    {
        "id": "timeout-not-an-int",
        "args": {"reboot_timeout": "10m"},
        "calls": [],
        "sleeps": [],
        "result": {"failed": True,
                   "msg": "argument 'reboot_timeout' is of type str and we were unable to convert to int: \"'10m'\" cannot be converted to an int"},
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_node_reboot(case, fake_clock):
    run_case("node_reboot", case, fake_clock)


def test_short_proc_1_stat_fails_cleanly(fake_clock):
    result = run_action("node_reboot", {}, [call(MARKER, out=BOOT_A + "\n1 (systemd) S 0 1\n")], clock=fake_clock)[0]
    assert result["failed"] is True
