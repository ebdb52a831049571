# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

# Pure parsers for `update_engine_client -status` output and update-engine's journal (CoreOS and Flatcar), and the
# decisions taken from them. They never run anything. The client prints status blocks to stdout; the daemon logs to
# the journal with a prefix that changed over the years, so messages are matched on their text after the prefix.
# Sources: coreos-upstream-facts.md sections 1-3 (coreos/update_engine v0.1.3 ... v0.4.10, flatcar/update_engine).

import re

UPDATE_STATUS_IDLE = "UPDATE_STATUS_IDLE"
UPDATE_STATUS_CHECKING_FOR_UPDATE = "UPDATE_STATUS_CHECKING_FOR_UPDATE"
UPDATE_STATUS_UPDATE_AVAILABLE = "UPDATE_STATUS_UPDATE_AVAILABLE"
UPDATE_STATUS_DOWNLOADING = "UPDATE_STATUS_DOWNLOADING"
UPDATE_STATUS_VERIFYING = "UPDATE_STATUS_VERIFYING"
UPDATE_STATUS_FINALIZING = "UPDATE_STATUS_FINALIZING"
UPDATE_STATUS_UPDATED_NEED_REBOOT = "UPDATE_STATUS_UPDATED_NEED_REBOOT"
UPDATE_STATUS_REPORTING_ERROR_EVENT = "UPDATE_STATUS_REPORTING_ERROR_EVENT"
CURRENT_OPS = (
    UPDATE_STATUS_IDLE,
    UPDATE_STATUS_CHECKING_FOR_UPDATE,
    UPDATE_STATUS_UPDATE_AVAILABLE,
    UPDATE_STATUS_DOWNLOADING,
    UPDATE_STATUS_VERIFYING,
    UPDATE_STATUS_FINALIZING,
    UPDATE_STATUS_UPDATED_NEED_REBOOT,
    UPDATE_STATUS_REPORTING_ERROR_EVENT,
)

OUTCOME_UPDATED_NEED_REBOOT = "updated_need_reboot"
OUTCOME_NO_UPDATE = "no_update"
OUTCOME_CHECK_FAILED = "check_failed"
OUTCOME_UPDATE_FAILED = "update_failed"
OUTCOME_UNKNOWN = "unknown"

# /var/run/update_engine_autoupdate_completed (kUpdateCompletedMarker, update_attempter.cc:50-51): written when an
# update is staged, on tmpfs, so gone after the reboot; readable without starting the daemon.
COMPLETED_MARKER = "/var/run/update_engine_autoupdate_completed"

# (printed key, result key, value pattern, converter), in the order the client prints them.
_STATUS_FIELDS = (
    ("LAST_CHECKED_TIME", "last_checked_time", re.compile(r"^-?[0-9]+$"), int),
    ("PROGRESS", "progress", re.compile(r"^-?[0-9]+(?:\.[0-9]+)?$"), float),
    ("CURRENT_OP", "current_op", re.compile(r"^\S*$"), str),
    ("NEW_VERSION", "new_version", re.compile(r"^\S*$"), str),
    ("NEW_SIZE", "new_size", re.compile(r"^-?[0-9]+$"), int),
)
_STATUS_LINE = re.compile("^(" + "|".join(field[0] for field in _STATUS_FIELDS) + ")=(.*)$")


def _status_blocks(text):
    """Return every complete status block in text, in order. Partial or out-of-order blocks are skipped."""
    blocks = []
    block = None
    for number, line in enumerate(text.splitlines(), start=1):
        match = _STATUS_LINE.match(line.rstrip())
        if not match:
            continue
        key, raw_value = match.groups()
        if key == _STATUS_FIELDS[0][0]:
            block = {}
        elif block is None or key != _STATUS_FIELDS[len(block)][0]:
            block = None
            continue
        printed_key, result_key, pattern, convert = _STATUS_FIELDS[len(block)]
        if not pattern.match(raw_value):
            raise ValueError(f"update_engine_client output line {number}: unexpected {printed_key} value {raw_value!r} in {line!r}")
        block[result_key] = convert(raw_value)
        if len(block) == len(_STATUS_FIELDS):
            blocks.append(block)
            block = None
    return blocks


