"""sandbox up | status | down | fault | membership | build: the rehearsal cluster's command line."""
import argparse
import json
import os
import re
import shutil
import sys
import time

from simlib.etcd2 import EtcdError, EtcdUnreachable

from deis_sandbox import deis_platform, etcd04, images, migration, nodes, reset, router, services, watcher
from deis_sandbox.paths import ETCD_MODES, etcd_mode, load_state, save_state, state_dir, state_path
from deis_sandbox.run import SandboxError, run, wait_until

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
# deis/deis v1.12.3 controller/api/models.py validate_id_is_docker_compatible
APP_ID_RE = re.compile(r"^[a-z0-9-]+$")
DEFAULT_VERSIONS = {"coreos": ("835.12.0", "1068.8.0"), "flatcar": ("3227.2.4", "3374.2.5")}
SANDBOX_SCRIPT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__)))), "sandbox")
MAX_NODES = 20
MAX_APPS = 2000


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write("sandbox: error: %s\n" % message)
        sys.exit(2)


def version_arg(text):
    if not VERSION_RE.match(text):
        raise argparse.ArgumentTypeError("'%s' is not a CoreOS version like 835.12.0" % text)
    return text


def nodes_arg(text):
    if not text.isdigit() or not 1 <= int(text) <= MAX_NODES:
        raise argparse.ArgumentTypeError("--nodes takes a whole number from 1 to %d, not '%s'" % (MAX_NODES, text))
    return int(text)


def apps_arg(text):
    if not text.isdigit() or int(text) > MAX_APPS:
        raise argparse.ArgumentTypeError("--apps takes a whole number from 0 to %d, not '%s'" % (MAX_APPS, text))
    return int(text)


