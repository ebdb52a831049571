"""The deisctl simulator prints and does what deisctl v1 does per version (deisctl-upstream-facts.md: deis/deis code
and runs of the real deisctl), and fleetd's agent really runs the units deisctl submits: two agents on a private
etcd, with a fake systemctl."""
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
SSH_WARNING = 'Warning: Missing sshPrivateKey, "deis run" will be unavailable. Use:\ndeisctl config platform set sshPrivateKey=<path-to-key>\n'


@pytest.fixture(scope="module")
def binaries(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deisctl")
    return {version: deis_platform.build_deisctl("v" + version, str(folder / version / "deisctl"))
            for version in deisctl.SUPPORTED}


@pytest.fixture
def ctl(binaries, etcd, etcd_client, tmp_path):
    """ctl(version, *args, env=..., cwd=...) runs that deisctl against the private etcd, HOME=tmp_path/home."""
    for key in ("/deis", "/_coreos.com"):
        try:
            etcd_client.delete(key, recursive=True)
        except Exception:  # pylint: disable=broad-except  # nothing to clean
            pass
    home = tmp_path / "home"
    home.mkdir()

    def run(version, *args, timeout=60, endpoint=True, env=None, cwd=None):
        argv = [sys.executable, binaries[version]] + (["--endpoint=" + etcd] if endpoint else []) + list(args)
        environment = dict(os.environ, HOME=str(home))
        environment.pop("SANDBOX_ROOT", None)
        environment.pop("DEISCTL_UNITS", None)
        environment.update(env or {})
        result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, env=environment,
                                cwd=cwd or str(tmp_path), check=False)
        # Bytes as written: universal newlines would turn the progress lines' \r into \n.
        result.stdout, result.stderr = result.stdout.decode(), result.stderr.decode()
        return result
    run.home = home
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


def refreshed(ctl, version):
    result = ctl(version, "refresh-units")
    assert result.returncode == 0, result.stdout
    return result


# -- --version, usage, config ------------------------------------------------------------------------

@pytest.mark.parametrize("version, rc", [("1.7.2", 1), ("1.10.1", 0), ("1.12.3", 0), ("1.13.4", 0)])
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
    # config.go:41-64,98-108: nothing is printed for the keys found when one is missing.
    partial = ctl("1.13.4", "config", "platform", "get", "version", "domain")
    assert partial.returncode == 1 and partial.stdout.startswith("Error: 100: Key not found (/deis/platform/domain)")
    # config.go doConfigSet: the error's own newline, then main's (run, v1.13.4: two newlines).
    bad = ctl("1.13.4", "config", "router", "set", "bodySize")
    assert (bad.returncode, bad.stdout) == (1, "Error: 'bodySize' does not match the pattern 'key=var', ex: foo=bar\n\n")
    # `^(.+)=([\s\S]+)$` is greedy: the key runs to the last `=` (run, v1.13.4: image=a=b sets /deis/platform/image=a).
    assert ctl("1.13.4", "config", "platform", "set", "image=a=b").stdout == "b\n"
    assert etcd_client.get("/deis/platform/image=a")["node"]["value"] == "b"


def test_config_get_of_a_directory_prints_an_empty_line(ctl, etcd_client):
    """etcd.go:39-46: a directory's Value is "" (run, v1.13.4: `config services get ""`, rc 0 / Key not found, rc 1)."""
    missing = ctl("1.13.4", "config", "services", "get", "")
    assert missing.returncode == 1 and re.fullmatch(r"Error: 100: Key not found \(/deis\) \[\d+\]\n", missing.stdout)
    etcd_client.set("/deis/services/app/app_v2.web.1", "10.0.1.11:49153")
    assert (ctl("1.13.4", "config", "services", "get", "").returncode, ctl("1.13.4", "config", "services", "get", "").stdout) == (0, "\n")


