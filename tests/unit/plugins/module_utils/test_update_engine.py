# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _update_engine as update_engine
from ansible_collections.deis.platform.plugins.module_utils._update_engine import parse_status, update_outcome

FIXTURES = "update_engine_client/"


def block(last_checked_time, progress, current_op, new_version, new_size):
    return {"last_checked_time": last_checked_time, "progress": progress, "current_op": current_op, "new_version": new_version, "new_size": new_size}


def status_text(current_op, new_version="0.0.0", last_checked_time=1480682339, progress="0.000000", new_size=0):
    return f"LAST_CHECKED_TIME={last_checked_time}\nPROGRESS={progress}\nCURRENT_OP={current_op}\nNEW_VERSION={new_version}\nNEW_SIZE={new_size}\n"


SUCCESS_2016 = block(1480682339, 0.0, "UPDATE_STATUS_UPDATED_NEED_REBOOT", "0.0.0.0", 213129575)
COREOS_IDLE = block(1480682344, 0.0, "UPDATE_STATUS_IDLE", "0.0.0.0", 0)
FLATCAR_IDLE = block(1669742112, 0.0, "UPDATE_STATUS_IDLE", "0.0.0", 0)


def test_current_op_constants():
    assert update_engine.CURRENT_OPS == (
        "UPDATE_STATUS_IDLE",
        "UPDATE_STATUS_CHECKING_FOR_UPDATE",
        "UPDATE_STATUS_UPDATE_AVAILABLE",
        "UPDATE_STATUS_DOWNLOADING",
        "UPDATE_STATUS_VERIFYING",
        "UPDATE_STATUS_FINALIZING",
        "UPDATE_STATUS_UPDATED_NEED_REBOOT",
        "UPDATE_STATUS_REPORTING_ERROR_EVENT",
    )
    assert update_engine.UPDATE_STATUS_UPDATED_NEED_REBOOT == "UPDATE_STATUS_UPDATED_NEED_REBOOT"


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("status-idle.stdout.txt", block(0, 0.0, "UPDATE_STATUS_IDLE", "0.0.0", 0)),
        ("update-success-2016.stdout.txt", SUCCESS_2016),
        ("coreos-no-update.stdout.txt", COREOS_IDLE),
        ("flatcar-no-update.stdout.txt", FLATCAR_IDLE),
        # Real 2014 capture: starts and ends mid-block, has a log line and a "(null)" block in between.
        ("status-stall-bugs143.txt", block(1411575812, 0.0, "UPDATE_STATUS_FINALIZING", "0.0.0.0", 103093532)),
    ],
)
def test_parse_status_fixtures(read_fixture, fixture, expected):
    assert parse_status(read_fixture(FIXTURES + fixture)) == expected


def test_parse_status_ignores_log_lines_and_stderr_merged_into_stdout(read_fixture):
    merged = read_fixture(FIXTURES + "update-success-2016.stderr.txt") + read_fixture(FIXTURES + "update-success-2016.stdout.txt")
    assert parse_status(merged) == SUCCESS_2016


def test_parse_status_reads_progress_as_float():
    assert parse_status(status_text("UPDATE_STATUS_DOWNLOADING", progress="0.971182", new_size=103093532)) == block(
        1480682339, 0.971182, "UPDATE_STATUS_DOWNLOADING", "0.0.0", 103093532
    )


def test_parse_status_keeps_null_op_of_failed_status_query():
    assert parse_status(status_text("(null)", new_version="(null)", last_checked_time=0))["current_op"] == "(null)"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("[1202/123859:INFO:update_engine_client.cc(243)] Initiating update check and install.\n", id="log-only"),
        pytest.param("LAST_CHECKED_TIME=1\nPROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\n", id="truncated-block"),
        pytest.param("PROGRESS=0.000000\nLAST_CHECKED_TIME=1\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n", id="out-of-order"),
        pytest.param(" LAST_CHECKED_TIME=1\n PROGRESS=0.0\n CURRENT_OP=X\n NEW_VERSION=0\n NEW_SIZE=0\n", id="indented-lines-are-not-status"),
    ],
)
def test_parse_status_without_complete_block(text):
    with pytest.raises(ValueError, match="no complete update_engine_client status block"):
        parse_status(text)


@pytest.mark.parametrize(
    "text, message",
    [
        (status_text("UPDATE_STATUS_IDLE", last_checked_time="soon"), "line 1: unexpected LAST_CHECKED_TIME value 'soon'"),
        (status_text("UPDATE_STATUS_IDLE", progress="50%"), "line 2: unexpected PROGRESS value '50%'"),
        (status_text("UPDATE STATUS IDLE"), "line 3: unexpected CURRENT_OP value 'UPDATE STATUS IDLE'"),
        (status_text("UPDATE_STATUS_IDLE", new_size="1_000"), "line 5: unexpected NEW_SIZE value '1_000'"),
    ],
)
def test_parse_status_rejects_malformed_values(text, message):
    with pytest.raises(ValueError, match=message):
        parse_status(text)


