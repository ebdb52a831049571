"""The deisctl simulator prints what deisctl v1 prints (deis-v1-facts.md section 2), and fleetd's
agent really runs the units deisctl submits: two agents on a private etcd, with a fake systemctl."""
import json
import os
import re
import signal
import subprocess
import sys

import pytest
from simhelpers import HERE, ROOTFS, start_simulator
from simlib import deisctl, deisplatform, fleet, tabwriter

sys.path.insert(0, os.path.join(HERE, "..", "..", "sandbox", "lib"))
from deis_sandbox import deis_platform  # noqa: E402  pylint: disable=wrong-import-position
from deis_sandbox.run import wait_until  # noqa: E402  pylint: disable=wrong-import-position

MACHINES = ("3c5b9f7e0a1b4c2d8e9f00112233aa01", "b7e2a9c10a1b4c2d8e9f00112233aa02")
FAKE_SYSTEMCTL = "%s %s" % (sys.executable, os.path.join(HERE, "fake_systemctl.py"))
BANNER = ("\x1b[31m\u25cf \x1b[34m\u25b4 \x1b[32m\u25a0\x1b[0m\n\x1b[32m\u25a0 \x1b[31m\u25cf \x1b[34m\u25b4\x1b[0m %s\n"
          "\x1b[34m\u25b4 \x1b[32m\u25a0 \x1b[31m\u25cf\x1b[0m\n")
PLATFORM_UNITS = 15
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def binaries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deisctl")
    return {version: deis_platform.build_deisctl("v" + version, str(folder / version / "deisctl"))
            for version in deisctl.SUPPORTED}


@pytest.fixture
def ctl(binaries, etcd, etcd_client, tmp_path):
    """ctl(version, *args) runs that deisctl against the private etcd, with an empty $HOME."""
    for key in ("/deis", "/_coreos.com"):
        try:
            etcd_client.delete(key, recursive=True)
        except Exception:  # pylint: disable=broad-except  # nothing to clean
            pass

    def run(version, *args, timeout=60, endpoint=True):
        argv = [sys.executable, binaries[version]] + (["--endpoint=" + etcd] if endpoint else []) + list(args)
        env = dict(os.environ, HOME=str(tmp_path))
        env.pop("SANDBOX_ROOT", None)
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=env, check=False)
        # Bytes as written: universal newlines would turn the progress lines' \r into \n.
        result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
        return result
    return run


@pytest.fixture
def agents(ctl, etcd, node_root):
    """Two machines running fleetd (heartbeat + unit agent) with the fake systemctl."""
    roots, processes = [], []
    for index, machine in enumerate(MACHINES):
        root = node_root(machine_id=machine, etcd_url=etcd)
        env_file = root / "etc/deis-sandbox/node.env"
        env_file.write_text(env_file.read_text().replace("10.0.1.11", "10.0.1.%d" % (11 + index)))
        roots.append(root)
        processes.append(start_simulator("fleetd", root, FLEET_SYSTEMCTL=FAKE_SYSTEMCTL))
    wait_until(lambda: len(ctl("1.13.4", "machines").stdout.splitlines()) >= 3, 10, 0.2, what="both machines in fleet")
    yield roots, processes
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(10)


def list_rows(text):
    return [line.split() for line in text.splitlines()[1:]]


# -- --version, usage, config ------------------------------------------------------------------------

@pytest.mark.parametrize("version, rc", [("1.7.2", 1), ("1.12.3", 0), ("1.13.4", 0)])
def test_version_prints_without_v_and_exits_1_before_1_8(ctl, version, rc):
    result = ctl(version, "--version", endpoint=False)
    assert (result.returncode, result.stdout, result.stderr) == (rc, version + "\n", "")


@pytest.mark.parametrize("version, args", [("1.13.4", ["frobnicate"]), ("1.7.2", ["machines"]), ("1.7.2", ["upgrade-prep"]),
                                           ("1.13.4", [])])
def test_unknown_command(ctl, version, args):
    result = ctl(version, *args)
    assert result.returncode == 1
    assert result.stdout == 'Found no matching command, try "deisctl help"\nUsage: deisctl <command> [<args>...] [options]\n'


def test_config_set_get_rm_and_errors(ctl, etcd_client):
    result = ctl("1.13.4", "config", "platform", "set", "version=v1.13.4", "domain=example.com")
    assert (result.returncode, result.stdout) == (0, "v1.13.4\nexample.com\n")
    assert etcd_client.get("/deis/platform/version")["node"]["value"] == "v1.13.4"
    assert "ttl" not in etcd_client.get("/deis/platform/version")["node"]
    assert ctl("1.7.2", "config", "platform", "get", "domain", "version").stdout == "example.com\nv1.13.4\n"
    assert ctl("1.13.4", "config", "platform", "rm", "domain").stdout == "domain\n"
    missing = ctl("1.13.4", "config", "platform", "get", "domain")
    assert missing.returncode == 1
    assert re.fullmatch(r"Error: 100: Key not found \(/deis/platform/domain\) \[\d+\]\n", missing.stdout)
    bad = ctl("1.13.4", "config", "router", "set", "bodySize")
    assert (bad.returncode, bad.stdout) == (1, "Error: 'bodySize' does not match the pattern 'key=var', ex: foo=bar\n")


