# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import (
    call, case_ids, fixture_text, run_action, run_case)

LIST = "env LANG=C LC_ALL=C fleetctl list-machines --full --no-legend"
DOC_IDS = ["113f16a7c1e94a1f9e3b0d2c5a6f7e81", "85c0c5953b7d4e0c8f1a2b3c4d5e6f70", "e793afb9d0c24b6a8e5f1a3b7c9d2e46"]
DOC_MACHINES = [
    {"id": "113f16a7c1e94a1f9e3b0d2c5a6f7e81", "ip": "172.17.8.103", "metadata": {"az": "us-west-1b"}},
    {"id": "85c0c5953b7d4e0c8f1a2b3c4d5e6f70", "ip": "172.17.8.102", "metadata": {"az": "us-west-1b"}},
    {"id": "e793afb9d0c24b6a8e5f1a3b7c9d2e46", "ip": "172.17.8.101", "metadata": {"az": "us-west-1a"}},
]
DEIS_1 = "3c5b9f7e5d0a4c1b9e8f7a6b5c4d3e21"
DEIS_2 = "b7e2a9c14f3e4d2a8b1c0d9e8f7a6b53"
# Go tabwriter bytes: the IP column is 16 wide, so "-" gets two tabs; a machine without metadata prints "-".
DEIS_NO_LEGEND = (DEIS_1 + "\t10.0.1.11\tcontrolPlane=true,dataPlane=true,routerMesh=true\n"
                  + DEIS_2 + "\t-\t\t-\n")
ETCD_DOWN = "Error retrieving list of active machines: googleapi: Error 503: fleet server unable to communicate with etcd\n"