@pytest.mark.parametrize(
    "rc, stdout_fixture, stderr_fixture, flavor, expected_outcome, expected_status",
    [
        pytest.param(
            0, "update-success-2016.stdout.txt", "update-success-2016.stderr.txt", "coreos", "updated_need_reboot", SUCCESS_2016, id="coreos-2016-success"
        ),
        pytest.param(
            1, "coreos-no-update.stdout.txt", "coreos-no-update.stderr.txt", "coreos", "no_update", COREOS_IDLE, id="coreos-update-failed-is-no-update"
        ),
        pytest.param(0, "flatcar-no-update.stdout.txt", "flatcar-no-update.stderr.txt", "flatcar", "no_update", FLATCAR_IDLE, id="flatcar-no-update"),
        pytest.param(1, None, "dbus-give-up.stderr.txt", "coreos", "daemon_unreachable", None, id="dbus-give-up-coreos"),
        pytest.param(1, None, "dbus-give-up.stderr.txt", "flatcar", "daemon_unreachable", None, id="dbus-give-up-flatcar"),
        pytest.param(-6, None, "check-failed-bugs696.stderr.txt", "coreos", "failed", None, id="check-failed-abort"),
        # Same bytes, wrong flavour: Flatcar never says "Update failed." for an idle engine, and CoreOS never exits 0 when idle.
        pytest.param(1, "coreos-no-update.stdout.txt", "coreos-no-update.stderr.txt", "flatcar", "failed", COREOS_IDLE, id="update-failed-on-flatcar"),
        pytest.param(0, "flatcar-no-update.stdout.txt", "flatcar-no-update.stderr.txt", "coreos", "failed", FLATCAR_IDLE, id="no-update-message-on-coreos"),
    ],
)
def test_update_outcome_fixtures(read_fixture, rc, stdout_fixture, stderr_fixture, flavor, expected_outcome, expected_status):
    stdout = read_fixture(FIXTURES + stdout_fixture) if stdout_fixture else ""
    result = update_outcome(rc, stdout, read_fixture(FIXTURES + stderr_fixture), flavor)
    assert result["outcome"] == expected_outcome
    assert result["status"] == expected_status
    assert isinstance(result["reason"], str) and result["reason"]


def test_update_outcome_reasons(read_fixture):
    no_update = update_outcome(1, read_fixture(FIXTURES + "coreos-no-update.stdout.txt"), read_fixture(FIXTURES + "coreos-no-update.stderr.txt"), "coreos")
    assert no_update["reason"] == (
        "no update available (CoreOS update_engine_client reports 'Update failed.' and exits 1 when the engine stays idle)"
    )
    unreachable = update_outcome(1, "", read_fixture(FIXTURES + "dbus-give-up.stderr.txt"), "coreos")
    assert unreachable["reason"] == "update_engine_client could not reach update-engine over D-Bus (is update-engine.service stopped or masked?)"
    aborted = update_outcome(-6, "", read_fixture(FIXTURES + "check-failed-bugs696.stderr.txt"), "coreos")
    assert aborted["reason"].startswith(
        "update_engine_client failed; exit status -6; last status none; "
        "message: [0926/195645:FATAL:update_engine_client.cc(183)] Check failed: rc == 1 (0 vs. 1)Error checking for update:"
    )


def test_update_outcome_accepts_stderr_merged_into_stdout(read_fixture):
    merged = read_fixture(FIXTURES + "update-success-2016.stdout.txt") + read_fixture(FIXTURES + "update-success-2016.stderr.txt")
    assert update_outcome(0, merged, "", "coreos")["outcome"] == "updated_need_reboot"


def test_update_outcome_success_message_without_captured_stdout(read_fixture):
    result = update_outcome(0, "", read_fixture(FIXTURES + "update-success-2016.stderr.txt"), "coreos")
    assert result == {"outcome": "updated_need_reboot", "reason": "update applied; a reboot is needed to activate it", "status": None}


def test_update_outcome_need_reboot_status_without_message():
    result = update_outcome(0, status_text("UPDATE_STATUS_UPDATED_NEED_REBOOT"), "", "flatcar")
    assert result["outcome"] == "updated_need_reboot"


GLOG = "I1129 17:35:12.425470  1893 update_engine_client.cc:{line}] {message}\n"
CHROMIUM = "[1202/124034:{level}:update_engine_client.cc({line})] {message}\n"


