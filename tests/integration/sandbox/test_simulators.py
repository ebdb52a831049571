"""The node simulators print what the real tools print (shared/reference/deis-v1-facts.md), byte for
byte where the facts give bytes, and the collection's parsers read what they print."""
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest
from simhelpers import ROOTFS, fixture, run_simulator, simulator_env, start_simulator
from simlib import osrelease, shipped, tabwriter
from simlib.etcd2 import dial_url

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


def test_fleetctl_through_fleetd_whose_etcd_is_down(node_root):
    """No --endpoint: the real fleetctl asks the local fleetd, which answers 503 while its etcd is away."""
    root = node_root()
    with open(root / "etc/deis-sandbox/node.env", "a") as env:
        env.write("ETCD_LOOPBACK_ADDRESS=127.0.10.250\n")
    result = run_simulator("fleetctl", "list-machines", root=root)
    assert (result.returncode, result.stderr) == (1, "Error retrieving list of active machines: googleapi: Error 503: "
                                                     "fleet server unable to communicate with etcd\n")


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

    def locksmith(*args):
        return run_simulator("locksmithctl", "-endpoint", etcd, *args, root=root)

    assert locksmith("status").stdout == fixture("locksmith", "status-free.txt")
    assert json.loads(etcd_client.get("/coreos.com/updateengine/rebootlock/semaphore")["node"]["value"]) == \
        json.loads(fixture("locksmith", "semaphore-holders-null.txt"))
    assert (locksmith("lock").returncode, locksmith("status").stdout) == (0, fixture("locksmith", "status-held.txt"))
    assert etcd_client.get("/coreos.com/updateengine/rebootlock/semaphore")["node"]["value"] + "\n" == \
        fixture("locksmith", "semaphore-held.txt")
    # lock/semaphore.go:75-87 checks the count before the holders: the holder itself gets `semaphore is at 0`.
    again = locksmith("lock")
    assert (again.returncode, again.stdout, again.stderr) == (1, "", fixture("locksmith", "lock-semaphore-full.stderr.txt"))
    other = locksmith("lock", "0123456789abcdef0123456789abcdef")
    assert (other.returncode, other.stderr) == (1, fixture("locksmith", "lock-semaphore-full.stderr.txt"))
    assert locksmith("unlock").returncode == 0
    missing = locksmith("unlock")
    assert (missing.returncode, missing.stderr) == (1, fixture("locksmith", "unlock-holder-missing.stderr.txt"))
    parsed = module_util("_locksmith").parse_status(locksmith("status").stdout)
    assert parsed == {"available": 1, "max": 1, "holders": []}
    assert locksmith("set-max", "2").stdout == "Old-Max: 1\nMax: 2\n"  # locksmithctl/set_max.go:59-60
    assert locksmith("lock").returncode == 0
    exists = locksmith("lock")
    assert (exists.returncode, exists.stderr) == (1, fixture("locksmith", "lock-holder-exists.stderr.txt"))


def test_locksmith_without_etcd_says_what_its_client_library_says(node_root):
    """locksmith v0.3.4 (CoreOS <= 1122) and v0.4+ word an unreachable etcd differently (coreos-upstream-facts 4b)."""
    old = run_simulator("locksmithctl", "-endpoint", "http://127.0.0.1:9", "lock", root=node_root())
    assert (old.returncode, old.stderr) == (1, "Error initializing etcd client: 501: All the given peers are not reachable "
                                               "(Tried to connect to each peer twice and failed) [0]\n")
    new = run_simulator("locksmithctl", "-endpoint", "http://127.0.0.1:9", "status", root=node_root(version="1235.9.0"))
    assert (new.returncode, new.stderr) == (1, "Error initializing etcd client: client: etcd cluster is unavailable or "
                                               "misconfigured\n")


def test_locksmith_loses_a_compare_and_swap_race(etcd, etcd_client, node_root):
    """One compare-and-swap on the index read, no retry (lock/lock.go:26-42): a write in between wins."""
    root = node_root()
    assert run_simulator("locksmithctl", "-endpoint", etcd, "status", root=root).returncode == 0
    key = "/coreos.com/updateengine/rebootlock/semaphore"
    shim = root / "race.py"
    shim.write_text(
        "import runpy, sys\n"
        "sys.path.insert(0, %r)\n"
        "from simlib import etcd2\n"
        "get = etcd2.Etcd2.get\n"
        "def racing_get(self, key, *args, **kwargs):\n"
        "    answer = get(self, key, *args, **kwargs)\n"
        "    self.set(key, answer['node']['value'])\n"
        "    return answer\n"
        "etcd2.Etcd2.get = racing_get\n"
        "sys.argv = ['locksmithctl'] + sys.argv[1:]\n"
        "runpy.run_path(%r, run_name='__main__')\n" % (os.path.join(ROOTFS, "usr/lib/deis-sandbox/lib"),
                                                       os.path.join(ROOTFS, "usr/bin/locksmithctl")))
    result = subprocess.run([sys.executable, str(shim), "-endpoint", etcd, "lock", HOLDER], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=simulator_env(root), check=False)
    index = etcd_client.get(key)["node"]["modifiedIndex"]
    assert (result.returncode, result.stderr) == (1, "Error locking: 101: Compare failed ([%d != %d]) [%d]\n"
                                                  % (index - 1, index, index))