def fraction_arg(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("'%s' is not a fraction from 0 to 1" % text)
    return value


def app_id_arg(text):
    if not APP_ID_RE.match(text):
        raise argparse.ArgumentTypeError("'%s' is not a Deis app name ([a-z0-9-]+)" % text)
    return text


def regex_arg(text):
    try:
        re.compile(text)
    except re.error as error:
        raise argparse.ArgumentTypeError("'%s' is not a regular expression (%s)" % (text, error)) from error
    return text


def nodes_count_arg(text):
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError("'%s' is not a whole number from 1" % text)
    return int(text)


def seconds_arg(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError("'%s' is not a number of seconds" % text)
    return value


def parser():
    top = OneLineParser(prog="sandbox", description="Rehearsal cluster of python-less CoreOS/Flatcar nodes.")
    sub = top.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    up = sub.add_parser("up", help="bring the nodes and etcd up and print the inventory path")
    up.add_argument("--nodes", type=nodes_arg, default=3)
    up.add_argument("--flavor", choices=("coreos", "flatcar"), default="coreos")
    up.add_argument("--coreos", type=version_arg, help="OS version the nodes run (coreos: 835.12.0, flatcar: 3227.2.4)")
    up.add_argument("--coreos-available", type=version_arg,
                    help="version the update server offers (coreos: 1068.8.0, flatcar: 3374.2.5)")
    up.add_argument("--update-group", choices=("stable", "beta", "alpha"), default="stable",
                    help="the update channel that offers --coreos-available (the others offer nothing newer)")
    up.add_argument("--update-duration", type=seconds_arg, default=6.0, help="seconds an update takes")
    up.add_argument("--fleet-ttl", type=int, default=30, help="fleet agent TTL in seconds")
    up.add_argument("--connection", choices=("ssh", "docker"), default="ssh", help="which inventory to print")
    up.add_argument("--etcd", choices=ETCD_MODES,
                    help="members: a real etcd member on every node (default); host: one etcd process on the host for "
                         "every node (the default with --deis, whose workstation tunnel dials the host's 127.0.0.1:4001)")
    up.add_argument("--boot-flags-delay", type=seconds_arg, default=45.0,
                    help="seconds from update-engine's start to 'Updating boot flags...' (update_engine: 45)")
    deis_platform.add_up_arguments(up)
    up.add_argument("--apps", type=apps_arg, default=0,
                    help="also bring up the app-migration rehearsal: the old cluster (upstream controller with N apps, its "
                         "v1 registry, DNS) and the new one (upstream controller, its v1 registry, router)")
    up.add_argument("--old-deis", choices=migration.OLD_VERSIONS,
                    help="the old cluster's controller with --apps (default: --deis when given, else v1.12.3)")
    up.add_argument("--new-deis", choices=migration.NEW_VERSIONS, default=migration.NEW_VERSIONS[0],
                    help="the new cluster's controller with --apps")
    up.add_argument("--publish-delay", type=seconds_arg, default=1.0,
                    help="seconds the new controller's publish recorder spends per pull (a small image's pull)")
    sub.add_parser("status", help="print the sandbox as JSON")
    sub.add_parser("down", help="remove everything the sandbox created")
    sub.add_parser("build", help="build the node image (cached)")
    membership = sub.add_parser("membership", help="print the fleet membership log as JSON")
    membership.add_argument("--since", type=float, default=0.0, help="only entries after this UNIX time")
    fault = sub.add_parser("fault", help="inject a fault")
    kinds = fault.add_subparsers(dest="fault", required=True, parser_class=OneLineParser)
    kinds.add_parser("no-rejoin", help="NODE does not rejoin fleet after its next reboot").add_argument("node")
    slow = kinds.add_parser("slow-reboot", help="NODE's next boot takes SECONDS longer")
    slow.add_argument("node")
    slow.add_argument("seconds", type=seconds_arg)
    kinds.add_parser("update-error", help="NODE's next update fails while downloading").add_argument("node")
    kinds.add_parser("stop-node", help="shut NODE down (it stays down)").add_argument("node")
    kinds.add_parser("start-node", help="boot a stopped NODE").add_argument("node")
    kinds.add_parser("etcd-stop", help="stop etcd (with members: every member)")
    kinds.add_parser("etcd-start", help="start etcd again")
    kinds.add_parser("etcd-v04", help="an etcd that answers like etcd 0.4 (/v2/members 404) on 127.0.0.1:4101-4103 "
                     "in front of the real one; `status` names it; `clear` stops it")
    kinds.add_parser("etcd-member-stop", help="stop NODE's etcd member (systemctl stop etcd2), no reboot").add_argument("node")
    kinds.add_parser("etcd-member-start", help="start NODE's etcd member again").add_argument("node")
    kinds.add_parser("update-server-unreachable",
                     help="NODE's update-engine cannot reach the update server (its host does not resolve)").add_argument("node")
    kinds.add_parser("clear", help="disarm NODE's faults; without NODE, put the whole sandbox back as 'up' left it "
                     "(faults off, etcd and every node up, OS versions as brought up, update-engine masked, "
                     "reboot lock free)").add_argument("node", nargs="?")
    errors = kinds.add_parser("controller-errors", help="the old or new controller's proxy answers FRACTION of the requests "
                              "5xx: half before forwarding (503), half after the controller did the work (502); 0: off")
    errors.add_argument("side", choices=migration.SIDES)
    errors.add_argument("fraction", type=fraction_arg)
    slow = kinds.add_parser("controller-slow", help="the old or new controller's answers to requests whose path matches "
                            "PATH_REGEX (all) come SECONDS late; adds to the slow rules until clear")
    slow.add_argument("side", choices=migration.SIDES)
    slow.add_argument("seconds", type=seconds_arg)
    slow.add_argument("path_regex", nargs="?", type=regex_arg)
    slow.add_argument("--method", choices=("GET", "POST", "PUT", "DELETE"), help="only requests of this method")
    slow.add_argument("--times", type=nodes_count_arg, help="only the first N matching requests")
    kinds.add_parser("registry-stop", help="stop the old cluster's registry")
    kinds.add_parser("registry-start", help="start the old cluster's registry again")
    kinds.add_parser("app-name-taken", help="another user creates APP on the new controller").add_argument("app", type=app_id_arg)
    drop = kinds.add_parser("registry-drop", help="remove APP's TAG (default: its newest v<N>) from the old registry, "
                            "so that pulling it fails")
    drop.add_argument("app", type=app_id_arg)
    drop.add_argument("tag", nargs="?")
    fails = kinds.add_parser("unit-fails", help="Deis COMPONENT (or COMPONENT@N) fails to start on NODE or all nodes")
    fails.add_argument("node")
    fails.add_argument("component")
    fails.add_argument("--version", type=deis_platform.version_arg, help="fail only while the component runs this Deis version")
    prober = sub.add_parser("prober", help="the router prober: poll every router port each 100 ms, record gaps")
    prober.add_argument("action", choices=("start", "stop", "report"))
    sub.add_parser("_watch", help=argparse.SUPPRESS)
    return top


def options_of(args):
    default_now, default_available = DEFAULT_VERSIONS[args.flavor]
    return {"nodes": args.nodes, "flavor": args.flavor, "coreos": args.coreos or default_now,
            "coreos_available": args.coreos_available or default_available, "update_group": args.update_group,
            "update_duration": args.update_duration, "fleet_ttl": args.fleet_ttl, "apps": args.apps,
            "etcd": etcd_mode_of(args), "boot_flags_delay": args.boot_flags_delay,
            **deis_platform.up_options(args), **(migration_options(args) if args.apps else {})}


def migration_options(args):
    """The clusters of `up --apps`: with --deis the old cluster's controller is the nodes' platform version."""
    old = args.old_deis or (args.deis if args.deis else migration.OLD_VERSIONS[0])
    if old not in migration.OLD_VERSIONS:
        raise SandboxError("with --apps the nodes' platform is the old cluster's: --deis must be %s, not %s"
                           % (" or ".join(migration.OLD_VERSIONS), old))
    if args.deis and args.old_deis and args.deis != args.old_deis:
        raise SandboxError("--deis %s and --old-deis %s: the nodes run the old cluster's platform" % (args.deis, args.old_deis))
    return {"old_deis": old, "new_deis": args.new_deis, "publish_delay": args.publish_delay}


def etcd_mode_of(args):
    if args.deis and args.etcd == "members":
        raise SandboxError("--deis needs --etcd host: the Deis platform's workstation deisctl tunnel dials etcd at "
                           "127.0.0.1:4001 from the tunnel's node, which only the host's etcd answers in the sandbox")
    return args.etcd or ("host" if args.deis else "members")


def cmd_up(args):
    options = options_of(args)
    state = load_state()
    if state and state["options"] != options:
        raise SandboxError("the sandbox is up with other options (%s); run 'sandbox down' first"
                           % json.dumps(state["options"], sort_keys=True))
    image = images.ensure_node_image()
    os.makedirs(state_dir(), exist_ok=True)
    if state is None:
        if nodes.remove_all():
            images.log("removed containers left by an earlier sandbox")
        if migration.down():
            images.log("stopped migration services left by an earlier sandbox")
        shutil.rmtree(state_path("migration"), ignore_errors=True)
        shutil.rmtree(state_path("etcd"), ignore_errors=True)
        state = {"options": options, "image": image, "nodes": nodes.plan_nodes(options["nodes"]),
                 "created": time.time()}
        save_state(state)
    services.start_cluster(state)
    services.start_watcher(SANDBOX_SCRIPT)
    key = nodes.client_key()[0]
    known_hosts = []
    for spec in state["nodes"]:
        status = nodes.container_state(spec["name"])[0]
        if status is None:
            known_hosts.append(nodes.create(spec, options, state["image"], state["nodes"]))
        else:
            if status != "running":
                run(["docker", "start", spec["name"]])
            host_public = nodes.host_key_pair(spec["name"])[1]
            known_hosts.append("[127.0.0.1]:%d %s" % (spec["ssh_port"], " ".join(host_public.split()[:2])))
    with open(state_path("ssh", "known_hosts"), "w") as handle:
        handle.write("\n".join(known_hosts) + "\n")
    # The migration rehearsal comes up while the nodes boot.
    old_deisctl_host = state["nodes"][0]["name"] if options.get("deis") else None
    migration_vars = None
    if options["apps"]:
        migration_vars = migration.up(options["apps"], SANDBOX_SCRIPT, old_deisctl_host, options["old_deis"],
                                      options["new_deis"], options["publish_delay"])
    for spec in state["nodes"]:
        nodes.wait_ready(spec)
    if etcd_mode(state) == "members":
        services.wait_members_healthy(state)
    wanted = {spec["machine_id"] for spec in state["nodes"]}
    etcd = services.client(state)
    wait_until(lambda: wanted <= watcher.present_machines(etcd), 60, what="every node in fleet")
    deis_platform.prepare_nodes(state)
    if options.get("deis"):
        images.log("Deis %s platform up in %ss" % (options["deis"], deis_platform.up(state, images.log)))
    ssh_inventory, docker_inventory = nodes.write_inventories(state["nodes"], key)
    print(docker_inventory if args.connection == "docker" else ssh_inventory)
    if migration_vars:
        print(migration_vars)
    return 0


def fleet_members(state):
    try:
        return watcher.present_machines(services.client(state, timeout=2))
    except (EtcdError, EtcdUnreachable):
        return None


def cmd_status(args):
    state = load_state()
    if state is None:
        print(json.dumps({"up": False}, indent=2))
        return 0
    members = fleet_members(state)
    node_list = []
    for spec in state["nodes"]:
        status, restarts = nodes.container_state(spec["name"])
        release = nodes.read_os_release(spec["name"]) if status == "running" else {}
        faults = sorted(os.listdir(os.path.join(nodes.control_dir(spec["name"]), "faults")))
        node_list.append({
            "name": spec["name"], "container": status, "restarts": restarts,
            "ssh": {"host": "127.0.0.1", "port": spec["ssh_port"], "user": "core", "key": state_path("ssh", "id_ed25519")},
            "public_ip": spec["public_ip"],
            "machine_id": spec["machine_id"], "fleet_machine": spec["machine_id"][:8] + "...",
            "in_fleet": None if members is None else spec["machine_id"] in members,
            "os": {"id": release.get("ID"), "version": release.get("VERSION_ID")},
            "boots": sum(1 for e in nodes.events(spec["name"]) if e["event"] == "boot"),
            "usr": nodes.partitions(spec["name"]) if status == "running" else None,
            "faults": faults})
    print(json.dumps({
        "up": True, "options": state["options"], "image": state["image"], "nodes": node_list,
        "etcd": services.cluster_status(state),
        "inventory": {"ssh": state_path("inventory.ini"), "docker": state_path("inventory-docker.ini")},
        "membership_log": state_path("membership.jsonl"),
        "migration": migration.status() if state["options"].get("apps") else None,
        "deis": deis_platform.status(state), "deisctl_files": deis_platform.deisctl_files(),
        "deisctl_run_files": deis_platform.deisctl_run_files(), "etcd_v04": etcd04.status(),
        "workstation_deisctl_files": deis_platform.workstation_deisctl_files(),
    }, indent=2, sort_keys=True))
    return 0


def cmd_down(args):
    removed = nodes.remove_all()
    services.stop_watcher()
    services.stop_etcd()
    stopped = migration.down()
    deis_platform.prober_stop()
    etcd04.stop()
    shutil.rmtree(state_dir(), ignore_errors=True)
    print("removed %d node(s), etcd, %d migration service(s) and the sandbox state" % (removed, stopped))
    return 0


def cmd_membership(args):
    state = load_state()
    log = watcher.read_log()
    total = len(state["nodes"]) if state else 0
    print(json.dumps({"entries": [e for e in log if e["ts"] > args.since], "nodes": total,
                      "max_away": watcher.max_away(log, total, args.since)},
                     indent=2, sort_keys=True))
    return 0


def node_spec(state, name):
    for spec in state["nodes"]:
        if spec["name"] == name:
            return spec
    raise SandboxError("no node named '%s' (nodes: %s)" % (name, ", ".join(s["name"] for s in state["nodes"])))


def disarm(name):
    """Remove every fault armed on node NAME."""
    folder = os.path.join(nodes.control_dir(name), "faults")
    for fault in os.listdir(folder):
        os.unlink(os.path.join(folder, fault))


def write_fault(name, fault, text):
    path = os.path.join(nodes.control_dir(name), "faults", fault)
    with open(path, "w") as handle:
        handle.write(text)


MIGRATION_FAULTS = ("controller-errors", "controller-slow", "registry-stop", "registry-start", "app-name-taken",
                    "registry-drop")


def migration_fault(args):
    if args.fault == "controller-errors":
        migration.set_controller_errors(args.side, args.fraction)
    elif args.fault == "controller-slow":
        migration.add_controller_slow(args.side, args.seconds, args.path_regex, args.method, args.times)
    elif args.fault == "registry-stop":
        migration.stop_registry()
    elif args.fault == "registry-start":
        migration.restart_registry()
    elif args.fault == "app-name-taken":
        migration.take_app_name(args.app)
    elif args.fault == "registry-drop":
        print("dropped %s:%s" % (args.app, migration.drop_registry_tag(args.app, args.tag)))


def cmd_fault(args):
    state = load_state()
    if state is None:
        raise SandboxError("the sandbox is not up; run 'sandbox up' first")
    if args.fault in MIGRATION_FAULTS:
        if not state["options"].get("apps"):
            raise SandboxError("the sandbox has no migration rehearsal; run 'sandbox down' and 'sandbox up --apps N'")
        migration_fault(args)
    elif args.fault == "etcd-stop":
        services.stop_cluster(state)
    elif args.fault == "etcd-start":
        services.restart_cluster(state)
    elif args.fault in ("etcd-member-stop", "etcd-member-start"):
        services.require_members(state, args.fault)
        services.member_unit(node_spec(state, args.node)["name"], args.fault.rsplit("-", 1)[1])
    elif args.fault == "clear" and args.node:
        disarm(node_spec(state, args.node)["name"])
    elif args.fault == "etcd-v04":
        print("etcd 0.4 front on %s" % etcd04.start(SANDBOX_SCRIPT))
    elif args.fault == "clear":
        etcd04.stop()
        rebooted = reset.reset(state, disarm)
        if state["options"].get("apps"):
            migration.reset_faults()
        print("back to how 'up' left it (%d node(s) rebooted)" % rebooted)
    elif args.fault == "unit-fails":
        deis_platform.fault_unit_fails(state, args.node, args.component, args.version)
    else:
        spec = node_spec(state, args.node)
        if args.fault == "no-rejoin":
            write_fault(spec["name"], "no-rejoin", "armed\n")
        elif args.fault == "slow-reboot":
            write_fault(spec["name"], "slow-boot", "%g\n" % args.seconds)
        elif args.fault == "update-error":
            write_fault(spec["name"], "update-error", "armed\n")
        elif args.fault == "update-server-unreachable":
            write_fault(spec["name"], "update-server-unreachable", "armed\n")
        elif args.fault == "stop-node":
            run(["docker", "stop", spec["name"]])
        elif args.fault == "start-node":
            run(["docker", "start", spec["name"]])
    print("fault %s: done" % args.fault)
    return 0


def cmd_build(args):
    print(images.ensure_images())
    return 0


COMMANDS = {"up": cmd_up, "status": cmd_status, "down": cmd_down, "fault": cmd_fault, "build": cmd_build,
            "membership": cmd_membership, "_watch": lambda args: watcher.watch_forever(),
            "prober": lambda args: deis_platform.cmd_prober(args.action, SANDBOX_SCRIPT)}
# Servers the sandbox starts in the background, with their own options.
SERVERS = {"_router": router.main, "_registry-gate": migration.registry_gate_main, "_prober": deis_platform.prober_main,
           "_etcd04": etcd04.main}


def main(argv):
    if argv and argv[0] in SERVERS:
        return SERVERS[argv[0]](argv[1:])
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SandboxError as error:
        sys.stderr.write("sandbox: error: %s\n" % error)
        return 1
    except KeyboardInterrupt:
        return 130
