# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

import pytest

from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_machines, parse_list_units

DOC_METADATA = [{"az": "us-west-1b"}, {"az": "us-west-1b"}, {"az": "us-west-1a"}]
DOC_IPS = ["172.17.8.103", "172.17.8.102", "172.17.8.101"]
DOC_MACHINES = [
    {"machine": machine, "machine_full": False, "ip": ip, "metadata": metadata}
    for machine, ip, metadata in zip(["113f16a7...", "85c0c595...", "e793afb9..."], DOC_IPS, DOC_METADATA)
]
DOC_MACHINES_FULL = [
    {"machine": machine, "machine_full": True, "ip": ip, "metadata": metadata}
    for machine, ip, metadata in zip(
        ["113f16a7c1e94a1f9e3b0d2c5a6f7e81", "85c0c5953b7d4e0c8f1a2b3c4d5e6f70", "e793afb9d0c24b6a8e5f1a3b7c9d2e46"], DOC_IPS, DOC_METADATA
    )
]
DEIS_METADATA = {"controlPlane": "true", "dataPlane": "true", "routerMesh": "true"}
MACHINE_1 = "3c5b9f7e5d0a4c1b9e8f7a6b5c4d3e21"
MACHINE_2 = "b7e2a9c14f3e4d2a8b1c0d9e8f7a6b53"


def unit(name, machine, ip, active, sub, full=False, load=None):
    row = {"unit": name, "machine": machine, "machine_full": full, "ip": ip, "active": active, "sub": sub}
    if load is not None:
        row["load"] = load
    return row


DEIS_UNITS = [
    unit("deis-builder.service", "3c5b9f7e...", "10.0.1.11", "active", "running"),
    unit("deis-controller.service", "b7e2a9c1...", "10.0.1.13", "active", "running"),
    unit("deis-router@1.service", "3c5b9f7e...", "10.0.1.11", "active", "running"),
    unit("deis-store-gateway@1.service", "b7e2a9c1...", "10.0.1.13", "activating", "start-pre"),
]
DEIS_UNITS_FULL = [dict(row, machine=MACHINE_1 if row["machine"] == "3c5b9f7e..." else MACHINE_2, machine_full=True) for row in DEIS_UNITS]
DEISCTL_FIELDS = ("unit", "machine", "load", "active", "sub")

TABLE_FIXTURES = [
    "fleetctl/list-machines.txt",
    "fleetctl/list-machines-no-legend.txt",
    "fleetctl/list-machines-full.txt",
    "fleetctl/list-machines-deis.txt",
    "fleetctl/list-units.txt",
    "fleetctl/list-units-deis.txt",
    "fleetctl/list-units-full-no-legend.txt",
    "deisctl/list.txt",
    "deisctl/list-test-first-row.txt",
    "deisctl/machines.txt",
]