@pytest.mark.parametrize(
    "rc, stdout, stderr, flavor, expected_outcome, reason_start",
    [
        pytest.param(
            0, status_text("UPDATE_STATUS_DOWNLOADING"), "", "coreos", "failed",
            "exit status 0 but the output confirms neither an applied update nor 'no update'; exit status 0; last status UPDATE_STATUS_DOWNLOADING",
            id="rc0-alone-is-not-success",
        ),
        pytest.param(
            0, "", "", "flatcar", "failed", "exit status 0 but the output confirms neither an applied update nor 'no update'; exit status 0; last status none",
            id="rc0-and-no-output",
        ),
        pytest.param(
            0, status_text("UPDATE_STATUS_IDLE"), CHROMIUM.format(level="INFO", line=193, message="Update succeeded -- reboot needed."), "coreos",
            "failed", "exit status 0 but the output confirms neither an applied update nor 'no update'; exit status 0; last status UPDATE_STATUS_IDLE",
            id="success-message-contradicted-by-idle-status",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_UPDATED_NEED_REBOOT"), "", "coreos", "failed",
            "update_engine_client failed; exit status 1; last status UPDATE_STATUS_UPDATED_NEED_REBOOT",
            id="need-reboot-with-rc1",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_REPORTING_ERROR_EVENT") + status_text("UPDATE_STATUS_IDLE"),
            CHROMIUM.format(level="ERROR", line=189, message="Update failed."), "coreos", "failed",
            "update-engine reported an error event; exit status 1; last status UPDATE_STATUS_IDLE; message: [1202/124034:ERROR:",
            id="coreos-idle-after-error-event",
        ),
        pytest.param(
            0, status_text("UPDATE_STATUS_REPORTING_ERROR_EVENT") + status_text("UPDATE_STATUS_IDLE"),
            GLOG.format(line=194, message="No update available"), "flatcar", "failed",
            "update-engine reported an error event; exit status 0; last status UPDATE_STATUS_IDLE",
            id="flatcar-idle-after-error-event",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_DOWNLOADING") + status_text("UPDATE_STATUS_IDLE"),
            CHROMIUM.format(level="ERROR", line=189, message="Update failed."), "coreos", "failed",
            "an update was found (UPDATE_STATUS_DOWNLOADING) but the attempt ended idle; exit status 1; last status UPDATE_STATUS_IDLE",
            id="coreos-download-then-idle",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_IDLE"), "", "coreos", "failed", "update_engine_client failed; exit status 1; last status UPDATE_STATUS_IDLE",
            id="coreos-idle-rc1-without-message",
        ),
        pytest.param(
            1, "", CHROMIUM.format(level="ERROR", line=189, message="Update failed."), "coreos", "failed",
            "update_engine_client failed; exit status 1; last status none; message: [1202/124034:ERROR:update_engine_client.cc(189)] Update failed.",
            id="coreos-update-failed-without-status",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_CHECKING_FOR_UPDATE"), CHROMIUM.format(level="ERROR", line=189, message="Update failed."), "coreos", "failed",
            "update_engine_client failed; exit status 1; last status UPDATE_STATUS_CHECKING_FOR_UPDATE",
            id="coreos-update-failed-while-checking",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_IDLE"), GLOG.format(line=190, message="Update failed."), "flatcar", "failed",
            "update_engine_client failed; exit status 1; last status UPDATE_STATUS_IDLE; message: I1129",
            id="flatcar-update-failed-is-failure",
        ),
        pytest.param(
            0, status_text("UPDATE_STATUS_IDLE"), GLOG.format(line=194, message="No update available"), "flatcar", "no_update", "no update available",
            id="flatcar-glog-prefix",
        ),
        pytest.param(
            0, status_text("UPDATE_STATUS_IDLE"), "E1129 17:35:12.4  1893 x.cc:1] Not the message: No update available yet\n", "flatcar", "failed",
            "exit status 0 but the output confirms neither", id="message-must-end-the-line",
        ),
        pytest.param(
            1, status_text("UPDATE_STATUS_IDLE", progress="n/a"), "", "coreos", "failed",
            "unreadable status output (update_engine_client output line 2: unexpected PROGRESS value 'n/a'",
            id="malformed-status-is-failure",
        ),
    ],
)
def test_update_outcome_rules(rc, stdout, stderr, flavor, expected_outcome, reason_start):
    result = update_outcome(rc, stdout, stderr, flavor)
    assert result["outcome"] == expected_outcome
    assert result["reason"].startswith(reason_start)


@pytest.mark.parametrize("flavor", [None, "", "CoreOS", "fedora"])
def test_update_outcome_rejects_unknown_flavor(flavor):
    with pytest.raises(ValueError, match="flavor must be one of coreos, flatcar"):
        update_outcome(0, "", "", flavor)