def test_version_key_missing_names_the_first_missing_component(ctl, etcd_client):
    """go-etcd's error (etcd/error.go:27) gives etcd's cause: /deis on an empty etcd, the key once /deis/platform exists."""
    empty = ctl("1.13.4", "config", "platform", "get", "version")
    assert re.fullmatch(r"Error: 100: Key not found \(/deis\) \[\d+\]\n", empty.stdout), empty.stdout
    etcd_client.set("/deis/platform/domain", "example.com")
    assert re.fullmatch(r"Error: 100: Key not found \(/deis/platform/version\) \[\d+\]\n",
                        ctl("1.13.4", "config", "platform", "get", "version").stdout)


def test_install_without_domain_fails(ctl):
    result = ctl("1.13.4", "install", "platform")
    assert (result.returncode, result.stderr) == (1, "")
    assert result.stdout == "Error: Missing platform domain, use:\ndeisctl config platform set domain=<your-domain>\n"


def test_unreachable_etcd(binaries):
    result = subprocess.run([sys.executable, binaries["1.13.4"], "--endpoint=http://127.0.0.1:9", "list"],
                            stdout=subprocess.PIPE, text=True, check=False, timeout=30)
    assert result.returncode == 1 and result.stdout.startswith("Error: 501: All the given peers are not reachable")


# -- refresh-units ------------------------------------------------------------------------------------

def test_refresh_units_v1_13_writes_units_and_decorators(ctl):
    """v1.13.4 cmd.go:423-452, units.go: 14 units, each with a decorator (28 lines, run)."""
    result = refreshed(ctl, "1.13.4")
    names = ["deis-" + name for name in deisplatform.unit_names("1.13.4")]
    assert len(names) == 14
    assert result.stdout == "".join("Refreshed %s unit from v1.13.4\nRefreshed %s decorator from v1.13.4\n" % (n, n) for n in names)
    units = ctl.home / ".deis" / "units"
    assert (units / "deis-router.service").read_text() == deisplatform.unit_template("router", "v1.13.4")
    assert "flock -w 1200 /var/run/lock/alpine-pull docker pull $IMAGE" in (units / "deis-router.service").read_text()
    assert oct((units / "deis-router.service").stat().st_mode & 0o777) == "0o644"
    assert (units / "decorators" / "deis-router.service.decorator").read_text() == 'MachineMetadata="routerMesh=true"'
    assert not (units / "deis-router@.service").exists()


def test_refresh_units_per_version(ctl, tmp_path):
    """v1.12.3: 25 names (schedulers, no cache); v1.7.2: 17 names, `Refreshed <unit> from <tag>`, no decorators;
    v1.10.1: pull lines without flock (they came in v1.11.1/v1.11.2)."""
    v12 = refreshed(ctl, "1.12.3").stdout.splitlines()
    assert len(v12) == 50 and "Refreshed deis-kube-proxy decorator from v1.12.3" in v12
    old = ctl("1.7.2", "refresh-units", "--path=" + str(tmp_path / "old"))
    assert old.stdout == "".join("Refreshed deis-%s from v1.7.2\n" % n for n in deisplatform.NAMES_1_7)
    assert not (tmp_path / "old" / "decorators").exists()
    assert "|| docker pull $IMAGE" in (tmp_path / "old" / "deis-controller.service").read_text()
    ctl("1.10.1", "refresh-units", "-p", str(tmp_path / "d"), "-t", "v1.10.1")
    assert "flock" not in (tmp_path / "d" / "deis-builder.service").read_text()
    assert "docker run --name deis-builder-data -v /var/lib/docker alpine:3.1" in (tmp_path / "d" / "deis-builder.service").read_text()


def test_refresh_units_of_an_older_tag_has_no_decorators(ctl, tmp_path):
    result = ctl("1.13.4", "refresh-units", "--tag=v1.7.2", "--path=" + str(tmp_path / "t"))
    assert result.returncode == 0
    assert result.stdout.startswith("Refreshed deis-builder unit from v1.7.2\nDecorator for deis-builder not found in v1.7.2\n")


