# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._deisctl import (
    config_value, deisctl_version, error_message, needs_action, not_in_state, parse_list, parse_version, unit_failures,
    units_of, version_string)

RED = "\x1b[31m"
RESET = "\x1b[0m"


def unit(name, active="active", sub="running", load="loaded"):
    return {"unit": name, "machine": "3c5b9f7e...", "ip": "10.0.1.11", "load": load, "active": active, "sub": sub}


@pytest.mark.parametrize("rc, stdout, expected", [
    (0, "1.13.4\n", "v1.13.4"),
    (1, "1.7.2\n", "v1.7.2"),  # v1.0-v1.7 print the version and exit 1
    (0, "v1.12.3\n", "v1.12.3"),
])
def test_deisctl_version_tolerates_the_exit_1_of_old_releases(rc, stdout, expected):
    assert deisctl_version(rc, stdout) == expected


@pytest.mark.parametrize("rc, stdout", [
    (1, "Error: open /opt/bin/deisctl: no such file\n"),
    (127, ""),
    (2, "1.13.4\n"),
    (0, "1.13.4\n1.13.4\n"),
])
def test_deisctl_version_rejects_anything_else(rc, stdout):
    with pytest.raises(ValueError, match="not a version"):
        deisctl_version(rc, stdout)


@pytest.mark.parametrize("text, expected", [("v1.13.4", (1, 13, 4)), ("1.9.0", (1, 9, 0))])
def test_parse_version(text, expected):
    assert parse_version(text) == expected
    assert version_string(text) == "v%d.%d.%d" % expected


@pytest.mark.parametrize("text", ["1.13", "latest", "v1.13.4-rc1", ""])
def test_parse_version_rejects(text):
    with pytest.raises(ValueError, match="not a Deis version"):
        parse_version(text)


def test_parse_list_reads_the_tab_padded_table(read_fixture):
    units = parse_list(read_fixture("deisctl/list.txt"))
    assert [(u["unit"], u["machine"], u["ip"], u["load"], u["active"], u["sub"]) for u in units] == [
        ("deis-builder.service", "3c5b9f7e...", "10.0.1.11", "loaded", "active", "running"),
        ("deis-store-gateway@1.service", "b7e2a9c1...", "10.0.1.13", "loaded", "activating", "start-pre"),
    ]


def test_unit_failures_come_from_stderr_with_colours():
    stderr = (RED + "The service 'deis-controller.service' failed while starting." + RESET + "\n"
              "Could not find unit: deis-cache.service\n")
    assert unit_failures(stderr) == [{"unit": "deis-controller.service", "while": "starting"},
                                     {"unit": "deis-cache.service", "while": "not found"}]
    assert unit_failures("deis-router@1.service: active/running\n") == []


def test_error_message_prefers_deisctls_stdout_error():
    stdout = "Error: Missing platform domain, use:\ndeisctl config platform set domain=<your-domain>\n"
    assert error_message(stdout, "") == "Error: Missing platform domain, use:"
    assert error_message("", "warning\nlast words\n") == "last words"


@pytest.mark.parametrize("rc, stdout, expected", [
    (0, "v1.13.4\n", "v1.13.4"),
    (1, "Error: 100: Key not found (/deis/platform/version) [42]\n", None),
])
def test_config_value(rc, stdout, expected):
    assert config_value(rc, stdout) == expected


def test_config_value_other_errors_raise():
    with pytest.raises(ValueError, match="deisctl config get failed"):
        config_value(1, "Error: 501: All the given peers are not reachable\n")


UNITS = [unit("deis-store-monitor.service"), unit("deis-controller.service"), unit("deis-router@1.service"),
         unit("deis-router@2.service", "inactive", "dead"), unit("deis-registry@1.service")]


@pytest.mark.parametrize("target, expected", [
    ("platform", [u["unit"] for u in UNITS]),
    ("stateless-platform", ["deis-controller.service", "deis-router@1.service", "deis-router@2.service", "deis-registry@1.service"]),
    ("router@*", ["deis-router@1.service", "deis-router@2.service"]),
    ("router@2", ["deis-router@2.service"]),
    ("registry", ["deis-registry@1.service"]),
    ("controller", ["deis-controller.service"]),
])
def test_units_of(target, expected):
    assert [u["unit"] for u in units_of(UNITS, target)] == expected


@pytest.mark.parametrize("command, units, expected", [
    ("start", [unit("a"), unit("b")], False),
    ("start", [unit("a"), unit("b", "activating", "start-pre")], True),
    ("start", [], True),
    ("stop", [unit("a", "inactive", "dead")], False),
    ("stop", [unit("a")], True),
    ("install", [unit("a", "inactive", "dead")], False),
    ("install", [], True),
    ("uninstall", [], False),
    ("uninstall", [unit("a", "inactive", "dead")], True),
])
def test_needs_action(command, units, expected):
    assert needs_action(units, command) is expected


def test_not_in_state_names_the_units_that_did_not_get_there():
    units = [unit("deis-controller.service", "failed", "failed"), unit("deis-builder.service")]
    assert [u["unit"] for u in not_in_state(units, "start")] == ["deis-controller.service"]
    assert [u["unit"] for u in not_in_state(units, "stop")] == ["deis-builder.service"]
    assert [u["unit"] for u in not_in_state(units, "uninstall")] == ["deis-controller.service", "deis-builder.service"]