# -- update_engine_client and its daemon ---------------------------------------------------------

CHROMIUM_LINE = re.compile(r"^\[\d{4}/\d{6}:(?P<level>INFO|WARNING|ERROR):(?P<source>[a-z_]+\.cc)\((?P<line>\d+)\)\] (?P<message>.*)$")
GLOG_LINE = re.compile(r"^(?P<level>[IWE])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ (?P<source>[a-z_]+\.cc):(?P<line>\d+)\] (?P<message>.*)$")


class Engine:
    """A running update-engine daemon on a node tree, its log (what the journal would get) in a file."""

    def __init__(self, root):
        self.root = root
        self.log_path = root / "update_engine.log"
        self.process = None

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen([sys.executable, os.path.join(ROOTFS, "usr/lib/deis-sandbox/update_engined")],
                                            stdout=log, stderr=subprocess.STDOUT, env=simulator_env(self.root))
        deadline = time.time() + 10
        while not (self.root / "run/update-engine/com.coreos.update1.sock").exists():
            assert self.process.poll() is None and time.time() < deadline, self.log()
            time.sleep(0.05)
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        (self.root / "run/update-engine/com.coreos.update1.sock").unlink(missing_ok=True)

    def log(self):
        return self.log_path.read_text()

    def messages(self):
        return module_util("_update_engine").journal_messages(self.log())

    def client(self, *flags):
        return run_simulator("update_engine_client", *flags, root=self.root)

    def wait_for(self, message, timeout=10):
        deadline = time.time() + timeout
        while message not in self.messages():
            assert time.time() < deadline, self.log()
            time.sleep(0.1)


@pytest.fixture
def update_engine(node_root):
    """Start an update-engine daemon on a fresh node tree: update_engine(flavor, version, available, ...)."""
    started = []

    def start(flavor="coreos", version="835.12.0", available="1068.8.0", group="stable", boot_flags_delay=30, duration=0.5):
        root = node_root(flavor=flavor, version=version)
        with open(root / "etc/deis-sandbox/node.env", "a") as env:
            env.write("UPDATE_ENGINE_BOOT_FLAGS_DELAY=%s\n" % boot_flags_delay)
        (root / "var/lib/deis-sandbox/control/omaha.json").write_text(
            json.dumps({"groups": {group: available}, "size": 213129575, "duration": duration}))
        engine = Engine(root).start()
        started.append(engine)
        return engine

    yield start
    for engine in started:
        engine.stop()


@pytest.mark.parametrize("flavor, version, tag, style, staged_hazard, noupdate_checked", [
    # coreos-upstream-facts.md section 0: the update_engine each coreos-overlay build-N branch builds for amd64
    ("coreos", "835.12.0", "v0.1.3", "chromium", True, False),
    ("coreos", "1122.2.0", "v0.1.3", "chromium", True, False),
    ("coreos", "1153.4.0", "v0.2.2", "glog", True, False),
    ("coreos", "1185.3.0", "v0.3.2", "glog", True, False),
    ("coreos", "1192.2.0", "v0.4.0", "glog", True, False),
    ("coreos", "1220.5.0", "v0.4.1", "glog", False, False),
    ("coreos", "1235.9.0", "v0.4.3", "glog", False, True),
    ("flatcar", "3227.2.4", "flatcar", "glog", False, True),
])
def test_which_update_engine_a_release_ships(flavor, version, tag, style, staged_hazard, noupdate_checked):
    release = shipped.UpdateEngine(flavor, version)
    assert (release.tag, release.log_style, release.setgoodroot_when_staged, release.checked_time_on_noupdate) == (
        tag, style, staged_hazard, noupdate_checked)


def check_outcome(engine):
    """The collection's rule on what the client printed last and what the daemon logged."""
    parser = module_util("_update_engine")
    status = parser.parse_status(engine.client("-status").stdout)
    return parser.check_outcome(status["current_op"], [status["current_op"]], engine.messages())["outcome"]


