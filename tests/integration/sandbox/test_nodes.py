"""The sandbox's nodes behave like a Deis v1 cluster of CoreOS hosts (facts: shared/reference/deis-v1-facts.md,
coreos-upstream-facts.md): one 3-node sandbox for the module, an etcd member on every node, reached over SSH as
Ansible and testinfra reach it."""
import json
import os
import subprocess
import sys
import time

import pytest
from simhelpers import module_util_etcdctl

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "extensions", "molecule", "shared"))
from sandbox_helpers import node_hosts, sandbox, sandbox_status, wait_until  # noqa: E402  pylint: disable=wrong-import-position

NAMES = ("core-01", "core-02", "core-03")

OS_RELEASE_835 = (
    "NAME=CoreOS\nID=coreos\nVERSION=835.12.0\nVERSION_ID=835.12.0\nBUILD_ID=\n"
    'PRETTY_NAME="CoreOS 835.12.0"\nANSI_COLOR="1;32"\nHOME_URL="https://coreos.com/"\n'
    'BUG_REPORT_URL="https://github.com/coreos/bugs/issues"\n')
OS_RELEASE_1068 = (
    "NAME=CoreOS\nID=coreos\nVERSION=1068.8.0\nVERSION_ID=1068.8.0\nBUILD_ID=\n"
    'PRETTY_NAME="CoreOS 1068.8.0 (MoreOS)"\nANSI_COLOR="1;32"\nHOME_URL="https://coreos.com/"\n'
    'BUG_REPORT_URL="https://github.com/coreos/bugs/issues"\n')
METADATA = "controlPlane=true,dataPlane=true,routerMesh=true"


@pytest.fixture(scope="module")
def status():
    """A fresh 3-node CoreOS 835.12.0 sandbox (1068.8.0 offered), taken down after the module."""
    sandbox("down")
    sandbox("up", "--nodes", "3", "--coreos", "835.12.0", "--coreos-available", "1068.8.0", "--boot-flags-delay", "3")
    yield sandbox_status()
    sandbox("down")


@pytest.fixture(scope="module")
def nodes(status):
    return node_hosts(status["inventory"]["ssh"], NAMES)


def pid1_start(node):
    """PID 1's start time (the boot id does not change in a container); None while unreachable."""
    try:
        result = node.run("cut -d' ' -f22 /proc/1/stat")
    except RuntimeError:  # testinfra raises on ssh's own failures (exit 255)
        return None
    return result.stdout.strip() if result.rc == 0 else None


def system_state(node):
    try:
        return node.run("systemctl is-system-running").stdout.strip()
    except RuntimeError:
        return None


def reboot(node, timeout=120):
    """Reboot for real (systemd stops every unit, PID 1 exits, the container boots again) and wait
    until PID 1 is a new one and systemd is up."""
    before = pid1_start(node)
    assert before
    assert node.run("sudo systemd-run --on-active=1 --timer-property=AccuracySec=100ms systemctl reboot").rc == 0
    wait_until(lambda: pid1_start(node) not in (None, before) and system_state(node) in ("running", "degraded"), timeout, 1,
               what="the node to boot again")


def in_fleet(observer, machine_id):
    return machine_id in observer.run("fleetctl list-machines --full --no-legend").stdout


def boots(name):
    return next(n["boots"] for n in sandbox_status()["nodes"] if n["name"] == name)


def start_update_engine(node):
    assert node.run("sudo systemctl unmask update-engine.service && sudo systemctl start update-engine.service").rc == 0


def stop_update_engine(node):
    assert node.run("sudo systemctl stop update-engine.service && sudo systemctl mask update-engine.service").rc == 0


def last_status_block(stdout):
    return dict(line.split("=", 1) for line in stdout.strip().splitlines()[-5:])


def test_systemd_is_pid1_and_running(nodes):
    for node in nodes.values():
        assert node.run("cat /proc/1/comm").stdout.strip() == "systemd"
        assert node.run("systemctl is-system-running").stdout.strip() == "running"


