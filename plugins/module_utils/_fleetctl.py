# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

# Pure parsers for `fleetctl list-machines` and `fleetctl list-units` tables (also `deisctl list` / `deisctl machines`,
# which print the same way). They never run anything. The tables are padded with tabs by Go's text/tabwriter and no
# cell contains whitespace, so a row is split on runs of whitespace.

import re

MACHINE_FIELDS = ("machine", "ip", "metadata")
UNIT_FIELDS = ("unit", "load", "active", "sub", "machine", "hash")
DEFAULT_UNIT_FIELDS = ("unit", "machine", "active", "sub")

_FULL_MACHINE_ID = re.compile(r"^[0-9a-fA-F]{32}$")
_SHORT_MACHINE_ID = re.compile(r"^[0-9a-fA-F]{1,8}\.\.\.$")


def _check_fields(fields, known, command):
    fields = tuple(fields)
    unknown = [field for field in fields if field not in known]
    if not fields or unknown or len(set(fields)) != len(fields):
        raise ValueError(f"{command}: fields must be distinct names from {', '.join(known)}; got {', '.join(fields) or 'none'}")
    return fields


def _table_rows(text, fields, legend, command):
    """Split a tabwriter table into dicts keyed by fields, checking the header when legend is set."""
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if legend:
        expected = [field.upper() for field in fields]
        if not lines:
            raise ValueError(f"{command}: empty output, expected the header {' '.join(expected)!r}")
        number, header = lines.pop(0)
        if header.split() != expected:
            raise ValueError(
                f"{command}: line {number}: header {header.split()} does not match the requested fields {expected}"
                " (wrong --fields, or output printed with --no-legend?)"
            )
    rows = []
    for number, line in lines:
        cells = line.split()
        if len(cells) != len(fields):
            raise ValueError(f"{command}: line {number}: expected {len(fields)} columns ({', '.join(fields)}), got {len(cells)}: {line!r}")
        rows.append(dict(zip(fields, cells)))
    return rows


def _machine_id(printed, command):
    """Return (machine, machine_full) for a printed machine ID: 32 hex characters, or an up-to-8 character prefix and '...'."""
    if _FULL_MACHINE_ID.match(printed):
        return printed, True
    if _SHORT_MACHINE_ID.match(printed):
        return printed, False
    raise ValueError(f"{command}: {printed!r} is not a machine ID (expected 32 hex characters, or up to 8 followed by '...')")


def _metadata(printed, command):
    """Parse fleet metadata printed as k=v,k=v ('-' when there is none)."""
    if printed == "-":
        return {}
    metadata = {}
    for pair in printed.split(","):
        key, separator, value = pair.partition("=")
        if not key or not separator:
            raise ValueError(f"{command}: metadata {printed!r} is not a comma-separated list of key=value pairs")
        metadata[key] = value
    return metadata


def parse_list_machines(text, fields=MACHINE_FIELDS, legend=True):
    """Parse `fleetctl list-machines` (or `deisctl machines`) output into a list of dicts.

    machine keeps what was printed and machine_full tells whether it is the full ID (--full) or the 'abcd1234...' form;
    ip is None for '-'; metadata is a dict ({} for '-'). Set legend=False for --no-legend output.
    """
    command = "fleetctl list-machines"
    fields = _check_fields(fields, MACHINE_FIELDS, command)
    rows = _table_rows(text, fields, legend, command)
    for row in rows:
        if "machine" in row:
            row["machine"], row["machine_full"] = _machine_id(row["machine"], command)
        if "ip" in row and row["ip"] == "-":
            row["ip"] = None
        if "metadata" in row:
            row["metadata"] = _metadata(row["metadata"], command)
    return rows


def parse_list_units(text, fields=DEFAULT_UNIT_FIELDS, legend=True):
    """Parse `fleetctl list-units` (or `deisctl list` with fields unit, machine, load, active, sub) into a list of dicts.

    The printed machine '<id>/<ip>' is split into machine, ip (None when not printed) and machine_full;
    a '-' machine (unit not scheduled) gives None for all three.
    """
    command = "fleetctl list-units"
    fields = _check_fields(fields, UNIT_FIELDS, command)
    rows = _table_rows(text, fields, legend, command)
    for row in rows:
        if "machine" not in row:
            continue
        if row["machine"] == "-":
            row["machine"] = row["ip"] = row["machine_full"] = None
            continue
        printed_id, separator, ip = row["machine"].partition("/")
        row["machine"], row["machine_full"] = _machine_id(printed_id, command)
        row["ip"] = ip if separator and ip else None
    return rows
