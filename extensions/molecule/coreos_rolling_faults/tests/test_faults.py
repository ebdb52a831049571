"""deis.platform.coreos_rolling under faults: it stops at the first failing node and never takes a
second node away; it refuses to start on a cluster that stays degraded; it changes nothing unconfirmed; whenever it
stops it says where, why and what to do next, and the JSON report exists.
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
def report(tmp_path):
    """The -e that writes the run's JSON report, and a reader for it."""
    path = tmp_path / "report.json"
    return ["-e", "coreos_rolling_report=%s" % path], lambda: json.loads(path.read_text())


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


def test_node_that_never_rejoins_stops_the_run(cluster, report):
    inventory, nodes, boots = cluster
    sandbox("fault", "no-rejoin", "core-02")
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST, *report[0], "-e", "coreos_use_locksmith=true",
                           "-e", "coreos_rejoin_timeout=20")
    assert run.returncode != 0, run.stdout
    assert "core-02 not in fleet after 20 s" in run.stdout
    stopped = report[1]()["stopped_at"]
    assert (stopped["host"], stopped["stage"]) == ("core-02", "rejoin")
    assert "keeps the reboot lock" in stopped["next_step"]
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


@pytest.mark.parametrize("fault, says", [
    (["stop-node", "core-03"], "the node did not answer within 8 s"),
    # Every member down: fleetd cannot reach etcd either, so the fleet gate (the first) refuses, in fleetd's words.
    (["etcd-stop"], "fleet server unable to communicate with etcd"),
])
def test_degraded_cluster_is_refused_before_any_change(cluster, report, fault, says):
    """It waits coreos_gate_timeout for the cluster to be whole, then refuses, having changed nothing."""
    inventory, boots = cluster[0], cluster[2]
    sandbox("fault", *fault)
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST, *report[0], "-e", "coreos_gate_timeout=8")
    after = versions_and_reboots(boots)
    sandbox("fault", "clear")
    assert run.returncode != 0
    assert says in run.stdout and "Wait until the cluster is whole" not in run.stdout
    assert all(state == (OLD, 0) for state in after.values() if state[0] is not None), after
    written = report[1]()
    assert written["status"] == "stopped" and written["stopped_at"]["stage"] == "preflight"
    assert "refused" in {node["action"] for node in written["nodes"]}


def test_unreachable_update_server_fails_the_node_and_reports(cluster, report):
    inventory, nodes, boots = cluster
    sandbox("fault", "update-server-unreachable", "core-02")
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST, *report[0])
    assert run.returncode != 0
    reason = ("update-engine could not check for an update: Omaha request network transfer failed.; Unable to get http "
              "response code: Could not resolve host: public.update.core-os.net")
    assert reason in run.stdout
    assert versions_and_reboots(boots) == {"core-01": (NEW, 1), "core-02": (OLD, 0), "core-03": (OLD, 0)}
    written = report[1]()
    assert written["stopped_at"] == {"host": "core-02", "stage": "update", "error": reason,
                                     "next_step": written["stopped_at"]["next_step"]}
    assert "update server" in written["stopped_at"]["next_step"]
    assert {n["host"]: n["action"] for n in written["nodes"]} == {"core-01": "updated", "core-02": "failed",
                                                                  "core-03": "not_started"}
    for node in nodes.values():
        assert node.run("systemctl is-enabled update-engine.service").stdout.strip() == "masked"


def test_lock_held_by_another_machine_is_waited_for_naming_it(cluster, report):
    inventory, nodes, boots = cluster
    stranger = "0123456789abcdef0123456789abcdef"
    assert nodes["core-01"].run("locksmithctl lock %s" % stranger).rc == 0
    run = ansible_playbook("coreos_rolling.yml", inventory, *FAST, *report[0], "-e", "coreos_use_locksmith=true",
                           "-e", "coreos_gate_timeout=6")
    assert run.returncode != 0
    assert "FAILED - RETRYING: [core-01]: deis.platform.coreos_rolling_update : Take the locksmith reboot lock" in run.stdout
    assert ("the reboot lock is held by %s; if that machine is not rebooting or being updated, release the lock by hand: "
            "locksmithctl unlock %s" % (stranger, stranger)) in run.stdout
    assert versions_and_reboots(boots) == {name: (OLD, 0) for name in NAMES}
    assert report[1]()["stopped_at"]["stage"] == "lock"


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
