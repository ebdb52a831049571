# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _update_engine as update_engine
from ansible_collections.deis.platform.plugins.module_utils._update_engine import (
    boot_flags_updated, check_outcome, daemon_started_at, journal_cursor, journal_messages, parse_status, strip_log_prefix)

FIXTURES = "update_engine_client/"
JOURNAL = "update_engine/"


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


# -- the daemon's journal ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("line, message", [
    # Chromium base/logging, update_engine <= v0.1.3 (coreos/bugs#1185)
    ("[0326/172321:INFO:update_attempter.cc(485)] Updating boot flags...", "Updating boot flags..."),
    ("[1202/181301:ERROR:update_attempter.cc(598)] Update failed.", "Update failed."),
    # glog 0.3 (flatcar/Flatcar#130), a 4-digit thread id after two spaces; rendered 3-digit one after three spaces
    ("I0602 10:41:01.732350  1010 update_attempter.cc:483] Already updated boot flags. Skipping.",
     "Already updated boot flags. Skipping."),
    ("I0326 17:23:21.123456   644 update_attempter.cc:493] Updating boot flags...", "Updating boot flags..."),
    # glog >= 0.6 with the year (flatcar/Flatcar#1924)
    ("I20251016 19:56:23.175423  1822 update_attempter.cc:306] Processing Done.", "Processing Done."),
    # a continuation line of a multi-line message and systemd's own lines keep their text
    ("NumURLs = 1", "NumURLs = 1"),
    ("Started Update Engine.", "Started Update Engine."),
    # a prefix only counts at the start of the line
    ("note: [0326/172321:INFO:x.cc(1)] Updating boot flags...", "note: [0326/172321:INFO:x.cc(1)] Updating boot flags..."),
])
def test_strip_log_prefix(line, message):
    assert strip_log_prefix(line) == message


def test_glog_fixture_lines(read_fixture):
    assert journal_messages(read_fixture(JOURNAL + "glog-lines.txt")) == [
        "Already updated boot flags. Skipping.", "No update.", "Processing Done.", "Updating boot flags..."]


@pytest.mark.parametrize("fixture, updated", [
    ("journal-boot-flags-bugs1185.txt", True),      # start, then the line 46 s later
    ("journal-boot-flags-docs686.txt", True),       # ... and `Already updated` at the next check
    ("journal-boot-flags-deis3551.txt", False),     # the line without the start of its daemon run: cannot be placed
    ("journal-glog-start-flatcar228.txt", False),   # a glog start, no boot flags yet
])
def test_boot_flags_updated_fixtures(read_fixture, fixture, updated):
    assert boot_flags_updated(journal_messages(read_fixture(JOURNAL + fixture))) is updated


def test_boot_flags_of_an_earlier_daemon_run_do_not_count(read_fixture):
    """update-engine logs the line 45 s after every start; a later start (the one after the reboot into the update)
    has not logged it yet."""
    earlier = read_fixture(JOURNAL + "journal-boot-flags-docs686.txt")
    restarted = earlier + "Stopped Update Engine.\nStarting Update Engine...\n" \
        "[1202/180100:INFO:main.cc(155)] CoreOS Update Engine starting\n"
    assert boot_flags_updated(journal_messages(restarted)) is False
    assert boot_flags_updated(journal_messages(restarted + "[1202/180145:INFO:update_attempter.cc(485)] Updating boot flags...\n"))


def test_boot_flags_of_a_glog_daemon(read_fixture):
    started = read_fixture(JOURNAL + "journal-glog-start-flatcar228.txt")
    assert boot_flags_updated(journal_messages(started + "I1109 08:35:47.112233  6082 update_attempter.cc:493] Updating boot flags...\n"))


def test_journal_cursor():
    """`journalctl -n 1 --show-cursor` (systemd 252 on a sandbox node) prints the entry, then the cursor."""
    shown = ("[1128/092139:INFO:update_attempter.cc(485)] Updating boot flags...\n"
             "-- cursor: s=fbc772a2ad694724a9ccfb1ed9dbfeab;i=103;b=7086dd59ef8541f59d24244ac6785a27;m=1987b1577;"
             "t=66152b43d18d9;x=2fbd39525269f374\n")
    assert journal_cursor(shown) == ("s=fbc772a2ad694724a9ccfb1ed9dbfeab;i=103;b=7086dd59ef8541f59d24244ac6785a27;"
                                     "m=1987b1577;t=66152b43d18d9;x=2fbd39525269f374")
    assert journal_messages(shown) == ["Updating boot flags..."]
    assert journal_cursor("-- No entries --\n") is None