def test_install_without_domain_fails(ctl):
    result = ctl("1.13.4", "install", "platform")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == "Error: Missing platform domain, use:\ndeisctl config platform set domain=<your-domain>\n"


def test_unreachable_etcd(binaries):
    result = subprocess.run([sys.executable, binaries["1.13.4"], "--endpoint=http://127.0.0.1:9", "list"],
                            stdout=subprocess.PIPE, text=True, check=False, timeout=30)
    assert result.returncode == 1 and result.stdout.startswith("Error: 501: All the given peers are not reachable")


def test_refresh_units_writes_the_unit_files(ctl, tmp_path):
    result = ctl("1.12.3", "refresh-units")
    assert result.returncode == 0
    assert "Refreshed deis-router unit from v1.12.3\nRefreshed deis-router decorator from v1.12.3\n" in result.stdout
    assert "Decorator for deis-logspout not found in v1.12.3\n" in result.stdout
    assert (tmp_path / ".deis/units/deis-router@.service").read_text() == deisplatform.unit_file("router")
    assert ctl("1.12.3", "refresh-units", "--bogus").returncode == 2


# -- the platform on two agents ------------------------------------------------------------------------

def test_platform_lifecycle_on_fleet_agents(ctl, agents, etcd, etcd_client):
    roots = agents[0]
    assert ctl("1.13.4", "config", "platform", "set", "domain=example.com").returncode == 0
    install = ctl("1.13.4", "install", "platform")
    assert (install.returncode, install.stderr) == (0, "")
    out = install.stdout
    assert out.startswith('Warning: Missing sshPrivateKey, "deis run" will be unavailable. Use:\n'
                          "deisctl config platform set sshPrivateKey=<path-to-key>\n" + BANNER % "Installing Deis...")
    assert out.endswith("Done.\n\nPlease run `deisctl start platform` to boot up Deis.\n")
    headers = [line for line in out.splitlines() if line.endswith("...") and ":" not in line][1:]
    assert headers == ["Storage subsystem...", "Logging subsystem...", "Control plane...", "Data plane...", "Router mesh..."]
    assert out.count("\x1b[0;33mdeis-") == PLATFORM_UNITS, out
    assert "\x1b[0;33mdeis-router@3.service:\x1b[0m loaded\n" in out
    jobs = fleet.read_jobs(etcd_client)
    assert len(jobs) == PLATFORM_UNITS and {job["target_state"] for job in jobs.values()} == {"loaded"}
    routers = {jobs["deis-router@%d.service" % n]["target"] for n in (1, 2, 3)}
    assert routers == set(MACHINES), "the routers spread over both machines"
    unit_dirs = [os.listdir(root / "run/fleet/units") for root in roots]
    assert sorted(unit_dirs[0] + unit_dirs[1]) == sorted(jobs)

    start = ctl("1.13.4", "start", "platform")
    assert (start.returncode, start.stderr) == (0, "")
    assert start.stdout.startswith(BANNER % "Starting Deis..." + "Storage subsystem...\n")
    assert start.stdout.endswith("Done.\n \nPlease set up an administrative account. See 'deis help register'\n")
    line = "\x1b[0;33mdeis-controller.service:\x1b[0m active/running"
    assert line + " " * (80 - len(line)) + "\r\n" in start.stdout
    listing = ctl("1.13.4", "list").stdout
    rows = list_rows(listing)
    assert len(rows) == PLATFORM_UNITS and {tuple(row[2:]) for row in rows} == {("loaded", "active", "running")}
    assert listing == tabwriter.render([["UNIT", "MACHINE", "LOAD", "ACTIVE", "SUB"]] + rows)
    assert {row[1] for row in rows} == {"3c5b9f7e.../10.0.1.11", "b7e2a9c1.../10.0.1.12"}
    state = etcd_client.get("/_coreos.com/fleet/state/deis-builder.service")["node"]
    assert 0 < state["ttl"] <= 4

    stop = ctl("1.13.4", "stop", "platform")
    assert stop.stdout.startswith(BANNER % "Stopping Deis..." + "Router mesh...\n")
    assert stop.stdout.endswith("Done.\n \nPlease run `deisctl start platform` to restart Deis.\n")
    assert {tuple(row[3:]) for row in list_rows(ctl("1.13.4", "list").stdout)} == {("inactive", "dead")}
    uninstall = ctl("1.13.4", "uninstall", "platform")
    assert uninstall.stdout.endswith("deis-store-monitor.service: destroyed\nDone.\n")
    assert ctl("1.13.4", "list").stdout == "UNIT\tMACHINE\tLOAD\tACTIVE\tSUB\n"
    assert [os.listdir(root / "run/fleet/units") for root in roots] == [[], []]
    assert fleet.read_states(etcd_client) == {}