def test_refresh_units_errors(ctl, tmp_path):
    unknown = ctl("1.13.4", "refresh-units", "-t", "v9.9.9", "-p", str(tmp_path / "u"))
    assert (unknown.returncode, unknown.stdout) == (1, "Error: 404 Not Found\n")
    assert os.listdir(tmp_path / "u") == ["decorators"]
    partial = ctl("1.10.1", "refresh-units", "-t", "v1.13.4", "-p", str(tmp_path / "p"))
    assert partial.stdout == "Refreshed deis-builder unit from v1.13.4\nRefreshed deis-builder decorator from v1.13.4\nError: 404 Not Found\n"
    usage = "Usage:\n  deisctl refresh-units [-p <target>] [-t <tag>]\n"
    assert (ctl("1.13.4", "refresh-units", "--bogus").returncode, ctl("1.13.4", "refresh-units", "--bogus").stdout) == (1, usage)
    assert ctl("1.7.2", "refresh-units", "-p").stdout == "-p requires argument\n" + usage


def test_refresh_units_resolves_home_and_tilde(ctl):
    """utils.ResolvePath (v1.13.4 utils.go:10-15) replaces ~ and $HOME textually."""
    assert ctl("1.13.4", "refresh-units", "--path=~/x").returncode == 0
    assert ctl("1.13.4", "refresh-units", "--path", "$HOME/y").returncode == 0
    assert (ctl.home / "x" / "deis-builder.service").exists() and (ctl.home / "y" / "deis-builder.service").exists()


# -- install: templates, batches, existing units ---------------------------------------------------------------

def test_install_without_templates_creates_nothing_and_exits_0(ctl, etcd_client):
    """create.go:24-29: `Error creating: ...` on stderr, the whole batch skipped, exit 0 (run, v1.13.4 bytes)."""
    ctl("1.13.4", "config", "platform", "set", "domain=example.com")
    result = ctl("1.13.4", "install", "platform")
    assert result.returncode == 0
    assert result.stderr == "".join("Error creating: Could not find unit template for %s\n" % c
                                    for c in ("store-daemon", "logger", "database", "publisher", "router"))
    assert result.stdout == (SSH_WARNING + BANNER % "Installing Deis..." + "Storage subsystem...\nLogging subsystem...\n"
                             "Control plane...\nData plane...\nRouter mesh...\nDone.\n\nPlease run `deisctl start platform` to boot up Deis.\n")
    assert fleet.read_jobs(etcd_client) == {}


def test_v1_7_install_hangs_on_the_first_missing_template(ctl):
    """v1.7.3 cmd.go:470-474: printState returns on the first error, the next line blocks forever."""
    ctl("1.7.2", "config", "platform", "set", "domain=example.com")
    with pytest.raises(subprocess.TimeoutExpired) as hung:
        ctl("1.7.2", "install", "platform", timeout=5)
    assert hung.value.stdout.decode().endswith("Storage subsystem...\nCould not find unit template for store-daemon\n")
    single = ctl("1.7.2", "install", "controller")
    assert (single.returncode, single.stdout) == (0, "Could not find unit template for controller\n")


def test_one_missing_template_skips_its_whole_batch(ctl, agents, etcd_client):
    refreshed(ctl, "1.13.4")
    (ctl.home / ".deis/units/deis-builder.service").unlink()
    result = ctl("1.13.4", "install", "controller", "builder", "logger")
    assert (result.returncode, result.stderr) == (0, "Error creating: Could not find unit template for builder\n")
    assert fleet.read_jobs(etcd_client) == {}
    assert ctl("1.13.4", "install", "logger").stdout == "\x1b[0;33mdeis-logger.service:\x1b[0m loaded\n"


