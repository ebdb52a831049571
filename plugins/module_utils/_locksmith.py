# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

# Pure parsers for locksmith (CoreOS / Flatcar reboot lock): `locksmithctl status`, the etcd semaphore value stored at
# coreos.com/updateengine/rebootlock/semaphore, and `locksmithctl lock|unlock` errors. They never run anything.

import json
import re

SEMAPHORE_KEY = "/coreos.com/updateengine/rebootlock/semaphore"

ERROR_SEMAPHORE_FULL = "semaphore_full"
ERROR_HOLDER_EXISTS = "holder_exists"
ERROR_HOLDER_MISSING = "holder_missing"
ERROR_OTHER = "other"

# locksmithctl prints `Error locking: <err>` / `Error unlocking: <err>`; "semaphore is at %v" may show 0 or a negative number.
_ERRORS = (
    (ERROR_SEMAPHORE_FULL, re.compile(r"^Error locking: semaphore is at -?[0-9]+\s*$", re.MULTILINE)),
    (ERROR_HOLDER_EXISTS, re.compile(r"^Error locking: holder exists\s*$", re.MULTILINE)),
    (ERROR_HOLDER_MISSING, re.compile(r"^Error unlocking: holder does not exist\s*$", re.MULTILINE)),
)
_COUNTER_LINE = re.compile(r"^(Available|Max): (-?[0-9]+)$")
_HOLDERS_HEADER = "MACHINE ID"


def parse_status(text):
    """Parse `locksmithctl status` output into {"available": int, "max": int, "holders": [machine IDs]}."""
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    counters = {}
    for label in ("Available", "Max"):
        if not lines:
            raise ValueError(f"locksmithctl status: missing the '{label}: <n>' line")
        number, line = lines.pop(0)
        match = _COUNTER_LINE.match(line)
        if not match or match.group(1) != label:
            raise ValueError(f"locksmithctl status: line {number}: expected '{label}: <n>', got {line!r}")
        counters[label] = int(match.group(2))
    holders = []
    if lines:
        number, header = lines.pop(0)
        if header != _HOLDERS_HEADER:
            raise ValueError(f"locksmithctl status: line {number}: expected the holders header {_HOLDERS_HEADER!r}, got {header!r}")
        for number, holder in lines:
            if len(holder.split()) != 1:
                raise ValueError(f"locksmithctl status: line {number}: expected one machine ID, got {holder!r}")
            holders.append(holder)
    return {"available": counters["Available"], "max": counters["Max"], "holders": holders}


def parse_semaphore(json_text):
    """Parse the etcd semaphore value ({"semaphore":1,"max":1,"holders":null}) into {"semaphore", "max", "holders"}.

    holders null (as written by locksmith's Go code for a new semaphore) or missing gives [].
    """
    try:
        value = json.loads(json_text)
    except ValueError as exc:
        raise ValueError(f"locksmith semaphore: not valid JSON ({exc}): {json_text!r}") from None
    if not isinstance(value, dict):
        raise ValueError(f"locksmith semaphore: expected a JSON object, got {json_text!r}")
    semaphore = {}
    for key in ("semaphore", "max"):
        if not isinstance(value.get(key), int) or isinstance(value.get(key), bool):
            raise ValueError(f"locksmith semaphore: {key!r} must be an integer, got {value.get(key)!r}")
        semaphore[key] = value[key]
    holders = value.get("holders")
    if holders is None:
        holders = []
    if not isinstance(holders, list) or not all(isinstance(holder, str) for holder in holders):
        raise ValueError(f"locksmith semaphore: 'holders' must be null or a list of machine IDs, got {holders!r}")
    semaphore["holders"] = holders
    return semaphore


def classify_error(stderr):
    """Classify `locksmithctl lock|unlock` stderr as semaphore_full, holder_exists, holder_missing or other."""
    for kind, pattern in _ERRORS:
        if pattern.search(stderr or ""):
            return kind
    return ERROR_OTHER