def test_failed_start_exits_0_with_the_message_on_stderr(ctl, agents):
    roots = agents[0]
    for root in roots:
        (root / "var/lib/deis-sandbox/control/faults/unit-fails-controller").write_text("armed\n")
    assert ctl("1.12.3", "install", "controller", "builder").returncode == 0
    result = ctl("1.12.3", "start", "controller", "builder")
    assert result.returncode == 0
    assert result.stderr == "\x1b[0;31mThe service 'controller' failed while starting.\x1b[0m\n"
    states = {row[0]: row[3:] for row in list_rows(ctl("1.12.3", "list").stdout)}
    assert states == {"deis-builder.service": ["active", "running"], "deis-controller.service": ["failed", "failed"]}
    with pytest.raises(subprocess.TimeoutExpired):
        ctl("1.7.2", "start", "controller", timeout=3)
    for root in roots:
        (root / "var/lib/deis-sandbox/control/faults/unit-fails-controller").unlink()
    ctl("1.12.3", "start", "controller")
    wait_until(lambda: "failed" not in ctl("1.12.3", "list").stdout, 10, 0.2, what="a fresh start to retry the failed unit")


def test_v1_7_prints_routing_mesh_and_the_channel_printer_lines(ctl, agents):
    ctl("1.7.2", "config", "platform", "set", "domain=example.com")
    assert ctl("1.7.2", "install", "platform").returncode == 0
    start = ctl("1.7.2", "start", "platform")
    assert "Routing mesh...\n" in start.stdout and "Router mesh" not in start.stdout
    assert "\x1b[0;33mdeis-router@2.service:\x1b[0m active/running" + " " * 33 + "\r\n" in start.stdout
    assert start.stdout.endswith("Done.\n \nPlease use `deis register` to setup an administrator account.\n")


def test_graceful_upgrade_keeps_routes_and_restarts_routers(ctl, agents, etcd_client):
    ctl("1.12.3", "config", "platform", "set", "domain=example.com", "version=v1.12.3")
    ctl("1.12.3", "install", "stateless-platform")
    assert ctl("1.12.3", "start", "stateless-platform").returncode == 0
    etcd_client.set("/deis/services/app/app_v2.web.1", "10.0.1.11:49153")
    prep = ctl("1.12.3", "upgrade-prep", "--stateless")
    assert prep.returncode == 0 and prep.stdout.endswith(deisctl.PREP_DONE)
    assert {row[0] for row in list_rows(ctl("1.12.3", "list").stdout)} == {
        "deis-publisher.service", "deis-router@1.service", "deis-router@2.service", "deis-router@3.service"}
    ctl("1.13.4", "config", "platform", "set", "version=v1.13.4")
    takeover = ctl("1.13.4", "upgrade-takeover", "--stateless")
    assert takeover.returncode == 0
    plain = ANSI.sub("", takeover.stdout).replace("\r", "\n")
    assert plain.index("deis-router@1.service: destroyed") < plain.index("deis-router@2.service: inactive/dead")
    assert "Storage subsystem" not in plain
    assert 1700 < etcd_client.get("/deis/services/app/app_v2.web.1")["node"]["ttl"] <= 1800
    rows = list_rows(ctl("1.13.4", "list").stdout)
    assert len(rows) == PLATFORM_UNITS - 5 and {tuple(row[3:]) for row in rows} == {("active", "running")}


def test_units_of_a_machine_that_leaves_are_rescheduled(ctl, agents, etcd_client):
    processes = agents[1]
    install = ctl("1.13.4", "install", "router@1", "router@2")
    assert install.stdout.count("loaded") == 2, install
    ctl("1.13.4", "start", "router@*")
    placed = {name: job["target"] for name, job in fleet.read_jobs(etcd_client).items()}
    assert sorted(placed.values()) == sorted(MACHINES)
    processes[1].send_signal(signal.SIGTERM)
    processes[1].wait(10)

    def all_on_the_first_machine():
        states = fleet.read_states(etcd_client)
        return len(states) == 2 and all(s["machineState"]["ID"] == MACHINES[0] and s["subState"] == "running" for s in states.values())
    wait_until(all_on_the_first_machine, 10, 0.2, what="both routers running on the remaining machine")


def test_the_zipapp_runs_on_a_node_interpreter(binaries):
    with open(binaries["1.13.4"], "rb") as handle:
        assert handle.readline() == b"#!/usr/lib/deis-sandbox/bin/python3\n"
    assert os.access(binaries["1.13.4"], os.X_OK)
    assert json.dumps(sorted(binaries)) == json.dumps(sorted(deisctl.SUPPORTED))
    assert os.path.isfile(os.path.join(ROOTFS, "usr/lib/deis-sandbox/deis-component"))