def test_templates_are_looked_up_per_file(ctl, agents, etcd_client, tmp_path):
    """$DEISCTL_UNITS, then $HOME/.deis/units, then /var/lib/deis/units, file by file (unit.go:122-146)."""
    refreshed(ctl, "1.12.3")
    ctl("1.13.4", "refresh-units", "-p", str(tmp_path / "new"))
    (tmp_path / "new" / "deis-logger.service").unlink()
    result = ctl("1.13.4", "install", "controller", "logger", env={"DEISCTL_UNITS": str(tmp_path / "new")})
    assert result.returncode == 0, result.stderr
    raws = {name: fleet.unit_text(etcd_client, job["hash"]) for name, job in fleet.read_jobs(etcd_client).items()}
    assert "deis/deis v1.13.4" in raws["deis-controller.service"]
    assert "deis/deis v1.12.3" in raws["deis-logger.service"]


def test_install_keeps_a_unit_already_in_fleet(ctl, agents, etcd_client):
    """create.go:48: `job already exists` is ignored, the old unit stays, `loaded` is printed anyway."""
    refreshed(ctl, "1.12.3")
    ctl("1.12.3", "install", "controller")
    before = fleet.read_jobs(etcd_client)["deis-controller.service"]["hash"]
    refreshed(ctl, "1.13.4")
    again = ctl("1.13.4", "install", "controller")
    assert again.stdout == "\x1b[0;33mdeis-controller.service:\x1b[0m loaded\n"
    assert fleet.read_jobs(etcd_client)["deis-controller.service"]["hash"] == before


def test_decorators_when_placement_options_are_on(ctl, agents, etcd_client, tmp_path):
    """create.go:100-108; unit.go:23-27: without DEISCTL_UNITS the first decorator folder is ./decorators."""
    refreshed(ctl, "1.13.4")
    etcd_client.set("/deis/platform/enablePlacementOptions", "true")
    (tmp_path / "work" / "decorators").mkdir(parents=True)
    (tmp_path / "work" / "decorators" / "deis-controller.service.decorator").write_text("\n[X-Fleet]\nMachineID=cwd\n")
    ctl("1.13.4", "install", "controller", "builder", cwd=str(tmp_path / "work"))
    raws = {name: fleet.unit_text(etcd_client, job["hash"]) for name, job in fleet.read_jobs(etcd_client).items()}
    assert raws["deis-controller.service"].endswith("\n\n[X-Fleet]\nMachineID=cwd\n")
    assert raws["deis-builder.service"].endswith('\n\n[X-Fleet]\nMachineMetadata="controlPlane=true"')
    etcd_client.set("/deis/platform/enablePlacementOptions", "maybe")
    bad = ctl("1.13.4", "install", "logger")
    assert bad.stderr == 'Error creating: strconv.ParseBool: parsing "maybe": invalid syntax\n'


# -- the platform on two agents ------------------------------------------------------------------------

def test_platform_lifecycle_on_fleet_agents(ctl, agents, etcd, etcd_client):
    roots = agents[0]
    refreshed(ctl, "1.13.4")
    assert ctl("1.13.4", "config", "platform", "set", "domain=example.com").returncode == 0
    install = ctl("1.13.4", "install", "platform")
    assert (install.returncode, install.stderr) == (0, "")
    out = install.stdout
    assert out.startswith(SSH_WARNING + BANNER % "Installing Deis...")
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
    assert uninstall.stdout.endswith("\x1b[0;33mdeis-store-monitor.service:\x1b[0m destroyed\nDone.\n")
    assert ctl("1.13.4", "list").stdout == "UNIT\tMACHINE\tLOAD\tACTIVE\tSUB\n"
    assert [os.listdir(root / "run/fleet/units") for root in roots] == [[], []]
    assert fleet.read_states(etcd_client) == {}


def test_missing_units_on_start_stop_uninstall(ctl, agents):
    """start.go:72, stop.go:74 on stderr; destroy claims `destroyed` (destroy.go:43-63); `start router@*` with no router:
    `could not find unit: deis-router` without a newline (start.go:18)."""
    assert ctl("1.13.4", "start", "logger").stderr == "Could not find unit: deis-logger.service\n"
    assert ctl("1.13.4", "stop", "logger").stderr == "Could not find unit: deis-logger.service\n"
    assert ctl("1.13.4", "uninstall", "logger").stdout == "\x1b[0;33mdeis-logger.service:\x1b[0m destroyed\n"
    assert ctl("1.13.4", "start", "router@*").stderr == "could not find unit: deis-router"
    assert ctl("1.13.4", "stop", "router@*").stderr == "could not find unit: deis-router\n"