def test_coreos_update_succeeds_and_stages_the_next_version(update_engine):
    engine = update_engine()
    result = engine.client("-update")
    assert result.returncode == 0
    assert messages(result.stderr, CHROMIUM_PREFIX) == [
        "Initiating update check and install.", "Waiting for update to complete.", "Update succeeded -- reboot needed."]
    blocks = STATUS_BLOCK.findall(result.stdout)
    assert "".join(blocks) == result.stdout
    assert blocks[-1].endswith("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=0.0.0.0\nNEW_SIZE=213129575\n")
    assert (engine.root / "var/lib/deis-sandbox/usr-b.version").read_text() == "1068.8.0\n"
    assert (engine.root / "run/update_engine_autoupdate_completed").exists()
    assert check_outcome(engine) == "updated_need_reboot"
    again = engine.client("-update")
    assert again.returncode == 0 and len(STATUS_BLOCK.findall(again.stdout)) == 1, "already staged: no second download"
    assert "Skipping update check because current status is UPDATE_STATUS_UPDATED_NEED_REBOOT" in engine.messages()


def test_coreos_835_logs_chromium_style_with_v0_1_3_lines(update_engine):
    """update_engine v0.1.3 (CoreOS <= 1122): Chromium prefix; its update check updates the boot flags first
    (update_attempter.cc:151-154) when the 45 s timer has not yet."""
    engine = update_engine(group="beta")
    engine.client("-update")
    lines = [CHROMIUM_LINE.match(line) for line in engine.log().splitlines()]
    assert all(lines), engine.log()
    found = [(m["source"], int(m["line"]), m["message"]) for m in lines]
    assert found[0] == ("main.cc", 155, "CoreOS Update Engine starting")
    assert found[1][:2] == ("update_check_scheduler.cc", 82) and re.match(r"^Next update check in \d+m\d+s$", found[1][2])
    assert ("update_attempter.cc", 485, "Updating boot flags...") in found
    assert ("omaha_request_action.cc", 394, "No update.") in found
    assert ("omaha_response_handler_action.cc", 36, "There are no updates. Aborting.") in found


def test_glog_from_coreos_1153_and_the_v0_2_client_warning(update_engine):
    engine = update_engine(version="1153.4.0", available="1153.4.0")
    result = engine.client("-status")
    assert result.stderr.splitlines()[0] == "WARNING: Logging before InitGoogleLogging() is written to STDERR"
    assert GLOG_LINE.match(result.stderr.splitlines()[1])["message"] == "Querying Update Engine status..."
    first = GLOG_LINE.match(engine.log().splitlines()[0])
    assert (first["source"], first["line"], first["message"]) == ("main.cc", "89", "CoreOS Update Engine starting")


def test_flatcar_logs_glog_with_its_own_name(update_engine):
    engine = update_engine(flavor="flatcar", version="3227.2.4", available="3227.2.4")
    first = GLOG_LINE.match(engine.log().splitlines()[0])
    assert (first["source"], first["line"], first["message"]) == ("main.cc", "92", "Flatcar Update Engine starting")


def test_boot_flags_after_the_configured_delay(update_engine):
    engine = update_engine(boot_flags_delay=1)
    assert "Updating boot flags..." not in engine.messages()
    engine.wait_for("Updating boot flags...", timeout=5)
    assert module_util("_update_engine").boot_flags_updated(engine.messages())


@pytest.mark.parametrize("version, moves", [("835.12.0", False), ("1235.9.0", True)])
def test_last_checked_time_on_a_noupdate_answer(update_engine, version, moves):
    """Before update_engine v0.4.2 (CoreOS < 1235) LAST_CHECKED_TIME moves only when an update is found."""
    engine = update_engine(version=version, group="beta")
    result = engine.client("-update")
    assert (result.returncode, messages(result.stderr, GLOG_PREFIX if moves else CHROMIUM_PREFIX)[-1]) == (1, "Update failed.")
    last = STATUS_BLOCK.findall(result.stdout)[-1]
    assert (last.startswith("LAST_CHECKED_TIME=0\n")) is not moves
    assert "NEW_VERSION=%s\n" % ("0.0.0" if moves else "0.0.0.0") in last
    assert check_outcome(engine) == "no_update"


def test_unreachable_update_server_is_could_not_check(update_engine):
    """Same client output as "no update" (`Update failed.`, exit 1); the daemon says what happened."""
    engine = update_engine()
    (engine.root / "var/lib/deis-sandbox/control/faults/update-server-unreachable").write_text("armed\n")
    result = engine.client("-update")
    assert (result.returncode, messages(result.stderr, CHROMIUM_PREFIX)[-1]) == (1, "Update failed.")
    assert STATUS_BLOCK.findall(result.stdout)[-1].startswith("LAST_CHECKED_TIME=0\n")
    said = engine.messages()
    assert "Unable to get http response code: Could not resolve host: public.update.core-os.net" in said
    assert ["No HTTP response, retry 1", "Transfer resulted in an error (0), 0 bytes downloaded",
            "Omaha request network transfer failed."] == [m for m in said if m.startswith(("No HTTP", "Transfer", "Omaha request"))]
    assert said.index("Update failed.") < said.index("Error event sent.")
    assert check_outcome(engine) == "check_failed"


