"""End to end with docker: `sandbox up --nodes 3 --deis v1.12.3` installs the platform as the install guide does
(deisctl from the .run archive, units refreshed into /var/lib/deis/units, only the domain set) and runs it as real
systemd units on the nodes; the units pull their image in ExecStartPre through the node's docker; the etcd-v04 fault
answers like etcd 0.4.  Skipped when docker is unusable or another sandbox is up (its nodes and etcd ports are shared)."""
import json
import os
import socket
import subprocess
import time
import urllib.request

import pytest
from simhelpers import HERE

SANDBOX = os.path.join(HERE, "..", "..", "sandbox", "sandbox")
OPERATOR = ["docker", "exec", "-u", "core", "-e", "HOME=/home/core"]


def sandbox_busy():
    listed = subprocess.run(["docker", "ps", "-aq", "--filter", "label=deis-sandbox=1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, check=False)
    if listed.returncode != 0:
        return "docker is not usable here"
    if listed.stdout.strip():
        return "another sandbox's nodes exist"
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 2379)) == 0:
            return "something listens on etcd's port 2379"
    return None


def sandbox(state, *args, timeout=150):
    return subprocess.run([SANDBOX] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, env=dict(os.environ, DEIS_SANDBOX_STATE=str(state)), check=False)


def node(name, *command, operator=False):
    return subprocess.run((OPERATOR if operator else ["docker", "exec"]) + [name] + list(command), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=False)


def events(state, name, kind):
    with open(os.path.join(state, "nodes", name, "events.jsonl")) as handle:
        return [event for event in map(json.loads, handle) if event["event"] == kind]


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    busy = sandbox_busy()
    if busy:
        pytest.skip(busy)
    state = tmp_path_factory.mktemp("e2e") / "state"
    try:
        up = sandbox(state, "up", "--nodes", "3", "--deis", "v1.12.3", "--pull-seconds", "2", timeout=300)
        assert up.returncode == 0, up.stderr
        yield state
    finally:
        sandbox(state, "down", timeout=120)


def test_the_platform_runs_on_three_nodes(platform):
    listing = node("core-02", "/opt/bin/deisctl", "list", operator=True).stdout
    rows = [line.split() for line in listing.splitlines()[1:]]
    assert len(rows) == 15 and {tuple(row[2:]) for row in rows} == {("loaded", "active", "running")}, listing
    assert len({row[1] for row in rows}) == 3, "units spread over the three machines"
    for number in (1, 2, 3):
        with urllib.request.urlopen("http://127.0.0.1:%d/" % (8080 + number), timeout=2) as response:
            assert response.status == 200
            assert response.read().decode().startswith("deis-router@%d deis/router:v1.12.3 on core-0" % number)
    status = json.loads(sandbox(platform, "status").stdout)
    assert sorted(status["deisctl_files"]) == ["v1.10.1", "v1.11.0", "v1.12.3", "v1.13.4", "v1.7.2"]
    assert all(os.access(path, os.X_OK) for path in status["deisctl_files"].values())
    assert status["deisctl_run_files"]["v1.13.4"].endswith("/deisctl-1.13.4-linux-amd64.run")
    assert status["deis"]["version_key"] is False and status["deis"]["pull_seconds"] == 2


def test_installed_as_the_install_guide_does(platform):
    """No version key; DEIS_RELEASE on every node; deisctl from the .run in /opt/bin; templates of the version in
    /var/lib/deis/units (install.sh) and /.deis/units (the .run's own refresh-units, HOME unset)."""
    key = node("core-01", "/opt/bin/deisctl", "config", "platform", "get", "version", operator=True)
    assert key.returncode == 1 and key.stdout.startswith("Error: 100: Key not found (/deis/platform/version)")
    for name in ("core-01", "core-02", "core-03"):
        assert node(name, "cat", "/etc/deis-release").stdout == "DEIS_RELEASE=v1.12.3\n"
        assert node(name, "/opt/bin/deisctl", "--version").stdout == "1.12.3\n"
        assert "deis/deis v1.12.3 " in node(name, "cat", "/var/lib/deis/units/deis-controller.service").stdout
        assert node(name, "test", "-f", "/.deis/units/deis-controller.service").returncode == 0
        assert node(name, "test", "-e", "/home/core/.deis").returncode == 1
    created = events(platform, "core-01", "deisctl_unit")
    components = ("store-daemon", "store-monitor", "store-metadata", "store-volume", "store-gateway", "logger", "logspout",
                  "database", "registry", "controller", "builder", "publisher", "router")
    assert {event["template"] for event in created if event["action"] == "create"} == {
        "/var/lib/deis/units/deis-%s.service" % c for c in components}


