"""After deis.platform.coreos_rolling (run twice by converge and idempotence)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import sandbox  # noqa: E402  pylint: disable=wrong-import-position


def os_release(node):
    return dict(line.split("=", 1) for line in node.file("/etc/os-release").content_string.splitlines() if "=" in line)


def test_every_node_runs_the_offered_version(nodes, status):
    for name, node in nodes.items():
        release = os_release(node)
        assert (release["ID"], release["VERSION_ID"]) == (os.environ["EXPECTED_OS_ID"], os.environ["EXPECTED_VERSION"]), name
    assert {n["os"]["version"] for n in status["nodes"]} == {os.environ["EXPECTED_VERSION"]}


def test_update_engine_is_masked_and_stopped_again(nodes):
    for name, node in nodes.items():
        assert node.run("systemctl is-enabled update-engine.service").stdout.strip() == "masked", name
        assert node.run("systemctl is-active update-engine.service").stdout.strip() == "inactive", name


def test_each_node_rebooted_exactly_once(status):
    """The second run (molecule's idempotence step) rebooted nothing."""
    assert {n["name"]: n["boots"] for n in status["nodes"]} == {"core-01": 2, "core-02": 2, "core-03": 2}


def test_never_two_nodes_away_at_once(status):
    membership = json.loads(sandbox("membership"))
    assert membership["max_away"] == 1
    leaves = [e["machine"] for e in membership["entries"] if e["event"] == "leave"]
    assert sorted(leaves) == sorted(n["machine_id"] for n in status["nodes"]), "each node left fleet once"


def test_reboot_lock_is_free_again(nodes):
    assert nodes["core-02"].run("locksmithctl status").stdout == "Available: 1\nMax: 1\n"


def test_every_node_is_back_in_fleet(nodes, status):
    listing = nodes["core-03"].run("fleetctl list-machines --full --no-legend").stdout
    assert sorted(line.split("\t")[0] for line in listing.splitlines()) == sorted(n["machine_id"] for n in status["nodes"])


def test_every_new_version_is_marked_good(status):
    """update-engine logged "Updating boot flags..." after each reboot: no node would fall back at its next boot."""
    confirmed = {"staged": None, "fallback_pending": None}
    assert {n["name"]: n["usr"] for n in status["nodes"]} == {name: confirmed for name in ("core-01", "core-02", "core-03")}


def test_every_etcd_member_is_healthy(status):
    assert status["etcd"]["mode"] == "members" and status["etcd"]["healthy"] is True


def test_the_report_tells_what_was_done():
    with open(os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "coreos-rolling-report.json")) as handle:
        report = json.load(handle)
    assert (report["status"], report["stopped_at"]) == ("finished", None)
    # The idempotence run wrote it last: every node already at its version, not rebooted again.
    assert {n["host"]: (n["action"], n["version_after"]) for n in report["nodes"]} == {
        name: ("no_update", os.environ["EXPECTED_VERSION"]) for name in ("core-01", "core-02", "core-03")}
    report_path = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "coreos-rolling-report.json")
    assert oct(os.stat(report_path).st_mode & 0o777) == "0o600"