def test_no_python_that_ansible_can_find(nodes, status):
    for node in nodes.values():
        found = node.run("command -v python python2 python3 python3.11 /usr/libexec/platform-python")
        assert found.stdout == ""
    ping = subprocess.run(["ansible", "-i", status["inventory"]["ssh"], "core-01", "-m", "ansible.builtin.ping"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    assert ping.returncode != 0
    assert "python3: not found" in ping.stdout


def test_core_user_with_passwordless_sudo(nodes):
    for node in nodes.values():
        assert node.user().name == "core"
        assert node.run("sudo -n id -u").stdout.strip() == "0"


def test_os_release_is_coreos_835(nodes):
    for node in nodes.values():
        assert node.file("/etc/os-release").linked_to == "/usr/lib/os-release"
        assert node.file("/usr/lib/os-release").content_string == OS_RELEASE_835
        assert "COREOS_RELEASE_VERSION=835.12.0" in node.file("/usr/share/coreos/release").content_string


def test_fleet_lists_every_machine_with_real_tab_padding(nodes, status):
    machines = sorted((n["machine_id"], n["public_ip"]) for n in status["nodes"])
    for name, node in nodes.items():
        expected_id = next(n["machine_id"] for n in status["nodes"] if n["name"] == name)
        assert node.file("/etc/machine-id").content_string.strip() == expected_id
    short = "MACHINE\t\tIP\t\tMETADATA\n" + "".join("%s...\t%s\t%s\n" % (m[:8], ip, METADATA) for m, ip in machines)
    full = "MACHINE\t\t\t\t\tIP\t\tMETADATA\n" + "".join("%s\t%s\t%s\n" % (m, ip, METADATA) for m, ip in machines)
    observer = nodes["core-02"]
    assert observer.run("fleetctl list-machines").stdout == short
    assert observer.run("fleetctl list-machines --full").stdout == full
    assert observer.run("fleetctl list-machines -l --no-legend").stdout == full.split("\n", 1)[1]
    assert observer.run("fleetctl list-machines --fields=ip --no-legend").stdout == "".join(m[1] + "\n" for m in machines)
    bad = observer.run("fleetctl list-machines --fields=zone")
    assert (bad.rc, bad.stderr) == (1, 'Invalid key in output format: "zone"\n')


def test_update_engine_masked_and_stopped_as_deis_leaves_it(nodes):
    for node in nodes.values():
        assert node.run("systemctl is-enabled update-engine.service").stdout.strip() == "masked"
        assert node.run("systemctl is-active update-engine.service").stdout.strip() == "inactive"
        assert "GROUP=stable" in node.file("/etc/coreos/update.conf").content_string


def machine(status, name):
    return next(n["machine_id"] for n in status["nodes"] if n["name"] == name)


def member_states(observer):
    """{member name (the node's machine id, ETCD_NAME=%m): healthy|unhealthy|unreachable} as etcdctl on OBSERVER says."""
    parser = module_util_etcdctl()
    health = observer.run("etcdctl cluster-health")
    listing = parser.parse_member_list(observer.run("etcdctl member list").stdout)
    names = {m["id"]: m["name"] for m in listing}
    return {names[m["id"]]: m["state"] for m in parser.parse_cluster_health(health.rc, health.stdout, health.stderr)["members"]}


def test_every_node_runs_an_etcd_member(nodes, status):
    assert nodes["core-01"].run("etcdctl set /sandbox-test/hello world").rc == 0
    assert nodes["core-03"].run("etcdctl get /sandbox-test/hello").stdout == "world\n"
    health = nodes["core-02"].run("etcdctl cluster-health")
    assert (health.rc, health.stdout.splitlines()[-1]) == (0, "cluster is healthy")
    assert member_states(nodes["core-02"]) == {n["machine_id"]: "healthy" for n in status["nodes"]}
    for node in status["nodes"]:
        assert nodes[node["name"]].run("systemctl is-active etcd2.service").stdout.strip() == "active"
    assert status["etcd"]["mode"] == "members" and status["etcd"]["healthy"] is True


def test_a_reboot_takes_the_member_away(nodes, status):
    observer, rebooting = nodes["core-01"], nodes["core-03"]
    seen = []
    before = pid1_start(rebooting)
    assert rebooting.run("sudo systemd-run --on-active=1 --timer-property=AccuracySec=100ms systemctl reboot").rc == 0
    deadline = time.time() + 60
    while time.time() < deadline:
        seen.append(member_states(observer)[machine(status, "core-03")])
        if pid1_start(rebooting) not in (None, before) and seen[-1] == "healthy" and "unreachable" in seen:
            break
        time.sleep(0.3)
    assert "unreachable" in seen and seen[-1] == "healthy", seen
    assert len(member_states(observer)) == 3


def test_fault_member_stop_without_reboot(nodes, status):
    """Its node's fleetd loses etcd (fleetctl there answers fleetd's 503), the others list the member unreachable."""
    away = machine(status, "core-02")
    sandbox("fault", "etcd-member-stop", "core-02")
    try:
        assert member_states(nodes["core-01"])[away] == "unreachable"
        own = nodes["core-02"].run("etcdctl cluster-health")
        assert (own.rc, own.stdout) == (4, "cluster may be unhealthy: failed to list members\n")
        fleet = nodes["core-02"].run("fleetctl list-machines")
        assert (fleet.rc, fleet.stderr) == (1, "Error retrieving list of active machines: googleapi: Error 503: "
                                               "fleet server unable to communicate with etcd\n")
        assert next(m for m in sandbox_status()["etcd"]["members"] if m["node"] == "core-02")["healthy"] is False
    finally:
        sandbox("fault", "etcd-member-start", "core-02")
    wait_until(lambda: member_states(nodes["core-01"])[away] == "healthy", 30, 0.5, what="core-02's member back")


def test_update_engine_client_gives_up_when_the_daemon_is_masked(nodes):
    started = time.time()
    result = nodes["core-02"].run("sudo update_engine_client -update")
    assert result.rc == 1
    assert "Giving up -- unable to get dbus proxy for com.coreos.update1" in result.stderr
    assert result.stdout == ""
    assert time.time() - started >= 29, "the real client tries 4 times, 10 s apart"


def test_coreos_reports_no_update_as_failure(nodes):
    node = nodes["core-02"]
    assert node.run("echo GROUP=beta | sudo tee /etc/coreos/update.conf").rc == 0
    start_update_engine(node)
    try:
        result = node.run("sudo update_engine_client -update")
    finally:
        stop_update_engine(node)
        node.run("printf 'GROUP=stable\\nREBOOT_STRATEGY=off\\n' | sudo tee /etc/coreos/update.conf")
    assert result.rc == 1
    assert "Update failed." in result.stderr
    assert last_status_block(result.stdout)["CURRENT_OP"] == "UPDATE_STATUS_IDLE"
    assert node.file("/usr/lib/os-release").content_string == OS_RELEASE_835


def test_locksmith_semaphore(nodes, status):
    one, two = nodes["core-01"], nodes["core-02"]
    one_id = next(n["machine_id"] for n in status["nodes"] if n["name"] == "core-01")
    assert one.run("locksmithctl status").stdout == "Available: 1\nMax: 1\n"
    locked = one.run("locksmithctl lock")
    assert (locked.rc, locked.stdout, locked.stderr) == (0, "", "")
    assert two.run("locksmithctl status").stdout == "Available: 0\nMax: 1\n\nMACHINE ID\n%s\n" % one_id
    assert two.run("etcdctl get /coreos.com/updateengine/rebootlock/semaphore").stdout == \
        '{"semaphore":0,"max":1,"holders":["%s"]}\n' % one_id
    full = two.run("locksmithctl lock")
    assert (full.rc, full.stderr) == (1, "Error locking: semaphore is at 0\n")
    again = one.run("locksmithctl lock")  # lock/semaphore.go:75-87: the count is checked before the holders
    assert (again.rc, again.stderr) == (1, "Error locking: semaphore is at 0\n")
    assert one.run("locksmithctl unlock").rc == 0
    missing = one.run("locksmithctl unlock")
    assert (missing.rc, missing.stderr) == (1, "Error unlocking: holder does not exist\n")
    assert two.run("locksmithctl status").stdout == "Available: 1\nMax: 1\n"


def test_update_staged_then_booted(nodes, status):
    node, observer = nodes["core-03"], nodes["core-01"]
    machine_id = next(n["machine_id"] for n in status["nodes"] if n["name"] == "core-03")
    start_update_engine(node)
    try:
        result = node.run("sudo update_engine_client -update")
    finally:
        stop_update_engine(node)
    assert result.rc == 0, result.stderr
    assert "Update succeeded -- reboot needed." in result.stderr
    block = last_status_block(result.stdout)
    assert block["CURRENT_OP"] == "UPDATE_STATUS_UPDATED_NEED_REBOOT"
    assert block["NEW_VERSION"] == "0.0.0.0"
    assert node.file("/usr/lib/os-release").content_string == OS_RELEASE_835, "an update only stages"

    since, booted = time.time(), boots("core-03")
    reboot(node)
    assert node.file("/usr/lib/os-release").content_string == OS_RELEASE_1068
    assert boots("core-03") == booted + 1
    assert next(n["os"] for n in sandbox_status()["nodes"] if n["name"] == "core-03") == {"id": "coreos", "version": "1068.8.0"}
    assert node.run("systemctl is-enabled update-engine.service").stdout.strip() == "masked"
    wait_until(lambda: in_fleet(observer, machine_id), 60, 0.5, what="core-03 back in fleet")
    log = json.loads(sandbox("membership", "--since", str(since)))["entries"]
    assert [(e["event"], e["machine"]) for e in log] == [("leave", machine_id), ("join", machine_id)]
    assert min(e["present"] for e in log) == 2, "exactly one node away"

    assert partitions("core-03") == {"staged": None, "fallback_pending": "835.12.0"}, "not marked good yet"
    start_update_engine(node)
    try:
        # The kernel's boot id is the host's, so `journalctl -b` also shows the containers' earlier boots: read from
        # the daemon's start on, as the collection does.
        since = node.run("systemctl show -p ExecMainStartTimestamp update-engine.service").stdout.split(" ", 1)[1][:19]
        journal = "sudo journalctl -u update-engine.service --no-pager -o cat --since '%s'" % since
        wait_until(lambda: ":INFO:update_attempter.cc(485)] Updating boot flags..." in node.run(journal).stdout,
                   30, 0.5, what="Updating boot flags...")
        assert node.run(journal).stdout.index("CoreOS Update Engine starting") < node.run(journal).stdout.index(
            "Updating boot flags...")
        assert last_status_block(node.run("sudo update_engine_client -status").stdout)["CURRENT_OP"] == "UPDATE_STATUS_IDLE"
    finally:
        stop_update_engine(node)
    assert partitions("core-03") == {"staged": None, "fallback_pending": None}


def partitions(name):
    return next(n["usr"] for n in sandbox_status()["nodes"] if n["name"] == name)


def test_update_server_unreachable(nodes):
    node = nodes["core-01"]
    sandbox("fault", "update-server-unreachable", "core-01")
    start_update_engine(node)
    try:
        result = node.run("sudo update_engine_client -update")
        journal = node.run("sudo journalctl -u update-engine.service --no-pager -o cat").stdout
    finally:
        stop_update_engine(node)
        sandbox("fault", "clear", "core-01")
    assert (result.rc, result.stderr.splitlines()[-1].split("] ")[-1]) == (1, "Update failed.")
    assert "Omaha request network transfer failed." in journal


def test_fault_node_does_not_rejoin_after_reboot(nodes, status):
    node, observer = nodes["core-02"], nodes["core-01"]
    machine_id = next(n["machine_id"] for n in status["nodes"] if n["name"] == "core-02")
    sandbox("fault", "no-rejoin", "core-02")
    reboot(node)
    time.sleep(5)
    assert not in_fleet(observer, machine_id)
    sandbox("fault", "clear", "core-02")
    assert node.run("sudo systemctl restart fleet.service").rc == 0
    wait_until(lambda: in_fleet(observer, machine_id), 30, 0.5, what="core-02 back in fleet")


def test_fault_slow_reboot(nodes):
    sandbox("fault", "slow-reboot", "core-01", "8")
    started = time.time()
    reboot(nodes["core-01"])
    assert time.time() - started >= 8
    assert sandbox_status()["nodes"][0]["faults"] == []


def test_fault_etcd_down(nodes, status):
    """etcd-stop with a member on every node stops every member."""
    observer = nodes["core-03"]
    sandbox("fault", "etcd-stop")
    try:
        result = observer.run("fleetctl list-machines")
        assert result.rc == 1
        assert result.stderr.startswith("Error retrieving list of active machines: ")
        assert observer.run("etcdctl cluster-health").rc == 4
    finally:
        sandbox("fault", "etcd-start")
    wanted = {n["machine_id"] for n in status["nodes"]}
    wait_until(lambda: all(in_fleet(observer, m) for m in wanted), 60, 0.5, what="every node back in fleet")
