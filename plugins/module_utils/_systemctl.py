# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""`systemctl show` output and the decision which systemctl calls bring a unit to the wanted state."""

SHOW_PROPERTIES = ("LoadState", "ActiveState", "SubState", "UnitFileState")


def show_argv(unit):
    argv = ["systemctl", "show"]
    for prop in SHOW_PROPERTIES:
        argv += ["-p", prop]
    return argv + [unit]


def parse_show(text):
    """KEY=VALUE lines of `systemctl show` -> {"load_state", "active_state", "sub_state", "unit_file_state", "masked"}."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key] = value
    missing = [prop for prop in SHOW_PROPERTIES if prop not in values]
    if missing:
        raise ValueError("systemctl show output lacks %s: %r" % (", ".join(missing), text))
    return {
        "load_state": values["LoadState"],
        "active_state": values["ActiveState"],
        "sub_state": values["SubState"],
        "unit_file_state": values["UnitFileState"],
        "masked": values["LoadState"] == "masked" or values["UnitFileState"].startswith("masked"),
    }


def is_running(unit_state):
    return unit_state["active_state"] in ("active", "activating", "reloading")


def plan_changes(unit_state, state=None, masked=None):
    """The systemctl verbs, in order, that reach the wanted state (empty when nothing to do).

    Unmasking comes before starting and stopping before masking.  Starting a unit that stays
    masked is refused with ValueError, as is asking about a unit systemd does not know.
    """
    if unit_state["load_state"] == "not-found":
        raise ValueError("systemd does not know this unit (LoadState=not-found)")
    will_be_masked = unit_state["masked"] if masked is None else masked
    if state == "started" and will_be_masked:
        raise ValueError("the unit is masked and cannot be started: set masked: false to unmask it first")
    verbs = []
    if masked is False and unit_state["masked"]:
        verbs.append("unmask")
    if state == "started" and not is_running(unit_state):
        verbs.append("start")
    if state == "stopped" and is_running(unit_state):
        verbs.append("stop")
    if masked is True and not unit_state["masked"]:
        verbs.append("mask")
    return verbs


def reached(unit_state, state=None, masked=None):
    """Whether a unit (as shown after the changes) is in the wanted state."""
    if masked is not None and unit_state["masked"] != masked:
        return False
    if state == "started":
        return unit_state["active_state"] == "active"
    if state == "stopped":
        return not is_running(unit_state)
    return True