def test_failed_start_exits_0_with_the_message_on_stderr(ctl, agents):
    roots = agents[0]
    refreshed(ctl, "1.12.3")
    for root in roots:
        (root / "var/lib/deis-sandbox/control/faults/unit-fails-controller").write_text("armed\n")
    assert ctl("1.12.3", "install", "controller", "builder").returncode == 0
    result = ctl("1.12.3", "start", "controller", "builder")
    assert result.returncode == 0
    # start.go:91 names the expanded target, deis-<c> (run, v1.10.1 and v1.13.4).
    assert result.stderr == "\x1b[0;31mThe service 'deis-controller' failed while starting.\x1b[0m\n"
    states = {row[0]: row[3:] for row in list_rows(ctl("1.12.3", "list").stdout)}
    assert states == {"deis-builder.service": ["active", "running"], "deis-controller.service": ["failed", "failed"]}
    with pytest.raises(subprocess.TimeoutExpired):
        ctl("1.7.2", "start", "controller", timeout=3)
    for root in roots:
        (root / "var/lib/deis-sandbox/control/faults/unit-fails-controller").unlink()
    ctl("1.12.3", "start", "controller")
    wait_until(lambda: "failed" not in ctl("1.12.3", "list").stdout, 10, 0.2, what="a fresh start to retry the failed unit")


def test_v1_7_prints_routing_mesh_and_the_channel_printer_lines(ctl, agents):
    refreshed(ctl, "1.7.2")
    ctl("1.7.2", "config", "platform", "set", "domain=example.com")
    assert ctl("1.7.2", "install", "platform").returncode == 0
    start = ctl("1.7.2", "start", "platform")
    assert "Routing mesh...\n" in start.stdout and "Router mesh" not in start.stdout
    assert "\x1b[0;33mdeis-router@2.service:\x1b[0m active/running" + " " * 33 + "\r\n" in start.stdout
    assert start.stdout.endswith("Done.\n \nPlease use `deis register` to setup an administrator account.\n")


# -- the stateless platform per version --------------------------------------------------------------------

def units_of(ctl, version):
    return {row[0][len("deis-"):].split(".")[0]: row[3] for row in list_rows(ctl(version, "list").stdout)}


def stateless_platform(ctl, version):
    refreshed(ctl, version)
    ctl(version, "config", "platform", "set", "domain=example.com")
    install = ctl(version, "install", "stateless-platform")
    assert install.returncode == 0 and install.stderr == "", install
    assert ctl(version, "start", "stateless-platform").returncode == 0
    return install


def test_stateless_v1_10_has_no_logger(ctl, agents):
    """v1.10.1 cmd.go:313-355: Logging is logspout alone; the warning of v1.8.0 platform.go:21-23."""
    install = stateless_platform(ctl, "1.10.1")
    assert install.stdout.startswith(SSH_WARNING + "Warning: With a stateless control plane, `deis logs` will be unavailable.\n")
    assert sorted(units_of(ctl, "1.10.1")) == ["builder", "controller", "logspout", "publisher", "registry@1",
                                               "router@1", "router@2", "router@3"]


def test_stateless_v1_12_installs_a_logger_that_stop_and_uninstall_leave(ctl, agents):
    """v1.11.0+ installs and starts the logger (v1.12.3 cmd.go:324-325); stop and uninstall skip it (cmd.go:215-253,
    381-420): after them the logger still runs."""
    stateless_platform(ctl, "1.12.3")
    assert set(units_of(ctl, "1.12.3").values()) == {"active"} and "logger" in units_of(ctl, "1.12.3")
    ctl("1.12.3", "stop", "stateless-platform")
    assert units_of(ctl, "1.12.3")["logger"] == "active"
    ctl("1.12.3", "uninstall", "stateless-platform")
    assert units_of(ctl, "1.12.3") == {"logger": "active"}