def parse_status(text):
    """Return the last complete status block of update_engine_client output as a dict.

    Keys: last_checked_time (int), progress (float), current_op (str), new_version (str), new_size (int).
    Log lines are ignored. Raise ValueError if no complete block is present or a value is malformed.
    """
    blocks = _status_blocks(text)
    if not blocks:
        raise ValueError(
            "no complete update_engine_client status block (LAST_CHECKED_TIME, PROGRESS, CURRENT_OP, NEW_VERSION, NEW_SIZE) found in output"
        )
    return blocks[-1]


# -- the daemon's journal ----------------------------------------------------------------------------------------

# Chromium base/logging (update_engine <= v0.1.3, CoreOS <= 1122): `[0326/172321:INFO:update_attempter.cc(485)] `.
_CHROMIUM_PREFIX = re.compile(r"^\[\d{4}/\d{6}:[A-Z_]+:[^\]]*\] ")
# glog (v0.2+, CoreOS 1153+, Flatcar): `I0326 17:23:21.123456   644 update_attempter.cc:493] `; glog >= 0.6 adds the
# year to the date (`I20251016 19:56:23.175423  1822 update_attempter.cc:306] `, flatcar/Flatcar#1924).
_GLOG_PREFIX = re.compile(r"^[IWEF]\d{4}(?:\d{4})? \d{2}:\d{2}:\d{2}\.\d{6} +\d+ [^ \]]+:\d+\] ")

MESSAGE_STARTING = ("CoreOS Update Engine starting", "Flatcar Update Engine starting")  # main.cc:155 (v0.1.3)
MESSAGE_BOOT_FLAGS = "Updating boot flags..."  # update_attempter.cc:485 (v0.1.3), :493 (v0.4.3)
MESSAGE_BOOT_FLAGS_DONE = "Already updated boot flags. Skipping."  # :475 (v0.1.3)
MESSAGE_SKIPPED_STAGED = "Skipping update check because current status is UPDATE_STATUS_UPDATED_NEED_REBOOT"  # :259
# The server answered "noupdate": omaha_request_action.cc:394 `No update.`, omaha_response_handler_action.cc:36.
MESSAGES_NO_UPDATE = ("No update.", "There are no updates. Aborting.")
# The check did not get an answer it could use (omaha_request_action.cc:588, :603, :387, :402; update_attempter.cc:161).
MESSAGES_CHECK_FAILED = ("Omaha request network transfer failed.", "Omaha response not valid XML",
                         "Omaha Response missing status", "Unknown Omaha response status:",
                         "Unable to initialize Omaha request device params.")
MESSAGE_UPDATE_FAILED = "Update failed."  # update_attempter.cc:598, ScheduleErrorEventAction
# Why the transfer failed: libcurl_http_fetcher.cc:243 `Unable to get http response code: <curl error>`.
MESSAGE_NO_HTTP_RESPONSE = "Unable to get http response code:"
_CURSOR_LINE = re.compile(r"^-- cursor: (\S+)$")
# `systemctl show -p ExecMainStartTimestamp`: `ExecMainStartTimestamp=Sat 2026-11-28 09:21:17 UTC` (local time).
_START_TIMESTAMP = re.compile(r"^ExecMainStartTimestamp=\S* ?(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})\b", re.MULTILINE)


def strip_log_prefix(line):
    """The message of one update_engine log line: its Chromium or glog prefix removed; other lines unchanged."""
    return _GLOG_PREFIX.sub("", _CHROMIUM_PREFIX.sub("", line.rstrip("\r\n"), count=1), count=1)


def journal_messages(text):
    """The messages of `journalctl -o cat` output, prefixes removed, the `-- cursor:` / `-- No entries --` lines dropped."""
    return [strip_log_prefix(line) for line in text.splitlines() if line.strip() and not line.startswith("-- ")]