def render_like_go_tabwriter(rows):
    """Re-implement Go text/tabwriter as fleetctl and deisctl configure it: Init(out, 0, 8, 1, '\\t', 0).

    A column is as wide as its widest cell plus 1, rounded up to a multiple of 8; a cell is followed by
    ceil((column width - cell width) / 8) tabs; the last cell of a line is not padded.
    """
    widths = [-(-(max(len(row[column]) for row in rows) + 1) // 8) * 8 for column in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        padded = [cell + "\t" * -(-(width - len(cell)) // 8) for cell, width in zip(row, widths)]
        lines.append("".join(padded) + row[-1] + "\n")
    return "".join(lines)


@pytest.mark.parametrize("fixture", TABLE_FIXTURES)
def test_table_fixtures_are_go_tabwriter_bytes(read_fixture, fixture):
    text = read_fixture(fixture)
    rows = [re.split("\t+", line) for line in text.splitlines()]
    assert len({len(row) for row in rows}) == 1
    assert render_like_go_tabwriter(rows) == text


def test_tabwriter_reimplementation_matches_deisctl_test_string():
    # deis/deis deisctl/backend/fleet machines test expectation, quoted verbatim.
    rows = [["MACHINE", "IP", "METADATA"], ["123456...", "1.1.1.1", "foo=bar,ping=pong"], ["654321...", "2.2.2.2", "-"]]
    assert render_like_go_tabwriter(rows) == "MACHINE\t\tIP\tMETADATA\n123456...\t1.1.1.1\tfoo=bar,ping=pong\n654321...\t2.2.2.2\t-\n"


@pytest.mark.parametrize(
    "fixture, kwargs, expected",
    [
        ("fleetctl/list-machines.txt", {}, DOC_MACHINES),
        ("fleetctl/list-machines-no-legend.txt", {"legend": False}, DOC_MACHINES),
        ("fleetctl/list-machines-full.txt", {}, DOC_MACHINES_FULL),
        ("fleetctl/list-machines-deis.txt", {}, [{"machine": "3c5b9f7e...", "machine_full": False, "ip": "10.0.1.11", "metadata": DEIS_METADATA}]),
        (
            "deisctl/machines.txt",
            {},
            [
                {"machine": "123456...", "machine_full": False, "ip": "1.1.1.1", "metadata": {"foo": "bar", "ping": "pong"}},
                {"machine": "654321...", "machine_full": False, "ip": "2.2.2.2", "metadata": {}},
            ],
        ),
    ],
)
def test_parse_list_machines_fixtures(read_fixture, fixture, kwargs, expected):
    assert parse_list_machines(read_fixture(fixture), **kwargs) == expected


@pytest.mark.parametrize(
    "fixture, kwargs, expected",
    [
        ("fleetctl/list-units.txt", {}, [unit("app.service", "282f949f...", "10.10.20.1", "active", "running")]),
        ("fleetctl/list-units-deis.txt", {}, DEIS_UNITS),
        ("fleetctl/list-units-full-no-legend.txt", {"legend": False}, DEIS_UNITS_FULL),
        (
            "deisctl/list.txt",
            {"fields": DEISCTL_FIELDS},
            [
                unit("deis-builder.service", "3c5b9f7e...", "10.0.1.11", "active", "running", load="loaded"),
                unit("deis-store-gateway@1.service", "b7e2a9c1...", "10.0.1.13", "activating", "start-pre", load="loaded"),
            ],
        ),
        (
            "deisctl/list-test-first-row.txt",
            {"fields": DEISCTL_FIELDS},
            [unit("deis-controller.service", "123456...", "1.1.1.1", "active", "running", load="loaded")],
        ),
    ],
)
def test_parse_list_units_fixtures(read_fixture, fixture, kwargs, expected):
    assert parse_list_units(read_fixture(fixture), **kwargs) == expected


def test_parse_list_machines_selected_fields_and_missing_ip():
    text = "MACHINE\t\tIP\nabcd1234...\t-\n"
    assert parse_list_machines(text, fields=("machine", "ip")) == [{"machine": "abcd1234...", "machine_full": False, "ip": None}]


def test_parse_list_machines_empty_cluster():
    assert parse_list_machines("MACHINE\tIP\tMETADATA\n") == []
    assert parse_list_machines("", legend=False) == []


def test_parse_list_units_machine_without_ip_and_unscheduled_unit():
    text = "UNIT\t\tMACHINE\t\tACTIVE\tSUB\na.service\tabcd1234...\tactive\trunning\nb.service\t-\t\tinactive\tdead\n"
    assert parse_list_units(text) == [
        {"unit": "a.service", "machine": "abcd1234...", "machine_full": False, "ip": None, "active": "active", "sub": "running"},
        {"unit": "b.service", "machine": None, "machine_full": None, "ip": None, "active": "inactive", "sub": "dead"},
    ]


def test_parse_list_units_without_machine_column():
    text = "UNIT\t\tHASH\tLOAD\napp.service\t0123abc\tloaded\n"
    assert parse_list_units(text, fields=("unit", "hash", "load")) == [{"unit": "app.service", "hash": "0123abc", "load": "loaded"}]


@pytest.mark.parametrize(
    "parser, text, kwargs, message",
    [
        pytest.param(
            parse_list_machines, "113f16a7...\t172.17.8.103\taz=us-west-1b\n", {},
            r"fleetctl list-machines: line 1: header \['113f16a7...', '172.17.8.103', 'az=us-west-1b'\] does not match the requested fields "
            r"\['MACHINE', 'IP', 'METADATA'\] \(wrong --fields, or output printed with --no-legend\?\)",
            id="no-legend-output-read-with-legend",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\t\tIP\t\tMETADATA\n113f16a7...\t172.17.8.103\taz=us-west-1b\n", {"legend": False},
            r"fleetctl list-machines: 'MACHINE' is not a machine ID", id="legend-output-read-without-legend",
        ),
        pytest.param(parse_list_machines, "", {}, "fleetctl list-machines: empty output, expected the header 'MACHINE IP METADATA'", id="empty"),
        pytest.param(
            parse_list_units, "UNIT\tMACHINE\tLOAD\tACTIVE\tSUB\n", {}, r"header \['UNIT', 'MACHINE', 'LOAD', 'ACTIVE', 'SUB'\] does not match",
            id="deisctl-list-read-with-fleetctl-fields",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\tIP\tMETADATA\nabcd1234...\t10.0.0.1\n", {},
            r"line 2: expected 3 columns \(machine, ip, metadata\), got 2: 'abcd1234...\\t10.0.0.1'", id="missing-column",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\tIP\tMETADATA\nabcd1234...\t10.0.0.1\tzone=a b=c\n", {}, r"line 2: expected 3 columns", id="extra-column",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\tIP\tMETADATA\nabcd1234...\t10.0.0.1\tzone\n", {},
            "metadata 'zone' is not a comma-separated list of key=value pairs", id="metadata-without-equals",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\tIP\tMETADATA\nabcd1234...\t10.0.0.1\ta=1,=2\n", {},
            "metadata 'a=1,=2' is not a comma-separated list", id="metadata-empty-key",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\tIP\tMETADATA\nabcd12345...\t10.0.0.1\t-\n", {}, "'abcd12345...' is not a machine ID", id="short-id-too-long",
        ),
        pytest.param(
            parse_list_machines, "MACHINE\tIP\tMETADATA\nabcd1234\t10.0.0.1\t-\n", {}, "'abcd1234' is not a machine ID", id="short-id-without-dots",
        ),
        pytest.param(
            parse_list_units, "UNIT\tMACHINE\tACTIVE\tSUB\na.service\tnode-1/10.0.0.1\tactive\trunning\n", {},
            "fleetctl list-units: 'node-1' is not a machine ID", id="unit-machine-not-an-id",
        ),
        pytest.param(parse_list_machines, "", {"fields": ("machine", "disk")}, "fields must be distinct names from machine, ip, metadata; got machine, disk",
                     id="unknown-machine-field"),
        pytest.param(parse_list_units, "", {"fields": ("unit", "unit")}, "fields must be distinct names", id="duplicate-field"),
        pytest.param(parse_list_units, "", {"fields": ()}, "got none", id="no-fields"),
    ],
)
def test_parsers_reject_malformed_tables(parser, text, kwargs, message):
    with pytest.raises(ValueError, match=message):
        parser(text, **kwargs)
