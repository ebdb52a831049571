# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._systemctl import is_running, parse_show, plan_changes, reached, show_argv


def unit_state(load, active, sub, unit_file):
    """What parse_show returns for these four properties."""
    return parse_show("LoadState=%s\nActiveState=%s\nSubState=%s\nUnitFileState=%s\n" % (load, active, sub, unit_file))


MASKED = {"load_state": "masked", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "masked", "masked": True}
RUNNING = {"load_state": "loaded", "active_state": "active", "sub_state": "running", "unit_file_state": "enabled", "masked": False}
NOT_FOUND = {"load_state": "not-found", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "", "masked": False}

# The four current states of the plan_changes matrix.
CURRENT = {
    "running": RUNNING,
    "running-masked": {"load_state": "masked", "active_state": "active", "sub_state": "running", "unit_file_state": "masked", "masked": True},
    "stopped": {"load_state": "loaded", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "disabled", "masked": False},
    "stopped-masked": MASKED,
}
REFUSED = "refused"

# current state -> {(state, masked): verbs in order, or REFUSED}
PLANS = {
    "running": {
        ("started", True): REFUSED, ("started", False): [], ("started", None): [],
        ("stopped", True): ["stop", "mask"], ("stopped", False): ["stop"], ("stopped", None): ["stop"],
        (None, True): ["mask"], (None, False): [], (None, None): [],
    },
    "running-masked": {
        ("started", True): REFUSED, ("started", False): ["unmask"], ("started", None): REFUSED,
        ("stopped", True): ["stop"], ("stopped", False): ["unmask", "stop"], ("stopped", None): ["stop"],
        (None, True): [], (None, False): ["unmask"], (None, None): [],
    },
    "stopped": {
        ("started", True): REFUSED, ("started", False): ["start"], ("started", None): ["start"],
        ("stopped", True): ["mask"], ("stopped", False): [], ("stopped", None): [],
        (None, True): ["mask"], (None, False): [], (None, None): [],
    },
    "stopped-masked": {
        ("started", True): REFUSED, ("started", False): ["unmask", "start"], ("started", None): REFUSED,
        ("stopped", True): [], ("stopped", False): ["unmask"], ("stopped", None): [],
        (None, True): [], (None, False): ["unmask"], (None, None): [],
    },
}
PLAN_CASES = [
    pytest.param(current, state, masked, verbs, id="%s-state_%s-masked_%s" % (current, state, masked))
    for current, table in PLANS.items()
    for (state, masked), verbs in table.items()
]


def test_show_argv():
    assert show_argv("update-engine.service") == [
        "systemctl", "show", "-p", "LoadState", "-p", "ActiveState", "-p", "SubState", "-p", "UnitFileState", "update-engine.service"]


@pytest.mark.parametrize(
    "fixture, expected",
    [
        pytest.param("systemctl/show-masked.txt", MASKED, id="masked"),
        pytest.param("systemctl/show-running.txt", RUNNING, id="running"),
        pytest.param("systemctl/show-not-found.txt", NOT_FOUND, id="not-found"),
    ],
)
def test_parse_show_fixtures(read_fixture, fixture, expected):
    assert parse_show(read_fixture(fixture)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("LoadState=loaded\nActiveState=inactive\nSubState=dead\nUnitFileState=masked-runtime\n",
                     {"load_state": "loaded", "active_state": "inactive", "sub_state": "dead", "unit_file_state": "masked-runtime", "masked": True},
                     id="masked-runtime"),
        pytest.param("LoadState=masked\nActiveState=active\nSubState=running\nUnitFileState=masked\n", CURRENT["running-masked"],
                     id="masked-while-running"),
        pytest.param("Id=fleet.service\nUnitFileState=enabled\nSubState=running\nActiveState=active\nLoadState=loaded\nDescription=a=b\n",
                     RUNNING, id="any-order-extra-properties"),
        pytest.param("LoadState=loaded\r\nActiveState=active\r\nSubState=running\r\nUnitFileState=enabled\r\n", RUNNING, id="crlf"),
        pytest.param("LoadState=loaded\nActiveState=active\nSubState=running\nUnitFileState=enabled", RUNNING, id="no-final-newline"),
        pytest.param("LoadState=loaded\nActiveState=failed\nSubState=failed\nUnitFileState=static\n",
                     {"load_state": "loaded", "active_state": "failed", "sub_state": "failed", "unit_file_state": "static", "masked": False},
                     id="failed-static"),
    ],
)
def test_parse_show_variants(text, expected):
    assert parse_show(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("", "systemctl show output lacks LoadState, ActiveState, SubState, UnitFileState: ''", id="empty"),
        pytest.param("LoadState=loaded\nActiveState=active\nSubState=running\n",
                     "systemctl show output lacks UnitFileState: 'LoadState=loaded\\nActiveState=active\\nSubState=running\\n'", id="one-missing"),
        pytest.param("Failed to connect to bus: No such file or directory\n",
                     "systemctl show output lacks LoadState, ActiveState, SubState, UnitFileState: 'Failed to connect to bus: No such file or directory\\n'",
                     id="error-text"),
        pytest.param("loadstate=loaded\nactivestate=active\nsubstate=running\nunitfilestate=enabled\n",
                     "systemctl show output lacks LoadState, ActiveState, SubState, UnitFileState", id="keys-are-case-sensitive"),
    ],
)
def test_parse_show_rejects(text, message):
    with pytest.raises(ValueError) as error:
        parse_show(text)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    "active, expected",
    [("active", True), ("activating", True), ("reloading", True), ("deactivating", False), ("inactive", False), ("failed", False)],
)
def test_is_running(active, expected):
    assert is_running(unit_state("loaded", active, "x", "enabled")) is expected


