"""The node simulators print what the real tools print (shared/reference/deis-v1-facts.md), byte for
byte where the facts give bytes, and the collection's parsers read what they print."""
import importlib.util
import json
import os
import re
import signal
import time

import pytest
from simhelpers import fixture, run_simulator, start_simulator
from simlib import osrelease, tabwriter

PLUGINS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "module_utils")
HOLDER = "69d27b356a94476da859461d3a3bc6fd"
STATUS_BLOCK = re.compile(r"LAST_CHECKED_TIME=\d+\nPROGRESS=\d+\.\d{6}\nCURRENT_OP=UPDATE_STATUS_[A-Z_]+\n"
                          r"NEW_VERSION=[0-9.]+\nNEW_SIZE=\d+\n")
CHROMIUM_PREFIX = re.compile(r"^\[\d{4}/\d{6}:(INFO|WARNING|ERROR):update_engine_client\.cc\(\d+\)\] ")
GLOG_PREFIX = re.compile(r"^[IWE]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ update_engine_client\.cc:\d+\] ")


def module_util(name):
    """A collection parser, loaded from its file (they import only the standard library)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(PLUGINS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def messages(stderr, prefix):
    lines = stderr.splitlines()
    assert all(prefix.match(line) for line in lines), stderr
    return [prefix.sub("", line) for line in lines]


# -- Go text/tabwriter ---------------------------------------------------------------------------

@pytest.mark.parametrize("rows, expected", [
    ([["MACHINE", "IP", "METADATA"], ["3c5b9f7e...", "10.0.1.11", "controlPlane=true,dataPlane=true,routerMesh=true"]],
     "MACHINE\t\tIP\t\tMETADATA\n3c5b9f7e...\t10.0.1.11\tcontrolPlane=true,dataPlane=true,routerMesh=true\n"),
    ([["MACHINE", "IP", "METADATA"], ["123456...", "1.1.1.1", "foo=bar,ping=pong"], ["654321...", "2.2.2.2", "-"]],
     "MACHINE\t\tIP\tMETADATA\n123456...\t1.1.1.1\tfoo=bar,ping=pong\n654321...\t2.2.2.2\t-\n"),
    ([["UNIT", "MACHINE", "LOAD", "ACTIVE", "SUB"],
      ["deis-builder.service", "3c5b9f7e.../10.0.1.11", "loaded", "active", "running"],
      ["deis-store-gateway@1.service", "b7e2a9c1.../10.0.1.13", "loaded", "activating", "start-pre"]],
     "UNIT\t\t\t\tMACHINE\t\t\tLOAD\tACTIVE\t\tSUB\ndeis-builder.service\t\t3c5b9f7e.../10.0.1.11\tloaded\tactive\t\t"
     "running\ndeis-store-gateway@1.service\tb7e2a9c1.../10.0.1.13\tloaded\tactivating\tstart-pre\n"),
])
def test_tabwriter_renders_the_bytes_quoted_in_the_facts(rows, expected):
    assert tabwriter.render(rows) == expected


# -- fleetctl ------------------------------------------------------------------------------------

def register_doc_machines(etcd_client):
    """The three machines of fleet's using-the-client.md sample."""
    full = fixture("fleetctl", "list-machines-full.txt").splitlines()[1:]
    for line in full:
        machine_id, ip, metadata = line.split("\t")
        etcd_client.set("/_coreos.com/fleet/machines/%s/object" % machine_id, json.dumps(
            {"ID": machine_id, "PublicIP": ip, "Metadata": dict([metadata.split("=")]), "Version": "0.11.5"}))