def test_upgrade_flags_per_version(ctl):
    """--stateless from v1.11.0 (client.go:73-109); before and for other flags docopt's usage error, exit 1."""
    for command in ("upgrade-prep", "upgrade-takeover"):
        old = ctl("1.10.1", command, "--stateless")
        assert (old.returncode, old.stdout) == (1, "Usage:\n  deisctl %s [options]\n" % command)
    bogus = ctl("1.13.4", "upgrade-prep", "--bogus")
    assert (bogus.returncode, bogus.stdout) == (1, "Usage:\n  deisctl upgrade-prep [--stateless]\n")


def test_takeover_without_published_services_changes_nothing(ctl, agents, etcd_client):
    """upgrade.go:80-90: /deis/services is read first; missing, the command fails with etcd's error (run, v1.13.4)."""
    stateless_platform(ctl, "1.12.3")
    before = units_of(ctl, "1.12.3")
    result = ctl("1.13.4", "upgrade-takeover", "--stateless")
    assert result.returncode == 1
    assert re.fullmatch(r"Error: 100: Key not found \(/deis/services\) \[\d+\]\n", result.stdout), result.stdout
    assert units_of(ctl, "1.12.3") == before


def test_graceful_stateless_upgrade_leaves_no_logger(ctl, agents, etcd_client):
    """v1.12.3 prep --stateless destroys the logger; v1.13.4 takeover --stateless recreates only logspout
    (upgrade.go:112-138); routes keep a TTL of 1800; routers restarted one after the other."""
    stateless_platform(ctl, "1.12.3")
    etcd_client.set("/deis/services/app/app_v2.web.1", "10.0.1.11:49153")
    prep = ctl("1.12.3", "upgrade-prep", "--stateless")
    assert prep.returncode == 0 and prep.stdout.endswith(deisctl.PREP_DONE)
    assert "Could not find unit: deis-database.service\n" in prep.stderr
    assert "\x1b[0;33mdeis-database.service:\x1b[0m destroyed\n" in prep.stdout
    assert sorted(units_of(ctl, "1.12.3")) == ["publisher", "router@1", "router@2", "router@3"]
    refreshed(ctl, "1.13.4")
    takeover = ctl("1.13.4", "upgrade-takeover", "--stateless")
    assert takeover.returncode == 0
    plain = ANSI.sub("", takeover.stdout).replace("\r", "\n")
    assert plain.index("deis-router@1.service: destroyed") < plain.index("deis-router@2.service: inactive/dead")
    assert "Storage subsystem" not in plain and "Router mesh" not in plain
    assert 1700 < etcd_client.get("/deis/services/app/app_v2.web.1")["node"]["ttl"] <= 1800
    after = units_of(ctl, "1.13.4")
    assert sorted(after) == ["builder", "controller", "logspout", "publisher", "registry@1", "router@1", "router@2", "router@3"]
    assert set(after.values()) == {"active"}


def test_takeover_without_templates_removes_routers_and_publisher(ctl, agents, etcd_client):
    """The hazard of deisctl-upstream-facts.md section 3 (run, v1.13.4): every router and the publisher destroyed,
    `Error creating` for each, exit 0."""
    stateless_platform(ctl, "1.12.3")
    etcd_client.set("/deis/services/app/app_v2.web.1", "10.0.1.11:49153")
    ctl("1.12.3", "upgrade-prep", "--stateless")
    for path in (ctl.home / ".deis" / "units").glob("*.service"):
        path.unlink()
    takeover = ctl("1.13.4", "upgrade-takeover", "--stateless")
    assert takeover.returncode == 0
    assert takeover.stderr.startswith("Error creating: Could not find unit template for router\n"
                                      "Could not find unit: deis-router@1.service\n")
    assert units_of(ctl, "1.13.4") == {}