def journal_cursor(text):
    """The cursor `journalctl --show-cursor` printed, None when it printed none (no entries)."""
    for line in text.splitlines():
        match = _CURSOR_LINE.match(line.strip())
        if match:
            return match.group(1)
    return None


def daemon_started_at(show_output):
    """When the running daemon's process started, as `journalctl --since` takes it (local time, to the second);
    None when systemd knows no start (the unit never ran)."""
    match = _START_TIMESTAMP.search(show_output)
    return match.group(1) if match else None


def boot_flags_updated(messages):
    """Whether update-engine marked the booted partition good in its latest run: `Updating boot flags...` (or, on a
    later check in the same run, `Already updated boot flags. Skipping.`) after the last `Update Engine starting`.

    The daemon logs it 45 s after EVERY start (also on the old version), so give this only the journal since the
    running daemon started (`journalctl --since` its ExecMainStartTimestamp): lines of an earlier run do not count.
    """
    starts = [index for index, message in enumerate(messages) if message in MESSAGE_STARTING]
    if not starts:
        return False
    return any(message in (MESSAGE_BOOT_FLAGS, MESSAGE_BOOT_FLAGS_DONE) for message in messages[starts[-1] + 1:])


def _first(messages, texts, prefix=False):
    for message in messages:
        if any(message.startswith(text) if prefix else message == text for text in texts):
            return message
    return None


# States an update passes through once the server offered one.
_UPDATE_FOUND_OPS = (UPDATE_STATUS_UPDATE_AVAILABLE, UPDATE_STATUS_DOWNLOADING, UPDATE_STATUS_VERIFYING,
                     UPDATE_STATUS_FINALIZING)


def check_outcome(final_op, ops_seen, messages):
    """Decide how an update check ended from the last CURRENT_OP polled after it, every CURRENT_OP polled meanwhile,
    and the daemon's journal lines written since it started. -> {"outcome": OUTCOME_*, "reason": str}

    update_engine_client cannot tell "no update" from "could not check" (both `Update failed.`/exit 1 on CoreOS, both
    `No update available`/exit 0 on Flatcar), and LAST_CHECKED_TIME does not move on a "noupdate" answer before
    update_engine v0.4.2 (every Deis-era CoreOS); the daemon's own messages tell them apart on every release.
    """
    if final_op == UPDATE_STATUS_UPDATED_NEED_REBOOT:
        if _first(messages, (MESSAGE_SKIPPED_STAGED,)):
            return {"outcome": OUTCOME_UPDATED_NEED_REBOOT, "reason": "an update was already staged, waiting for the reboot"}
        return {"outcome": OUTCOME_UPDATED_NEED_REBOOT, "reason": "update applied; a reboot is needed to activate it"}
    if final_op != UPDATE_STATUS_IDLE:
        return {"outcome": OUTCOME_UNKNOWN, "reason": "update-engine is still %s" % final_op}
    found = [op for op in _UPDATE_FOUND_OPS if op in ops_seen]
    failed = _first(messages, MESSAGES_CHECK_FAILED, prefix=True)
    cause = _first(messages, (MESSAGE_NO_HTTP_RESPONSE,), prefix=True)
    if failed or (not found and cause):
        return {"outcome": OUTCOME_CHECK_FAILED, "reason": "update-engine could not check for an update: %s" % "; ".join(
            message for message in (failed, cause) if message)}
    if not found and _first(messages, MESSAGES_NO_UPDATE):
        return {"outcome": OUTCOME_NO_UPDATE, "reason": "the update server answered: no update"}
    if _first(messages, (MESSAGE_UPDATE_FAILED,)):
        if found:
            return {"outcome": OUTCOME_UPDATE_FAILED, "reason": "update-engine found an update (%s) but installing it "
                    "failed: it logged %r" % (", ".join(found), MESSAGE_UPDATE_FAILED)}
        return {"outcome": OUTCOME_CHECK_FAILED, "reason": "update-engine could not check for an update: it logged %r"
                % MESSAGE_UPDATE_FAILED}
    return {"outcome": OUTCOME_UNKNOWN, "reason": "update-engine is idle again and logged neither an answer nor a failure"}