CASES = [
    {
        "id": "doc-sample-full-no-legend",
        "args": {},
        "calls": [call(LIST, out=fixture_text("fleetctl/list-machines-full-no-legend.txt"))],
        "result": {"changed": False, "machines": DOC_MACHINES, "machine_ids": DOC_IDS, "missing": []},
    },
    {
        "id": "check-mode-reads-the-same",
        "args": {},
        "check": True,
        "calls": [call(LIST, out=fixture_text("fleetctl/list-machines-full-no-legend.txt"))],
        "result": {"changed": False, "machines": DOC_MACHINES, "machine_ids": DOC_IDS, "missing": []},
    },
    {
        "id": "deis-metadata-no-ip-no-metadata-endpoint-and-path",
        "args": {"endpoint": "http://10.0.1.11:4001", "fleetctl": "/opt/bin/fleetctl"},
        "calls": [call("env LANG=C LC_ALL=C /opt/bin/fleetctl --endpoint=http://10.0.1.11:4001 list-machines --full --no-legend",
                       out=DEIS_NO_LEGEND)],
        "result": {
            "changed": False,
            "machines": [
                {"id": DEIS_1, "ip": "10.0.1.11", "metadata": {"controlPlane": "true", "dataPlane": "true", "routerMesh": "true"}},
                {"id": DEIS_2, "ip": None, "metadata": {}},
            ],
            "machine_ids": [DEIS_1, DEIS_2], "missing": [],
        },
    },
    {
        "id": "no-machines-yet",
        "args": {},
        "calls": [call(LIST)],
        "result": {"changed": False, "machines": [], "machine_ids": [], "missing": []},
    },
    {
        "id": "fleetctl-rc-1-fails-with-its-message",
        "args": {},
        "calls": [call(LIST, rc=1, err=ETCD_DOWN)],
        "result": {
            "changed": False, "failed": True, "rc": 1, "stderr": ETCD_DOWN,
            "msg": "fleetctl list-machines failed (rc 1): Error retrieving list of active machines: googleapi: Error 503: "
                   "fleet server unable to communicate with etcd",
        },
    },
    {
        "id": "fleetctl-message-merged-into-stdout-by-a-pseudo-terminal",
        "args": {},
        "calls": [call(LIST, rc=1, out=ETCD_DOWN)],
        "result": {
            "changed": False, "failed": True, "rc": 1, "stderr": "",
            "msg": "fleetctl list-machines failed (rc 1): Error retrieving list of active machines: googleapi: Error 503: "
                   "fleet server unable to communicate with etcd",
        },
    },
    {
        "id": "legend-in-output-is-unexpected",
        "args": {},
        "calls": [call(LIST, out=fixture_text("fleetctl/list-machines-full.txt"))],
        "result": {
            "changed": False, "failed": True, "stdout": fixture_text("fleetctl/list-machines-full.txt"),
            "msg": "unexpected fleetctl output: fleetctl list-machines: 'MACHINE' is not a machine ID "
                   "(expected 32 hex characters, or up to 8 followed by '...')",
        },
    },
    {
        "id": "waits-through-a-failing-fleetctl-until-the-machines-are-in",
        "args": {"wait_for": [DEIS_1, DEIS_2], "timeout": 60, "poll_interval": 2},
        "calls": [call(LIST, rc=1, err=ETCD_DOWN), call(LIST, out=DEIS_NO_LEGEND.split("\n", maxsplit=1)[0] + "\n"), call(LIST, out=DEIS_NO_LEGEND)],
        "sleeps": [2, 2],
        "result": {
            "changed": False, "missing": [], "waited": 4.0, "machine_ids": [DEIS_1, DEIS_2],
            "machines": [
                {"id": DEIS_1, "ip": "10.0.1.11", "metadata": {"controlPlane": "true", "dataPlane": "true", "routerMesh": "true"}},
                {"id": DEIS_2, "ip": None, "metadata": {}},
            ],
        },
    },
    {
        "id": "wait-ends-at-the-timeout-naming-what-is-missing",
        "args": {"wait_for": [DEIS_1, DEIS_2], "timeout": 3, "poll_interval": 2},
        "calls": [call(LIST), call(LIST), call(LIST)],
        "sleeps": [2, 2],
        "result": {"changed": False, "machines": [], "machine_ids": [], "missing": [DEIS_1, DEIS_2], "waited": 4.0},
    },
    {
        "id": "fleetctl-still-failing-at-the-timeout-fails",
        "args": {"wait_for": [DEIS_1], "timeout": 2, "poll_interval": 2},
        "calls": [call(LIST, rc=1, err=ETCD_DOWN), call(LIST, rc=1, err=ETCD_DOWN)],
        "sleeps": [2],
        "result": {
            "changed": False, "failed": True, "rc": 1, "stderr": ETCD_DOWN,
            "msg": "fleetctl list-machines failed (rc 1): Error retrieving list of active machines: googleapi: Error 503: "
                   "fleet server unable to communicate with etcd",
        },
    },
    {
        "id": "unknown-option-sends-nothing",
        "args": {"endpoints": "http://10.0.1.11:4001"},
        "calls": [],
        "result": {
            "failed": True,
            "msg": "Unsupported parameters for (deis.platform.fleet_machines_info) module: endpoints. "
                   "Supported parameters include: endpoint, fleetctl, names, poll_interval, timeout, wait_for.",
        },
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_fleet_machines_info(case, fake_clock):
    run_case("fleet_machines_info", case, fake_clock)


def test_progress_names_the_missing_machines(fake_clock, capsys):
    calls = [call(LIST), call(LIST, out=DEIS_NO_LEGEND)]
    run_action("fleet_machines_info", {"wait_for": [DEIS_1], "names": {DEIS_1: "core-01"}, "timeout": 10}, calls, clock=fake_clock)
    assert capsys.readouterr().out == "core-02: waiting for fleet (0 s of 10 s): not in fleet yet: core-01 (%s)\n" % DEIS_1


def test_no_legend_fixture_is_the_full_table_without_its_header():
    """The header cells are narrower than every column, so dropping the legend keeps the tabwriter widths."""
    full = fixture_text("fleetctl/list-machines-full.txt")
    assert fixture_text("fleetctl/list-machines-full-no-legend.txt") == full.split("\n", 1)[1]


def test_machines_are_sorted_by_id_as_documented():
    rows = fixture_text("fleetctl/list-machines-full-no-legend.txt").splitlines(True)
    result = run_action("fleet_machines_info", {}, [call(LIST, out="".join(reversed(rows)))])[0]
    assert [machine["id"] for machine in result["machines"]] == DOC_IDS