def test_units_pull_their_image_in_exec_start_pre(platform):
    """get_image follows the version key; the unit's `docker history || flock ... docker pull` pulls what the node lacks,
    taking --pull-seconds; a second start finds the image."""
    router = next(line.split()[1].split("/")[1] for line in node("core-01", "/opt/bin/deisctl", "list", operator=True).stdout.splitlines()
                  if line.startswith("deis-router@1.service"))
    name = "core-0%s" % router.rsplit(".", 1)[1]
    assert node(name, "/run/deis/bin/get_image", "/deis/router").stdout == "deis/router:v1.12.3\n"
    assert node("core-01", "/opt/bin/deisctl", "config", "platform", "set", "version=v1.13.4", operator=True).returncode == 0
    assert node(name, "/run/deis/bin/get_image", "/deis/router").stdout == "deis/router:v1.13.4\n"
    node("core-01", "/opt/bin/deisctl", "stop", "router@1", operator=True)
    started = time.time()
    assert node("core-01", "/opt/bin/deisctl", "start", "router@1", operator=True).returncode == 0
    pulls = [e for e in events(platform, name, "docker_pull") if e["start"] >= started]
    assert [(e["image"], e["result"]) for e in pulls] == [("deis/router:v1.13.4", "pulled")]
    assert 2.0 <= pulls[0]["end"] - pulls[0]["start"] < 4.0
    with urllib.request.urlopen("http://127.0.0.1:8081/", timeout=2) as response:
        assert "deis/router:v1.13.4" in response.read().decode()
    assert node(name, "docker", "history", "deis/router:v1.13.4").returncode == 0
    assert node(name, "docker", "pull", "deis/router:v9.9.9").returncode == 1
    node("core-01", "/opt/bin/deisctl", "config", "platform", "rm", "version", operator=True)


def test_etcd_v04_fault(platform):
    """etcdctl (the node's, unchanged) against the etcd 0.4 front: `failed to list members`, rc 4 (as etcdctl v2.2+);
    its /v2/machines and /v2/stats/self answer as etcd 0.4.9 does; deisctl works through it."""
    assert sandbox(platform, "fault", "etcd-v04").returncode == 0
    endpoint = json.loads(sandbox(platform, "status").stdout)["etcd_v04"]["endpoint"]
    health = node("core-01", "etcdctl", "--endpoints", endpoint, "cluster-health")
    assert (health.returncode, health.stdout, health.stderr) == (
        4, "cluster may be unhealthy: failed to list members\n", "Error:  unexpected status code 404\n")
    machines = node("core-01", "curl", "-sS", endpoint + "/v2/machines").stdout
    assert machines == "http://127.0.0.1:4101, http://127.0.0.1:4102, http://127.0.0.1:4103"
    stats = json.loads(node("core-01", "curl", "-sS", "http://127.0.0.1:4102/v2/stats/self").stdout)
    assert (stats["state"], stats["leaderInfo"]["leader"]) == ("follower", "n1")
    listing = node("core-01", "/opt/bin/deisctl", "--endpoint=" + endpoint, "list", operator=True)
    assert listing.returncode == 0 and len(listing.stdout.splitlines()) == 16
    assert sandbox(platform, "fault", "clear", timeout=300).returncode == 0
    assert json.loads(sandbox(platform, "status").stdout)["etcd_v04"] is None
