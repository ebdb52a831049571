# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import (
    call, case_ids, fixture_text, run_action, run_case)

UNIT = "update-engine.service"
SHOW = "env LANG=C LC_ALL=C systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState update-engine.service"
UNMASK = "env LANG=C LC_ALL=C systemctl unmask update-engine.service"
MASK = "env LANG=C LC_ALL=C systemctl mask update-engine.service"
START = "env LANG=C LC_ALL=C systemctl start update-engine.service"
STOP = "env LANG=C LC_ALL=C systemctl stop update-engine.service"

SHOW_MASKED = fixture_text("systemctl/show-masked.txt")
SHOW_RUNNING = fixture_text("systemctl/show-running.txt")
SHOW_NOT_FOUND = fixture_text("systemctl/show-not-found.txt")
SHOW_STOPPED = "LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=disabled\n"
SHOW_FAILED = "LoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=disabled\n"

MASKED = {"load_state": "masked", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "masked", "masked": True}
RUNNING = {"load_state": "loaded", "active_state": "active", "sub_state": "running", "unit_file_state": "enabled", "masked": False}
STOPPED = {"load_state": "loaded", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "disabled", "masked": False}
FAILED = {"load_state": "loaded", "active_state": "failed", "sub_state": "failed", "unit_file_state": "disabled", "masked": False}
NOT_FOUND = {"load_state": "not-found", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "", "masked": False}

VIEW_STOPPED_MASKED = "state: stopped\nmasked: true\n"
VIEW_STARTED_UNMASKED = "state: started\nmasked: false\n"
VIEW_STOPPED_UNMASKED = "state: stopped\nmasked: false\n"
JOB_FAILED = ("Job for update-engine.service failed because the control process exited with error code.\n"
              "See \"systemctl status update-engine.service\" and \"journalctl -xeu update-engine.service\" for details.\n")

