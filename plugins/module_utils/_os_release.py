# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

# Pure parsers for /etc/os-release (os-release(5): shell KEY=VALUE lines) and CoreOS / Flatcar version strings.

import re

_ASSIGNMENT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_ESCAPABLE_IN_DOUBLE_QUOTES = '$"\\`'
_VERSION = re.compile(r"^([0-9]+(?:\.[0-9]+){2,})(?:\+[0-9A-Za-z._-]+)?$")
FLAVORS = ("coreos", "flatcar")


def _shell_word(raw):
    """Return the value of one shell word (quotes and escapes removed), or None if raw is not one well-formed word."""
    value = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "'":
            end = raw.find("'", index + 1)
            if end == -1:
                return None
            value.append(raw[index + 1:end])
            index = end + 1
        elif char == '"':
            index += 1
            while index < len(raw) and raw[index] != '"':
                if raw[index] == "\\" and index + 1 < len(raw) and raw[index + 1] in _ESCAPABLE_IN_DOUBLE_QUOTES:
                    index += 1
                value.append(raw[index])
                index += 1
            if index >= len(raw):
                return None
            index += 1
        elif char == "\\":
            if index + 1 >= len(raw):
                return None
            value.append(raw[index + 1])
            index += 2
        elif char.isspace():
            rest = raw[index:].strip()
            if rest and not rest.startswith("#"):
                return None
            break
        else:
            value.append(char)
            index += 1
    return "".join(value)


def parse_os_release(text):
    """Parse os-release text into a dict of KEY -> value.

    Shell rules: values may be unquoted, 'single quoted' or "double quoted" (backslash escapes $ " \\ ` there).
    Blank lines, comments and malformed lines are ignored; a later assignment of a key wins.
    """
    parsed = {}
    for line in text.splitlines():
        match = _ASSIGNMENT.match(line)
        if not match:
            continue
        value = _shell_word(match.group(2))
        if value is not None:
            parsed[match.group(1)] = value
    return parsed


def _flavor(parsed):
    """Return "coreos" or "flatcar" from ID, then ID_LIKE; None for other systems."""
    candidates = [parsed.get("ID", "")] + parsed.get("ID_LIKE", "").split()
    for candidate in candidates:
        if candidate.lower() in FLAVORS:
            return candidate.lower()
    return None


def os_release_summary(parsed):
    """Return the fields the collection uses from a parse_os_release() result; missing or empty values are None."""
    def field(key):
        return parsed.get(key) or None

    return {
        "id": field("ID"),
        "name": field("NAME"),
        "pretty_name": field("PRETTY_NAME"),
        "version": field("VERSION"),
        "version_id": field("VERSION_ID"),
        "build_id": field("BUILD_ID"),
        "flavor": _flavor(parsed),
    }


def parse_coreos_version(version):
    """Return "1068.8.0" (or "1068.8.0+<build>") as a tuple of ints; raise ValueError for anything else."""
    if not isinstance(version, str):
        raise ValueError(f"expected a CoreOS/Flatcar version string such as '1068.8.0', got {type(version).__name__} {version!r}")
    match = _VERSION.match(version.strip())
    if not match:
        raise ValueError(
            f"not a CoreOS/Flatcar version: {version!r} (expected at least three dot-separated numbers such as '1068.8.0', "
            "optionally followed by '+<build id>')"
        )
    return tuple(int(part) for part in match.group(1).split("."))


def _as_version_tuple(version):
    if isinstance(version, (tuple, list)) and version and all(isinstance(part, int) and not isinstance(part, bool) for part in version):
        return tuple(version)
    return parse_coreos_version(version)


def compare_versions(left, right):
    """Compare two versions (strings or tuples of ints); return -1, 0 or 1. Missing trailing parts count as 0."""
    left = _as_version_tuple(left)
    right = _as_version_tuple(right)
    width = max(len(left), len(right))
    left += (0,) * (width - len(left))
    right += (0,) * (width - len(right))
    return (left > right) - (left < right)
