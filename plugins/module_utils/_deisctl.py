# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""deisctl (Deis v1): argument lists, output parsers and the checks that decide success.

deisctl's exit code is not to be trusted: it exits 0 when a unit fails to start, and
`deisctl --version` exits 1 before v1.8.  Everything here reads what deisctl printed.
"""

import re

from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_units

LIST_FIELDS = ("unit", "machine", "load", "active", "sub")
VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
FAILED_RE = re.compile(r"The service '(?P<unit>[^']+)' failed while (?P<action>starting|stopping)\.")
NOT_FOUND_RE = re.compile(r"Could not find unit: (?P<unit>\S+)")
KEY_NOT_FOUND_RE = re.compile(r"^Error: 100: Key not found \((?P<key>[^)]*)\)")
COMPONENT_RE = re.compile(r"^[a-z][a-z-]*(@[0-9*]+)?$")
PLATFORM_TARGETS = ("platform", "stateless-platform")
STATEFUL = ("store-monitor", "store-daemon", "store-metadata", "store-gateway", "store-volume")


def parse_version(text):
    """'1.13.4' or 'v1.13.4' -> (1, 13, 4); ValueError for anything else."""
    match = VERSION_RE.match(text.strip())
    if not match:
        raise ValueError("%r is not a Deis version like v1.13.4" % text)
    return tuple(int(part) for part in match.groups())


def version_string(version):
    """The platform version key's form, with the v: (1, 13, 4) or '1.13.4' -> 'v1.13.4'."""
    if isinstance(version, str):
        version = parse_version(version)
    return "v%d.%d.%d" % version


def deisctl_version(rc, stdout):
    """`deisctl --version` -> 'v1.7.2'.  v1.0-v1.7 print the version and exit 1; accept that, and
    nothing else that does not print a bare version."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    if len(lines) == 1 and VERSION_RE.match(lines[0]) and rc in (0, 1):
        return version_string(lines[0])
    raise ValueError("deisctl --version printed %r (rc %s), not a version" % (stdout.strip(), rc))


def strip_ansi(text):
    return ANSI_RE.sub("", text)


def parse_list(stdout):
    """`deisctl list` -> [{"unit", "machine", "ip", "load", "active", "sub"}]."""
    return parse_list_units(strip_ansi(stdout), fields=LIST_FIELDS, legend=True)


def unit_failures(stderr):
    """Units deisctl named as failed on stderr (it still exits 0 for them)."""
    text = strip_ansi(stderr)
    failed = [{"unit": m.group("unit"), "while": m.group("action")} for m in FAILED_RE.finditer(text)]
    failed += [{"unit": m.group("unit"), "while": "not found"} for m in NOT_FOUND_RE.finditer(text)]
    return failed


def error_message(stdout, stderr):
    """deisctl's own error (it prints `Error: ...` on stdout), or the last line of stderr."""
    for line in strip_ansi(stdout).splitlines():
        if line.startswith("Error: "):
            return line
    lines = [line for line in strip_ansi(stderr).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def config_value(rc, stdout):
    """`deisctl config T get K` -> the value, or None when the key does not exist."""
    if rc != 0:
        if KEY_NOT_FOUND_RE.match(stdout.strip()):
            return None
        raise ValueError("deisctl config get failed (rc %s): %s" % (rc, stdout.strip()))
    return stdout[:-1] if stdout.endswith("\n") else stdout


def unit_name(component):
    """'controller' -> 'deis-controller'; 'router@*' stays a pattern 'deis-router@*'."""
    if not COMPONENT_RE.match(component):
        raise ValueError("%r is not a Deis component name like controller or router@1" % component)
    return "deis-" + component


def units_of(units, target):
    """The listed units that belong to a target (platform, stateless-platform or a component)."""
    if target == "platform":
        return list(units)
    if target == "stateless-platform":
        return [u for u in units if not any(u["unit"].startswith("deis-" + s) for s in STATEFUL)]
    pattern = unit_name(target)
    if pattern.endswith("@*"):
        prefix = pattern[:-1]
        return [u for u in units if u["unit"].startswith(prefix)]
    if "@" in pattern:
        return [u for u in units if u["unit"] == pattern + ".service"]
    return [u for u in units if u["unit"] == pattern + ".service" or u["unit"].startswith(pattern + "@")]


def is_running(unit):
    return unit["active"] == "active" and unit["sub"] == "running"


def is_stopped(unit):
    return unit["active"] in ("inactive", "failed") or unit["sub"] in ("dead", "failed")


def not_in_state(units, command):
    """Units that a finished command left in the wrong state (empty list = it worked)."""
    if command in ("start", "restart", "upgrade-takeover"):
        return [u for u in units if not is_running(u)]
    if command == "stop":
        return [u for u in units if not is_stopped(u)]
    if command == "install":
        return [u for u in units if u["load"] != "loaded"]
    if command == "uninstall":
        return list(units)
    return []


def needs_action(units, command):
    """Whether a lifecycle command has anything to do for these (target) units."""
    if command == "install":
        return not units
    if command == "uninstall":
        return bool(units)
    if command == "start":
        return not units or any(not is_running(u) for u in units)
    if command == "stop":
        return any(not is_stopped(u) for u in units)
    return True


def describe(units):
    return ", ".join("%s %s/%s" % (u["unit"], u["active"], u["sub"]) for u in units)
