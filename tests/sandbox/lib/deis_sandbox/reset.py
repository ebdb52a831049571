"""`sandbox fault clear` (no node): the sandbox back to how `sandbox up` left it, without recreating it, so the
tests of a fault suite share one sandbox and pass in any order."""
from simlib.etcd2 import Etcd2, EtcdError

from deis_sandbox import nodes, services, watcher
from deis_sandbox.paths import ETCD_ENDPOINT
from deis_sandbox.run import run, wait_until

STAGED = "/var/lib/deis-sandbox/usr-b.version"
REBOOT_LOCK = "/coreos.com/updateengine/rebootlock/semaphore"
UPDATE_CONF = "GROUP=stable\nREBOOT_STRATEGY=off\n"


def node_shell(name, script):
    return run(["docker", "exec", name, "sh", "-c", script], check=False)


def needs_reboot(name, version):
    """Rebooted back to VERSION when it runs another version, has an update staged, or is out of fleet."""
    running = nodes.read_os_release(name).get("VERSION_ID")
    staged = node_shell(name, "cat %s 2>/dev/null" % STAGED).stdout.decode().strip()
    fleet = node_shell(name, "systemctl is-active fleet.service").stdout.decode().strip()
    if running != version:
        node_shell(name, "printf '%%s\\n' %s > %s" % (version, STAGED))
        return True
    if staged:
        node_shell(name, "rm -f " + STAGED)
        return True
    return fleet != "active"


def reset(state, disarm):
    """Disarm every fault (DISARM), start etcd and stopped nodes, boot every node back into the version it was
    brought up with, mask update-engine, restore update.conf and free the reboot lock."""
    options = state["options"]
    for spec in state["nodes"]:
        disarm(spec["name"])
    services.start_etcd()
    for spec in state["nodes"]:
        if nodes.container_state(spec["name"])[0] != "running":
            run(["docker", "start", spec["name"]])
    for spec in state["nodes"]:
        nodes.wait_ready(spec)
    rebooting = {spec["name"]: spec for spec in state["nodes"] if needs_reboot(spec["name"], options["coreos"])}
    restarts = {name: nodes.container_state(name)[1] for name in rebooting}
    for name in rebooting:
        node_shell(name, "systemctl reboot")
    for name, spec in rebooting.items():
        wait_until(lambda: nodes.container_state(name)[1] > restarts[name], 90, 0.5, what="%s to reboot" % name)
        nodes.wait_ready(spec)
    flavor = options["flavor"]
    for spec in state["nodes"]:
        node_shell(spec["name"], "systemctl stop update-engine.service; systemctl mask update-engine.service; "
                                 "printf '%s' > /etc/%s/update.conf" % (UPDATE_CONF.replace("\n", "\\n"), flavor))
    etcd = Etcd2(ETCD_ENDPOINT)
    try:
        etcd.delete(REBOOT_LOCK)
    except EtcdError as error:
        if error.code != 100:  # 100: key not found, the lock was never used
            raise
    wanted = {spec["machine_id"] for spec in state["nodes"]}
    wait_until(lambda: wanted <= watcher.present_machines(etcd), 60, what="every node back in fleet")
    return len(rebooting)