CASES = [
    {
        "id": "masked-to-started-unmasks-before-starting",
        "args": {"name": UNIT, "masked": False, "state": "started"},
        "calls": [call(SHOW, out=SHOW_MASKED), call(UNMASK, err="Removed \"/etc/systemd/system/update-engine.service\".\n"),
                  call(START), call(SHOW, out=SHOW_RUNNING)],
        "result": {"changed": True, "actions": ["unmask", "start"], "status": RUNNING},
    },
    {
        "id": "running-to-masked-stops-before-masking",
        "args": {"name": UNIT, "state": "stopped", "masked": True},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STOP),
                  call(MASK, err="Created symlink /etc/systemd/system/update-engine.service \u2192 /dev/null.\n"),
                  call(SHOW, out=SHOW_MASKED)],
        "result": {"changed": True, "actions": ["stop", "mask"], "status": MASKED},
    },
    {
        "id": "stopped-to-started",
        "args": {"name": UNIT, "state": "started"},
        "calls": [call(SHOW, out=SHOW_STOPPED), call(START), call(SHOW, out=SHOW_RUNNING)],
        "result": {"changed": True, "actions": ["start"], "status": RUNNING},
    },
    {
        "id": "unmask-only-leaves-it-stopped",
        "args": {"name": UNIT, "masked": False},
        "calls": [call(SHOW, out=SHOW_MASKED), call(UNMASK), call(SHOW, out=SHOW_STOPPED)],
        "result": {"changed": True, "actions": ["unmask"], "status": STOPPED},
    },
    {
        "id": "idempotent-masked-and-stopped",
        "args": {"name": UNIT, "state": "stopped", "masked": True},
        "calls": [call(SHOW, out=SHOW_MASKED)],
        "result": {"changed": False, "actions": [], "status": MASKED},
    },
    {
        "id": "idempotent-running",
        "args": {"name": UNIT, "state": "started", "masked": False},
        "diff": True,
        "calls": [call(SHOW, out=SHOW_RUNNING)],
        "result": {"changed": False, "actions": [], "status": RUNNING,
                   "diff": {"before": VIEW_STARTED_UNMASKED, "after": VIEW_STARTED_UNMASKED}},
    },
    {
        "id": "check-mode-sends-only-show",
        "args": {"name": UNIT, "masked": False, "state": "started"},
        "check": True,
        "calls": [call(SHOW, out=SHOW_MASKED)],
        "result": {"changed": True, "actions": ["unmask", "start"], "status": MASKED},
    },
    {
        "id": "check-and-diff",
        "args": {"name": UNIT, "masked": False, "state": "started"},
        "check": True,
        "diff": True,
        "calls": [call(SHOW, out=SHOW_MASKED)],
        "result": {"changed": True, "actions": ["unmask", "start"], "status": MASKED,
                   "diff": {"before": VIEW_STOPPED_MASKED, "after": VIEW_STARTED_UNMASKED}},
    },
    {
        "id": "diff-of-a-real-run",
        "args": {"name": UNIT, "state": "stopped"},
        "diff": True,
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STOP), call(SHOW, out=SHOW_STOPPED)],
        "result": {"changed": True, "actions": ["stop"], "status": STOPPED,
                   "diff": {"before": VIEW_STARTED_UNMASKED, "after": VIEW_STOPPED_UNMASKED}},
    },
    {
        "id": "refuses-to-start-a-unit-that-stays-masked",
        "args": {"name": UNIT, "state": "started"},
        "calls": [call(SHOW, out=SHOW_MASKED)],
        "result": {"changed": False, "failed": True, "status": MASKED,
                   "msg": "update-engine.service: the unit is masked and cannot be started: set masked: false to unmask it first"},
    },
    {
        "id": "refuses-start-with-masked-true",
        "args": {"name": UNIT, "state": "started", "masked": True},
        "calls": [call(SHOW, out=SHOW_STOPPED)],
        "result": {"changed": False, "failed": True, "status": STOPPED,
                   "msg": "update-engine.service: the unit is masked and cannot be started: set masked: false to unmask it first"},
    },
    {
        "id": "unknown-unit",
        "args": {"name": "nosuch.service", "state": "stopped"},
        "calls": [call("env LANG=C LC_ALL=C systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState nosuch.service",
                       out=SHOW_NOT_FOUND)],
        "result": {"changed": False, "failed": True, "status": NOT_FOUND,
                   "msg": "nosuch.service: systemd does not know this unit (LoadState=not-found)"},
    },
    {
        "id": "does-not-reach-started",
        "args": {"name": UNIT, "state": "started"},
        "calls": [call(SHOW, out=SHOW_STOPPED), call(START), call(SHOW, out=SHOW_FAILED)],
        "result": {"changed": True, "failed": True, "actions": ["start"], "status": FAILED,
                   "msg": "update-engine.service did not reach the wanted state after start: failed/failed, masked=False"},
    },
    {
        "id": "does-not-reach-masked",
        "args": {"name": UNIT, "state": "stopped", "masked": True},
        "calls": [call(SHOW, out=SHOW_RUNNING), call(STOP), call(MASK), call(SHOW, out=SHOW_STOPPED)],
        "result": {"changed": True, "failed": True, "actions": ["stop", "mask"], "status": STOPPED,
                   "msg": "update-engine.service did not reach the wanted state after stop, mask: inactive/dead, masked=False"},
    },
    {
        "id": "systemctl-start-fails",
        "args": {"name": UNIT, "state": "started"},
        "calls": [call(SHOW, out=SHOW_STOPPED), call(START, rc=1, err=JOB_FAILED)],
        "result": {"changed": False, "failed": True, "actions": ["start"], "cmd": ["systemctl", "start", UNIT], "rc": 1, "stdout": "", "stderr": JOB_FAILED,
                   "msg": "systemctl start update-engine.service failed (rc 1): " + JOB_FAILED.strip()},
    },
    {
        "id": "systemctl-show-fails",
        "args": {"name": UNIT, "state": "started"},
        "calls": [call(SHOW, rc=1, err="Failed to connect to bus: No such file or directory\n")],
        "result": {"changed": False, "failed": True,
                   "cmd": ["systemctl", "show", "-p", "LoadState", "-p", "ActiveState", "-p", "SubState", "-p", "UnitFileState", UNIT],
                   "rc": 1, "stdout": "", "stderr": "Failed to connect to bus: No such file or directory\n",
                   "msg": "systemctl show update-engine.service failed (rc 1): Failed to connect to bus: No such file or directory"},
    },
    {
        "id": "escaped-unit-name-is-quoted",
        "args": {"name": "systemd-fsck@dev-disk-by\\x2dlabel-ROOT.service", "state": "stopped"},
        "calls": [call("env LANG=C LC_ALL=C systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState "
                       "'systemd-fsck@dev-disk-by\\x2dlabel-ROOT.service'", out=SHOW_RUNNING),
                  call("env LANG=C LC_ALL=C systemctl stop 'systemd-fsck@dev-disk-by\\x2dlabel-ROOT.service'"),
                  call("env LANG=C LC_ALL=C systemctl show -p LoadState -p ActiveState -p SubState -p UnitFileState "
                       "'systemd-fsck@dev-disk-by\\x2dlabel-ROOT.service'", out=SHOW_STOPPED)],
        "result": {"changed": True, "actions": ["stop"], "status": STOPPED},
    },
    {
        "id": "unknown-state-choice",
        "args": {"name": UNIT, "state": "running"},
        "calls": [],
        "result": {"failed": True, "msg": "value of state must be one of: started, stopped, got: running"},
    },
    {
        "id": "neither-state-nor-masked",
        "args": {"name": UNIT},
        "calls": [],
        "result": {"failed": True, "msg": "one of the following is required: state, masked"},
    },
    {
        "id": "no-name",
        "args": {"state": "started"},
        "calls": [],
        "result": {"failed": True, "msg": "missing required arguments: name"},
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_systemd_unit(case):
    run_case("systemd_unit", case)


def test_masked_not_a_bool_fails_before_any_command():
    result = run_action("systemd_unit", {"name": UNIT, "masked": "sometimes"}, [])[0]
    # ansible-core lists the valid booleans from a set, in no fixed order
    assert sorted(result) == ["failed", "msg"]
    assert result["failed"] is True
    assert result["msg"].startswith("argument 'masked' is of type str and we were unable to convert to bool: "
                                    "The value 'sometimes' is not a valid boolean.")


def test_failure_after_unmask_reports_the_change():
    calls = [call(SHOW, out=SHOW_MASKED), call(UNMASK), call(START, rc=1, err=JOB_FAILED)]
    result = run_action("systemd_unit", {"name": UNIT, "masked": False, "state": "started"}, calls)[0]
    assert result["failed"] is True
    assert result["changed"] is True