@pytest.mark.parametrize("args, fixture_name", [
    ([], "list-machines.txt"),
    (["--full"], "list-machines-full.txt"),
    (["-l"], "list-machines-full.txt"),
    (["--no-legend"], "list-machines-no-legend.txt"),
])
def test_fleetctl_list_machines(etcd, etcd_client, args, fixture_name):
    register_doc_machines(etcd_client)
    result = run_simulator("fleetctl", "--endpoint", etcd, "list-machines", *args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == fixture("fleetctl", fixture_name)


def test_fleetctl_list_units_reads_fleet_state(etcd, etcd_client):
    expected = fixture("fleetctl", "list-units-full-no-legend.txt")
    for line in expected.splitlines():
        unit, machine, active, sub = line.split()
        machine_id, ip = machine.split("/")
        etcd_client.set("/_coreos.com/fleet/job/%s/object" % unit, "{}")
        etcd_client.set("/_coreos.com/fleet/state/%s" % unit, json.dumps({
            "loadState": "loaded", "activeState": active, "subState": sub, "unitHash": "0123456789abcdef",
            "machineState": {"ID": machine_id, "PublicIP": ip}}))
    result = run_simulator("fleetctl", "--endpoint", etcd, "list-units", "--full", "--no-legend")
    assert result.stdout == expected
    parsed = module_util("_fleetctl").parse_list_units(
        run_simulator("fleetctl", "--endpoint", etcd, "list-units").stdout)
    assert [(u["unit"], u["ip"], u["sub"]) for u in parsed][-1] == ("deis-store-gateway@1.service", "10.0.1.13", "start-pre")


@pytest.mark.parametrize("args, stderr", [
    (["--fields=zone"], 'Invalid key in output format: "zone"\n'),
    (["--fields="], "Must define output format\n"),
])
def test_fleetctl_bad_fields(etcd, args, stderr):
    result = run_simulator("fleetctl", "--endpoint", etcd, "list-machines", *args)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", stderr)


def test_fleetctl_without_etcd_fails_with_rc_1():
    result = run_simulator("fleetctl", "--endpoint", "http://127.0.0.1:9", "list-machines")
    assert result.returncode == 1
    assert result.stderr.startswith("Error retrieving list of active machines: ")


def test_fleetctl_version():
    assert run_simulator("fleetctl", "--version").stdout == "fleetctl version 0.11.5\n"


def test_fleetd_heartbeat_has_a_ttl_and_is_purged_on_shutdown(etcd, etcd_client, node_root):
    root = node_root(etcd_url=etcd)
    fleetd = start_simulator("fleetd", root)
    key = "/_coreos.com/fleet/machines/%s/object" % HOLDER
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            listing = run_simulator("fleetctl", "--endpoint", etcd, "list-machines").stdout
            if HOLDER[:8] in listing:
                break
            time.sleep(0.2)
        machines = module_util("_fleetctl").parse_list_machines(listing)
        assert machines == [{"machine": HOLDER[:8] + "...", "machine_full": False, "ip": "10.0.1.11",
                             "metadata": {"controlPlane": "true", "dataPlane": "true", "routerMesh": "true"}}]
        assert 0 < etcd_client.get(key)["node"]["ttl"] <= 4
    finally:
        fleetd.send_signal(signal.SIGTERM)
        fleetd.wait(10)
    assert run_simulator("fleetctl", "--endpoint", etcd, "list-machines", "--no-legend").stdout == ""


# -- locksmithctl --------------------------------------------------------------------------------

def test_locksmith_lock_and_unlock(etcd, etcd_client, node_root):
    root = node_root()
    env = {"LOCKSMITHCTL_ENDPOINT": etcd}

    def locksmith(*args):
        return run_simulator("locksmithctl", *args, root=root, env=env)

    assert locksmith("status").stdout == fixture("locksmith", "status-free.txt")
    assert json.loads(etcd_client.get("/coreos.com/updateengine/rebootlock/semaphore")["node"]["value"]) == \
        json.loads(fixture("locksmith", "semaphore-holders-null.txt"))
    assert (locksmith("lock").returncode, locksmith("status").stdout) == (0, fixture("locksmith", "status-held.txt"))
    assert etcd_client.get("/coreos.com/updateengine/rebootlock/semaphore")["node"]["value"] + "\n" == \
        fixture("locksmith", "semaphore-held.txt")
    again = locksmith("lock")
    assert (again.returncode, again.stdout, again.stderr) == (1, "", fixture("locksmith", "lock-holder-exists.stderr.txt"))
    other = locksmith("lock", "0123456789abcdef0123456789abcdef")
    assert (other.returncode, other.stderr) == (1, fixture("locksmith", "lock-semaphore-full.stderr.txt"))
    assert locksmith("unlock").returncode == 0
    missing = locksmith("unlock")
    assert (missing.returncode, missing.stderr) == (1, fixture("locksmith", "unlock-holder-missing.stderr.txt"))
    parsed = module_util("_locksmith").parse_status(locksmith("status").stdout)
    assert parsed == {"available": 1, "max": 1, "holders": []}
    assert locksmith("set-max", "2").stdout == "Old: 1\nNew: 2\n"


# -- update_engine_client and its daemon ---------------------------------------------------------

@pytest.fixture
def update_engine(node_root):
    """A running update-engine daemon on a node tree; yields (root, stop)."""
    started = []

    def start(flavor="coreos", version="835.12.0", available="1068.8.0", group="stable"):
        root = node_root(flavor=flavor, version=version)
        (root / "var/lib/deis-sandbox/control/omaha.json").write_text(
            json.dumps({"groups": {group: available}, "size": 213129575, "duration": 0.5}))
        daemon = start_simulator("update_engined", root)
        started.append(daemon)
        deadline = time.time() + 10
        while not (root / "run/update-engine/com.coreos.update1.sock").exists():
            assert time.time() < deadline, daemon.stdout.read() if daemon.poll() is not None else "no socket"
            time.sleep(0.1)
        return root

    yield start
    for daemon in started:
        daemon.terminate()
        daemon.wait(10)


def test_coreos_update_succeeds_and_stages_the_next_version(update_engine):
    root = update_engine()
    result = run_simulator("update_engine_client", "-update", root=root)
    assert result.returncode == 0
    assert messages(result.stderr, CHROMIUM_PREFIX) == [
        "Initiating update check and install.", "Waiting for update to complete.", "Update succeeded -- reboot needed."]
    blocks = STATUS_BLOCK.findall(result.stdout)
    assert "".join(blocks) == result.stdout
    assert blocks[-1].endswith("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n")
    assert (root / "var/lib/deis-sandbox/usr-b.version").read_text() == "1068.8.0\n"
    assert (root / "run/update_engine_autoupdate_completed").exists()
    outcome = module_util("_update_engine").update_outcome(result.returncode, result.stdout, result.stderr, "coreos")
    assert outcome["outcome"] == "updated_need_reboot"
    again = run_simulator("update_engine_client", "-update", root=root)
    assert again.returncode == 0 and len(STATUS_BLOCK.findall(again.stdout)) == 1, "already staged: no second download"


def test_coreos_says_update_failed_when_nothing_is_available(update_engine):
    root = update_engine(group="beta")
    result = run_simulator("update_engine_client", "-update", root=root)
    assert result.returncode == 1
    assert messages(result.stderr, CHROMIUM_PREFIX)[-1] == "Update failed."
    assert STATUS_BLOCK.findall(result.stdout)[-1].startswith("LAST_CHECKED_TIME=")
    assert "CURRENT_OP=UPDATE_STATUS_IDLE\n" in STATUS_BLOCK.findall(result.stdout)[-1]
    outcome = module_util("_update_engine").update_outcome(result.returncode, result.stdout, result.stderr, "coreos")
    assert outcome["outcome"] == "no_update"


def test_flatcar_says_no_update_available_with_exit_0(update_engine):
    root = update_engine(flavor="flatcar", version="3374.2.5", available="3374.2.5")
    result = run_simulator("update_engine_client", "-update", root=root)
    assert result.returncode == 0
    assert messages(result.stderr, GLOG_PREFIX) == [
        "Initiating update check and install.", "Waiting for update to complete.", "No update available"]
    outcome = module_util("_update_engine").update_outcome(result.returncode, result.stdout, result.stderr, "flatcar")
    assert outcome["outcome"] == "no_update"


def test_flatcar_reports_the_new_version(update_engine):
    root = update_engine(flavor="flatcar", version="3227.2.4", available="3374.2.5")
    result = run_simulator("update_engine_client", "-update", root=root)
    assert result.returncode == 0
    assert "NEW_VERSION=3374.2.5\n" in STATUS_BLOCK.findall(result.stdout)[-1]


def test_status_of_an_idle_engine(update_engine):
    """The fixture is a current (Flatcar) one: NEW_VERSION defaults to 0.0.0 there, 0.0.0.0 on 2016 CoreOS."""
    root = update_engine(flavor="flatcar", version="3227.2.4", available="3227.2.4")
    result = run_simulator("update_engine_client", "-status", root=root)
    assert result.stdout == fixture("update_engine_client", "status-idle.stdout.txt")
    assert messages(result.stderr, GLOG_PREFIX) == ["Querying Update Engine status..."]
    coreos = run_simulator("update_engine_client", "-status", root=update_engine())
    assert coreos.stdout == result.stdout.replace("NEW_VERSION=0.0.0\n", "NEW_VERSION=0.0.0.0\n")


def test_client_gives_up_when_the_daemon_is_masked(node_root):
    root = node_root()
    result = run_simulator("update_engine_client", "-update", root=root,
                           env={"UPDATE_ENGINE_CLIENT_PROXY_RETRY_DELAY": "0.05"})
    assert (result.returncode, result.stdout) == (1, "")
    assert messages(result.stderr, CHROMIUM_PREFIX) == messages(
        fixture("update_engine_client", "dbus-give-up.stderr.txt"), CHROMIUM_PREFIX)
    outcome = module_util("_update_engine").update_outcome(result.returncode, result.stdout, result.stderr, "coreos")
    assert outcome["outcome"] == "daemon_unreachable"


def test_unknown_flag(node_root):
    result = run_simulator("update_engine_client", "-frobnicate", root=node_root())
    assert (result.returncode, result.stderr) == (1, "ERROR: unknown command line flag 'frobnicate'\n")


# -- the sandbox bootloader and release files -----------------------------------------------------

def test_boot_switches_to_the_staged_partition_once(node_root):
    root = node_root()
    (root / "var/lib/deis-sandbox/usr-b.version").write_text("1068.8.0\n")
    assert run_simulator("boot", root=root).returncode == 0
    assert (root / "usr/lib/os-release").read_text() == osrelease.os_release("coreos", "1068.8.0")
    assert "COREOS_RELEASE_VERSION=1068.8.0\n" in (root / "usr/share/coreos/release").read_text()
    assert not (root / "var/lib/deis-sandbox/usr-b.version").exists()
    run_simulator("boot", root=root)
    events = [json.loads(line) for line in (root / "var/lib/deis-sandbox/control/events.jsonl").read_text().splitlines()]
    assert [(e["event"], e["version"], e["switched_partition"]) for e in events] == [
        ("boot", "1068.8.0", True), ("boot", "1068.8.0", False)]


def test_no_rejoin_fault_takes_effect_at_the_next_boot(node_root):
    root = node_root()
    fault = root / "var/lib/deis-sandbox/control/faults/no-rejoin"
    fault.write_text("armed\n")
    run_simulator("boot", root=root)
    assert fault.read_text() == "active\n"


def test_coreos_835_release_file_matches_the_fixture():
    assert osrelease.os_release("coreos", "835.12.0") == fixture("os_release", "coreos-835.12.0.txt")


@pytest.mark.parametrize("flavor, version, pretty", [
    ("coreos", "1068.8.0", "CoreOS 1068.8.0 (MoreOS)"),
    ("coreos", "899.13.0", "CoreOS 899.13.0"),
    ("flatcar", "3227.2.4", "Flatcar Container Linux by Kinvolk 3227.2.4 (Oklo)"),
])
def test_release_files_parse_as_the_collection_reads_them(flavor, version, pretty):
    parser = module_util("_os_release")
    summary = parser.os_release_summary(parser.parse_os_release(osrelease.os_release(flavor, version)))
    assert (summary["flavor"], summary["version_id"], summary["pretty_name"]) == (flavor, version, pretty)