IDLE, NEED_REBOOT = "UPDATE_STATUS_IDLE", "UPDATE_STATUS_UPDATED_NEED_REBOOT"


def test_no_update_answer(read_fixture):
    """coreos/bugs#693: the server answered noupdate (CoreOS 362); the client says only `Update failed.`."""
    result = check_outcome(IDLE, [IDLE, "UPDATE_STATUS_CHECKING_FOR_UPDATE"],
                           journal_messages(read_fixture(JOURNAL + "journal-noupdate-bugs693.txt")))
    assert result == {"outcome": "no_update", "reason": "the update server answered: no update"}


def test_unreachable_server(read_fixture):
    """coreos/docs#686: the update server timed out; the client says the same `Update failed.` as for noupdate."""
    result = check_outcome(IDLE, ["UPDATE_STATUS_CHECKING_FOR_UPDATE"],
                           journal_messages(read_fixture(JOURNAL + "journal-unreachable-docs686.txt")))
    assert result == {"outcome": "check_failed", "reason": "update-engine could not check for an update: "
                      "Unable to get http response code: Connection timed out after 30527 milliseconds"}


def test_network_transfer_failed_is_could_not_check():
    """The whole sequence of omaha_request_action.cc:588 and update_attempter.cc:598, glog style (v0.4.3 lines)."""
    lines = ("E0326 17:23:31.000001   644 libcurl_http_fetcher.cc:243] Unable to get http response code: "
             "Could not resolve host: public.update.core-os.net\n"
             "I0326 17:23:41.000001   644 libcurl_http_fetcher.cc:274] Transfer resulted in an error (0), 0 bytes downloaded\n"
             "E0326 17:23:41.000002   644 omaha_request_action.cc:606] Omaha request network transfer failed.\n"
             "I0326 17:23:41.000003   644 update_attempter.cc:290] Processing Done.\n"
             "E0326 17:23:41.000004   644 update_attempter.cc:603] Update failed.\n")
    result = check_outcome(IDLE, ["UPDATE_STATUS_CHECKING_FOR_UPDATE", "UPDATE_STATUS_REPORTING_ERROR_EVENT"],
                           journal_messages(lines))
    assert result["outcome"] == "check_failed"
    assert result["reason"] == ("update-engine could not check for an update: Omaha request network transfer failed.; "
                                "Unable to get http response code: Could not resolve host: public.update.core-os.net")


@pytest.mark.parametrize("final_op, ops_seen, messages, outcome", [
    (NEED_REBOOT, ["UPDATE_STATUS_DOWNLOADING"], ["Update successfully applied, waiting to reboot."], "updated_need_reboot"),
    (NEED_REBOOT, [], ["New update check requested",
                       "Skipping update check because current status is UPDATE_STATUS_UPDATED_NEED_REBOOT"], "updated_need_reboot"),
    # the download failed after the server offered an update
    (IDLE, ["UPDATE_STATUS_DOWNLOADING", "UPDATE_STATUS_REPORTING_ERROR_EVENT"], ["Processing Done.", "Update failed."],
     "update_failed"),
    # `Update failed.` without an offer seen and without the other lines: could not check
    (IDLE, ["UPDATE_STATUS_CHECKING_FOR_UPDATE"], ["Update failed."], "check_failed"),
    (IDLE, [], ["Unable to initialize Omaha request device params."], "check_failed"),
    (IDLE, [], ["Omaha response not valid XML"], "check_failed"),
    # idle and silent: nothing to decide on
    (IDLE, [], ["New update check requested"], "unknown"),
    ("UPDATE_STATUS_DOWNLOADING", ["UPDATE_STATUS_DOWNLOADING"], [], "unknown"),
])
def test_check_outcome_rules(final_op, ops_seen, messages, outcome):
    assert check_outcome(final_op, ops_seen, messages)["outcome"] == outcome


@pytest.mark.parametrize("shown, since", [
    ("ExecMainStartTimestamp=Sat 2026-11-28 09:21:17 UTC\n", "2026-11-28 09:21:17"),  # systemd 252, a sandbox node
    ("ExecMainStartTimestamp=Fri 2016-03-25 17:22:36 UTC\n", "2016-03-25 17:22:36"),
    ("ExecMainStartTimestamp=\n", None),  # never started
    ("", None),
])
def test_daemon_started_at(shown, since):
    assert daemon_started_at(shown) == since
