"""deis.platform.coreos_rolling under faults: it stops at the first failing node and never takes a
second node away; it refuses to start on a degraded cluster; it changes nothing unconfirmed.
One sandbox for the suite: every test starts from `sandbox fault clear` (faults off, every node back at
the version it was brought up with), so the tests pass in any order."""
import json
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import ansible_playbook, node_hosts, sandbox, sandbox_status  # noqa: E402  pylint: disable=wrong-import-position

NAMES = ("core-01", "core-02", "core-03")
OLD, NEW = "835.12.0", "1068.8.0"
FAST = ["-e", "coreos_rolling_confirm=true", "-e", "coreos_poll_interval=1"]


@pytest.fixture
def cluster():
    """The suite's sandbox as `up` left it: (inventory path, nodes by name, boots of each node so far)."""
    sandbox("fault", "clear")
    inventory = sandbox_status()["inventory"]["ssh"]
    before = versions_and_boots()
    assert {name: version for name, (version, boots) in before.items()} == {name: OLD for name in NAMES}
    return inventory, node_hosts(inventory, NAMES), {name: boots for name, (version, boots) in before.items()}


def versions_and_boots():
    return {n["name"]: (n["os"]["version"], n["boots"]) for n in sandbox_status()["nodes"]}


def versions_and_reboots(boots_before):
    """{node: (OS version, reboots since the test started)}."""
    return {name: (version, boots - boots_before[name]) for name, (version, boots) in versions_and_boots().items()}


def test_node_that_never_rejoins_stops_the_run(cluster):
    inventory, nodes, boots = cluster
    sandbox("fault", "no-rejoin", "core-02")
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST, "-e", "coreos_use_locksmith=true",
                           "-e", "coreos_rejoin_timeout=20")
    assert run.returncode != 0, run.stdout
    assert "Wait until this node is back in fleet" in run.stdout
    assert versions_and_reboots(boots) == {"core-01": (NEW, 1), "core-02": (NEW, 1), "core-03": (OLD, 0)}
    assert nodes["core-02"].run("systemctl is-enabled update-engine.service").stdout.strip() == "masked"
    assert nodes["core-02"].run("systemctl is-active update-engine.service").stdout.strip() == "inactive"
    machine = next(n["machine_id"] for n in sandbox_status()["nodes"] if n["name"] == "core-02")
    assert nodes["core-01"].run("locksmithctl status").stdout == "Available: 0\nMax: 1\n\nMACHINE ID\n%s\n" % machine, \
        "the node that did not come back keeps the reboot lock"


def test_node_that_rejoins_late_is_waited_for(cluster):
    inventory, boots = cluster[0], cluster[2]
    started = time.time()
    sandbox("fault", "slow-reboot", "core-02", "30")
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST)
    assert run.returncode == 0, run.stdout[-3000:]
    assert versions_and_reboots(boots) == {name: (NEW, 1) for name in NAMES}
    membership = json.loads(sandbox("membership", "--since", str(started)))
    assert membership["max_away"] == 1
    core02 = next(n["machine_id"] for n in sandbox_status()["nodes"] if n["name"] == "core-02")
    left, back = [e["ts"] for e in membership["entries"] if e["machine"] == core02]
    assert back - left >= 30


@pytest.mark.parametrize("fault", [["stop-node", "core-03"], ["etcd-stop"]])
def test_degraded_cluster_is_refused_before_any_change(cluster, fault):
    inventory, boots = cluster[0], cluster[2]
    sandbox("fault", *fault)
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST)
    after = versions_and_reboots(boots)
    sandbox("fault", "clear")
    assert run.returncode != 0
    assert "Refuse a run" in run.stdout and "coreos_rolling_update : Gate" not in run.stdout
    assert all(state == (OLD, 0) for state in after.values() if state[0] is not None), after


def test_unconfirmed_run_without_terminal_changes_nothing(cluster):
    inventory, boots = cluster[0], cluster[2]
    run = ansible_playbook("coreos_rolling.yml", inventory)
    assert run.returncode != 0
    assert "-e coreos_rolling_confirm=true" in run.stdout
    assert versions_and_reboots(boots) == {name: (OLD, 0) for name in NAMES}


def test_check_mode_changes_nothing(cluster):
    inventory, nodes, boots = cluster
    run = ansible_playbook("coreos_rolling.yml", inventory, "--check")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "changed=0" in run.stdout
    assert versions_and_reboots(boots) == {name: (OLD, 0) for name in NAMES}
    assert nodes["core-01"].run("systemctl is-enabled update-engine.service").stdout.strip() == "masked"


def test_target_version_already_reached_skips_every_node(cluster):
    inventory, boots = cluster[0], cluster[2]
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST, "-e", "coreos_target_version=835.0.0")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "skipped_at_target" in run.stdout
    assert versions_and_reboots(boots) == {name: (OLD, 0) for name in NAMES}