def test_units_of_a_machine_that_leaves_are_rescheduled(ctl, agents, etcd_client):
    processes = agents[1]
    refreshed(ctl, "1.13.4")
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


# -- the release archive ----------------------------------------------------------------------------------

@pytest.fixture
def run_archive(tmp_path, monkeypatch):
    """deisctl-1.13.4-linux-amd64.run holding a deisctl that runs with this interpreter."""
    monkeypatch.setenv("DEIS_SANDBOX_STATE", str(tmp_path / "state"))
    built = deis_platform.build_deisctl("v1.13.4", interpreter=sys.executable)
    assert built == deis_platform.deisctl_path("v1.13.4")
    return deis_platform.build_run_archive("v1.13.4")


def test_run_archive_extracts_and_refreshes_the_units(run_archive, tmp_path):
    """makeself-header.sh with --current: `Creating directory`, the MD5 check, extraction, then the Makefile's script
    (./deisctl refresh-units, $HOME expanded when the archive runs)."""
    home = tmp_path / "h"
    result = subprocess.run(["sh", run_archive, "--target", str(tmp_path / "t1")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ, HOME=str(home)), check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "Creating directory %s\n" % (tmp_path / "t1")
    assert result.stdout.startswith("Verifying archive integrity... All good.\nUncompressing Deis Control Utility\n"
                                    "Refreshed deis-builder unit from v1.13.4\n")
    assert result.stdout.endswith("Refreshed deis-store-volume decorator from v1.13.4\n\ndeisctl is in the current directory and "
                                  "unit files are\nin %s/.deis/units. Please move deisctl to a\ndirectory in your search PATH.\n\n"
                                  "See http://docs.deis.io/ for documentation.\n\n" % home)
    assert oct(os.stat(tmp_path / "t1").st_mode & 0o777) == "0o700"
    assert os.access(tmp_path / "t1" / "deisctl", os.X_OK)
    assert (home / ".deis" / "units" / "deis-controller.service").exists()
    with open(run_archive, "rb") as handle:
        assert handle.read().split(b"\n")[1] == b"# This script was generated using Makeself 2.2.0"


def test_run_archive_noexec_check_and_corruption(run_archive, tmp_path):
    noexec = subprocess.run(["sh", run_archive, "--noexec", "--target", str(tmp_path / "t2")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, check=False)
    assert noexec.returncode == 0 and "Refreshed" not in noexec.stdout and os.listdir(tmp_path / "t2") == ["deisctl"]
    check = subprocess.run(["sh", run_archive, "--check"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    assert (check.returncode, check.stdout, check.stderr) == (0, "Verifying archive integrity... All good.\n", " MD5 checksums are OK.")
    broken = tmp_path / "broken.run"
    broken.write_bytes(open(run_archive, "rb").read() + b"x")
    bad = subprocess.run(["sh", str(broken), "--target", str(tmp_path / "t3")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, check=False)
    assert bad.returncode == 2 and bad.stdout == "Verifying archive integrity..."
    assert re.fullmatch(r"Creating directory \S+\nError in MD5 checksums: [0-9a-f]{32} is different from [0-9a-f]{32}\n", bad.stderr)
    assert os.listdir(tmp_path / "t3") == []
    unknown = subprocess.run(["sh", run_archive, "--bogus"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    assert unknown.returncode == 1 and unknown.stderr.startswith("Unrecognized flag : --bogus\n")


def test_the_zipapp_runs_on_a_node_interpreter(binaries):
    with open(binaries["1.13.4"], "rb") as handle:
        assert handle.readline() == b"#!/usr/lib/deis-sandbox/bin/python3\n"
    assert os.access(binaries["1.13.4"], os.X_OK)
    assert json.dumps(sorted(binaries)) == json.dumps(sorted(deisctl.SUPPORTED))
    assert os.path.isfile(os.path.join(ROOTFS, "usr/lib/deis-sandbox/deis-component"))
