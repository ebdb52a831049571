"""`sandbox fault clear` (no node): the sandbox back to how `sandbox up` left it, without recreating it, so the
tests of a fault suite share one sandbox and pass in any order."""
from simlib.etcd2 import EtcdError

from deis_sandbox import nodes, services, watcher
from deis_sandbox.paths import etcd_mode
from deis_sandbox.run import run, wait_until

STAGED = "/var/lib/deis-sandbox/usr-b.version"
FALLBACK = "/var/lib/deis-sandbox/usr-fallback.version"
COMPLETED_MARKER = "/run/update_engine_autoupdate_completed"
REBOOT_LOCK = "/coreos.com/updateengine/rebootlock/semaphore"
UPDATE_CONF = "GROUP=stable\nREBOOT_STRATEGY=off\n"


def node_shell(name, script):
    return run(["docker", "exec", name, "sh", "-c", script], check=False)


def needs_reboot(name, version):
    """Rebooted back to VERSION when it runs another version, has an update staged (or its marker), or is out of
    fleet."""
    running = nodes.read_os_release(name).get("VERSION_ID")
    staged = node_shell(name, "cat %s %s 2>/dev/null; ls %s 2>/dev/null" % (STAGED, FALLBACK, COMPLETED_MARKER))
    fleet = node_shell(name, "systemctl is-active fleet.service").stdout.decode().strip()
    if running != version:
        node_shell(name, "rm -f %s; printf '%%s\\n' %s > %s" % (FALLBACK, version, STAGED))
        return True
    if staged.stdout.strip():
        node_shell(name, "rm -f %s %s" % (STAGED, FALLBACK))
        return True
    return fleet != "active"


def reset(state, disarm):
    """Disarm every fault (DISARM), start etcd (every member) and stopped nodes, boot every node back into the
    version it was brought up with (its partition marked good), mask update-engine, restore update.conf and free
    the reboot lock."""
    options = state["options"]
    for spec in state["nodes"]:
        disarm(spec["name"])
    services.start_cluster(state)
    for spec in state["nodes"]:
        if nodes.container_state(spec["name"])[0] != "running":
            run(["docker", "start", spec["name"]])
    for spec in state["nodes"]:
        nodes.wait_ready(spec)
    if etcd_mode(state) == "members":
        services.restart_cluster(state)
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
                                 "rm -f %s; printf '%s' > /etc/%s/update.conf"
                   % (FALLBACK, UPDATE_CONF.replace("\n", "\\n"), flavor))
    if etcd_mode(state) == "members":
        services.wait_members_healthy(state)
    etcd = services.client(state)
    try:
        etcd.delete(REBOOT_LOCK)
    except EtcdError as error:
        if error.code != 100:  # 100: key not found, the lock was never used
            raise
    wanted = {spec["machine_id"] for spec in state["nodes"]}
    wait_until(lambda: wanted <= watcher.present_machines(etcd), 60, what="every node back in fleet")
    return len(rebooting)