@pytest.mark.parametrize("current, state, masked, verbs", PLAN_CASES)
def test_plan_changes_matrix(current, state, masked, verbs):
    if verbs == REFUSED:
        with pytest.raises(ValueError) as error:
            plan_changes(CURRENT[current], state, masked)
        assert str(error.value) == "the unit is masked and cannot be started: set masked: false to unmask it first"
    else:
        assert plan_changes(CURRENT[current], state, masked) == verbs


def test_plan_changes_matrix_is_complete():
    wanted = {(state, masked) for state in ("started", "stopped", None) for masked in (True, False, None)}
    assert all(set(table) == wanted for table in PLANS.values())
    assert len(PLAN_CASES) == 36


@pytest.mark.parametrize("state, masked", [(state, masked) for state in ("started", "stopped", None) for masked in (True, False, None)])
def test_plan_changes_refuses_unknown_unit(state, masked):
    with pytest.raises(ValueError) as error:
        plan_changes(NOT_FOUND, state, masked)
    assert str(error.value) == "systemd does not know this unit (LoadState=not-found)"


@pytest.mark.parametrize(
    "active, state, verbs",
    [
        pytest.param("activating", "stopped", ["stop"], id="activating-counts-as-running"),
        pytest.param("activating", "started", [], id="activating-is-not-started-again"),
        pytest.param("reloading", "stopped", ["stop"], id="reloading-counts-as-running"),
        pytest.param("deactivating", "started", ["start"], id="deactivating-gets-started"),
        pytest.param("deactivating", "stopped", [], id="deactivating-is-not-stopped-again"),
        pytest.param("failed", "started", ["start"], id="failed-gets-started"),
        pytest.param("failed", "stopped", [], id="failed-counts-as-stopped"),
    ],
)
def test_plan_changes_transient_states(active, state, verbs):
    assert plan_changes(unit_state("loaded", active, "x", "enabled"), state) == verbs


@pytest.mark.parametrize(
    "unit, state, masked, expected",
    [
        pytest.param(RUNNING, "started", False, True, id="running-unmasked"),
        pytest.param(RUNNING, "started", None, True, id="running"),
        pytest.param(RUNNING, "stopped", None, False, id="running-not-stopped"),
        pytest.param(RUNNING, None, True, False, id="running-not-masked"),
        pytest.param(RUNNING, None, None, True, id="nothing-wanted"),
        pytest.param(MASKED, "stopped", True, True, id="masked-stopped"),
        pytest.param(MASKED, None, True, True, id="masked"),
        pytest.param(MASKED, "stopped", False, False, id="still-masked"),
        pytest.param(MASKED, "started", None, False, id="masked-not-started"),
        pytest.param(CURRENT["running-masked"], None, True, True, id="masked-while-running-is-masked"),
        pytest.param(CURRENT["running-masked"], "stopped", True, False, id="masked-while-running-is-not-stopped"),
        pytest.param(unit_state("loaded", "activating", "start", "enabled"), "started", None, False, id="activating-is-not-started-yet"),
        pytest.param(unit_state("loaded", "activating", "start", "enabled"), "stopped", None, False, id="activating-is-not-stopped"),
        pytest.param(unit_state("loaded", "failed", "failed", "enabled"), "stopped", None, True, id="failed-is-stopped"),
        pytest.param(unit_state("loaded", "failed", "failed", "enabled"), "started", None, False, id="failed-is-not-started"),
        pytest.param(unit_state("loaded", "deactivating", "stop-sigterm", "enabled"), "stopped", None, True, id="deactivating-is-stopped"),
    ],
)
def test_reached(unit, state, masked, expected):
    assert reached(unit, state, masked) is expected


@pytest.mark.parametrize("current, state, masked, verbs", [case for case in PLAN_CASES if case.values[3] != REFUSED])
def test_plan_then_reached_round_trip(current, state, masked, verbs):
    """Applying the planned verbs to the unit gives a state that reached() accepts."""
    unit = dict(CURRENT[current])
    for verb in verbs:
        if verb == "start":
            unit.update(active_state="active", sub_state="running")
        elif verb == "stop":
            unit.update(active_state="inactive", sub_state="dead")
        else:
            unit.update(masked=verb == "mask")
    assert reached(unit, state, masked) is True
    assert plan_changes(unit, state, masked) == []