@pytest.mark.parametrize("version, undone", [("835.12.0", True), ("1220.0.0", False)])
def test_starting_the_daemon_on_a_staged_update(update_engine, version, undone):
    """coreos/bugs#1625: before update_engine v0.4.1 a daemon started with the completed marker runs coreos-setgoodroot
    45 s later, which prioritises the running partition: the staged update would not boot."""
    engine = update_engine(version=version, available="1235.9.0", boot_flags_delay=1)
    assert engine.client("-update").returncode == 0
    engine.stop()
    engine.start()
    assert "UPDATE_STATUS_UPDATED_NEED_REBOOT" in engine.client("-status").stdout
    time.sleep(2)
    assert (engine.root / "var/lib/deis-sandbox/usr-b.version").exists() is not undone
    restarted = engine.messages()[engine.messages().index("CoreOS Update Engine starting", 1):]
    assert ("Updating boot flags..." in restarted) is undone


def test_flatcar_says_no_update_available_with_exit_0(update_engine):
    engine = update_engine(flavor="flatcar", version="3374.2.5", available="3374.2.5")
    result = engine.client("-update")
    assert result.returncode == 0
    assert messages(result.stderr, GLOG_PREFIX) == [
        "Initiating update check and install.", "Waiting for update to complete.", "No update available"]
    assert check_outcome(engine) == "no_update"


def test_flatcar_reports_the_new_version(update_engine):
    engine = update_engine(flavor="flatcar", version="3227.2.4", available="3374.2.5")
    result = engine.client("-update")
    assert result.returncode == 0
    assert "NEW_VERSION=3374.2.5\n" in STATUS_BLOCK.findall(result.stdout)[-1]


def test_status_of_an_idle_engine(update_engine):
    """The fixture is a current (Flatcar) one: NEW_VERSION defaults to 0.0.0 there, 0.0.0.0 on 2016 CoreOS."""
    engine = update_engine(flavor="flatcar", version="3227.2.4", available="3227.2.4")
    result = engine.client("-status")
    assert result.stdout == fixture("update_engine_client", "status-idle.stdout.txt")
    assert messages(result.stderr, GLOG_PREFIX) == ["Querying Update Engine status..."]
    coreos = update_engine().client("-status")
    assert coreos.stdout == result.stdout.replace("NEW_VERSION=0.0.0\n", "NEW_VERSION=0.0.0.0\n")


def test_client_gives_up_when_the_daemon_is_masked(node_root):
    root = node_root()
    result = run_simulator("update_engine_client", "-update", root=root,
                           env={"UPDATE_ENGINE_CLIENT_PROXY_RETRY_DELAY": "0.05"})
    assert (result.returncode, result.stdout) == (1, "")
    assert messages(result.stderr, CHROMIUM_PREFIX) == messages(
        fixture("update_engine_client", "dbus-give-up.stderr.txt"), CHROMIUM_PREFIX)


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
    assert (root / "var/lib/deis-sandbox/usr-fallback.version").read_text() == "835.12.0\n"
    (root / "var/lib/deis-sandbox/usr-fallback.version").unlink()  # what coreos-setgoodroot does
    run_simulator("boot", root=root)
    events = [json.loads(line) for line in (root / "var/lib/deis-sandbox/control/events.jsonl").read_text().splitlines()]
    assert [(e["event"], e["version"], e["partition"]) for e in events] == [("boot", "1068.8.0", "staged"), ("boot", "1068.8.0", None)]


def test_a_new_version_never_marked_good_falls_back_at_the_next_boot(node_root):
    root = node_root()
    (root / "var/lib/deis-sandbox/usr-b.version").write_text("1068.8.0\n")
    run_simulator("boot", root=root)
    run_simulator("boot", root=root)
    assert (root / "usr/lib/os-release").read_text() == osrelease.os_release("coreos", "835.12.0")
    assert not (root / "var/lib/deis-sandbox/usr-fallback.version").exists()


def test_the_sandbox_dials_its_member_for_127_0_0_1():
    """On a node with its own member, 127.0.0.1's etcd client ports mean that member (node.env ETCD_LOOPBACK_ADDRESS)."""
    assert dial_url("http://127.0.0.1:2379", "127.0.10.2") == "http://127.0.10.2:2379"
    assert dial_url("http://localhost:4001", "127.0.10.2") == "http://127.0.10.2:4001"
    assert dial_url("http://127.0.0.1:4101", "127.0.10.2") == "http://127.0.0.1:4101"
    assert dial_url("http://10.0.1.11:2379", "127.0.10.2") == "http://10.0.1.11:2379"
    assert dial_url("http://127.0.0.1:2379", None) == "http://127.0.0.1:2379"


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
