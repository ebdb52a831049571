# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

# Pure parsers for `update_engine_client -status` / `-update` output (CoreOS and Flatcar). They never run anything.
# The client prints status blocks to stdout and log lines (whose prefix format changed over the years) to stderr;
# messages are matched on their text only.

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
# States that mean an update was found (or failed): a run that passes through one of them and ends IDLE did not "find nothing".
_UPDATE_FOUND_OPS = (
    UPDATE_STATUS_UPDATE_AVAILABLE,
    UPDATE_STATUS_DOWNLOADING,
    UPDATE_STATUS_VERIFYING,
    UPDATE_STATUS_FINALIZING,
    UPDATE_STATUS_REPORTING_ERROR_EVENT,
)

OUTCOME_UPDATED_NEED_REBOOT = "updated_need_reboot"
OUTCOME_NO_UPDATE = "no_update"
OUTCOME_FAILED = "failed"
OUTCOME_DAEMON_UNREACHABLE = "daemon_unreachable"

MESSAGE_UPDATE_SUCCEEDED = "Update succeeded -- reboot needed."
MESSAGE_UPDATE_FAILED = "Update failed."
MESSAGE_NO_UPDATE_AVAILABLE = "No update available"
MESSAGE_DBUS_GIVE_UP = "Giving up -- unable to get dbus proxy for com.coreos.update1"
FLAVORS = ("coreos", "flatcar")

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


def _has_message(text, message):
    """Tell whether a line of text ends with message, after any log prefix."""
    pattern = re.compile(r"(?:^|[\s\]])" + re.escape(message) + r"\s*$")
    return any(pattern.search(line) for line in text.splitlines())


def _telling_line(text):
    """Return the first line that mentions an error or failure, else the last non-empty line, else ''."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if re.search(r"(?i)\b(?:error|fail|failed|fatal)\b", line):
            return line
    return lines[-1] if lines else ""


def _failed(reason, rc, status, stderr):
    details = [reason, f"exit status {rc}", f"last status {status['current_op'] if status else 'none'}"]
    message = _telling_line(stderr)
    if message:
        details.append(f"message: {message}")
    return {"outcome": OUTCOME_FAILED, "reason": "; ".join(details), "status": status}


def update_outcome(rc, stdout, stderr, flavor):
    """Classify a finished `update_engine_client -update` run.

    Return {"outcome": one of the OUTCOME_* values, "reason": str, "status": last status block or None}.
    flavor is "coreos" or "flatcar" (their clients report "no update" differently). The exit status alone is never trusted.
    """
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {', '.join(FLAVORS)}, got {flavor!r}")
    stdout = stdout or ""
    stderr = stderr or ""
    output = stdout + "\n" + stderr
    if _has_message(output, MESSAGE_DBUS_GIVE_UP):
        return {
            "outcome": OUTCOME_DAEMON_UNREACHABLE,
            "reason": "update_engine_client could not reach update-engine over D-Bus (is update-engine.service stopped or masked?)",
            "status": None,
        }
    try:
        blocks = _status_blocks(stdout)
    except ValueError as exc:
        return _failed(f"unreadable status output ({exc})", rc, None, stderr)
    status = blocks[-1] if blocks else None
    last_op = status["current_op"] if status else None
    found_ops = sorted({block["current_op"] for block in blocks} & set(_UPDATE_FOUND_OPS))

    if UPDATE_STATUS_REPORTING_ERROR_EVENT in found_ops:
        return _failed("update-engine reported an error event", rc, status, stderr)
    if rc == 0 and (last_op == UPDATE_STATUS_UPDATED_NEED_REBOOT or (last_op is None and _has_message(output, MESSAGE_UPDATE_SUCCEEDED))):
        return {"outcome": OUTCOME_UPDATED_NEED_REBOOT, "reason": "update applied; a reboot is needed to activate it", "status": status}
    if last_op == UPDATE_STATUS_IDLE and found_ops:
        return _failed(f"an update was found ({', '.join(found_ops)}) but the attempt ended idle", rc, status, stderr)
    if flavor == "flatcar" and rc == 0 and last_op in (UPDATE_STATUS_IDLE, None) and _has_message(output, MESSAGE_NO_UPDATE_AVAILABLE):
        return {"outcome": OUTCOME_NO_UPDATE, "reason": "no update available", "status": status}
    if flavor == "coreos" and rc == 1 and last_op == UPDATE_STATUS_IDLE and _has_message(output, MESSAGE_UPDATE_FAILED):
        return {
            "outcome": OUTCOME_NO_UPDATE,
            "reason": "no update available (CoreOS update_engine_client reports 'Update failed.' and exits 1 when the engine stays idle)",
            "status": status,
        }
    if rc == 0:
        return _failed("exit status 0 but the output confirms neither an applied update nor 'no update'", rc, status, stderr)
    return _failed("update_engine_client failed", rc, status, stderr)
