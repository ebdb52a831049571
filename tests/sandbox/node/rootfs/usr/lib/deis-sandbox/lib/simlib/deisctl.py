"""deisctl of Deis v1 (fleet backend) for the sandbox: one binary per version, built as a zipapp.

Output follows deis-v1-facts.md section 2 byte for byte, version quirks included: --version exits 1
before v1.8, "Routing mesh..." before v1.10, the channel printer before v1.9, no failed-state check
before v1.9 (start polls until running), exit 0 when a unit fails. With --tunnel or DEISCTL_TUNNEL,
etcd is reached through a real SSH tunnel to that host (sshtunnel.py), as on a workstation.
Not simulated: dock, journal, scale, ssh, status, help, file-valued config keys (stored as given).
"""
import os
import sys
import threading
import time

from simlib import deisplatform, fleet, node, tabwriter
from simlib.sshtunnel import Tunnel, TunnelError
from simlib.etcd2 import Etcd2, EtcdError, EtcdUnreachable

SUPPORTED = ("1.7.2", "1.12.3", "1.13.4")
DEFAULT_ENDPOINT = "http://127.0.0.1:4001"
VALUE_OPTIONS = ("--endpoint", "--etcd-cafile", "--etcd-certfile", "--etcd-key-prefix", "--etcd-keyfile",
                 "--known-hosts-file", "--request-timeout", "--ssh-timeout", "--strict-host-key-checking", "--tunnel")
YELLOW, RED, RESET = "\x1b[0;33m", "\x1b[0;31m", "\x1b[0m"
DEIS1 = "\x1b[31m\u25cf \x1b[34m\u25b4 \x1b[32m\u25a0\x1b[0m"
DEIS2 = "\x1b[32m\u25a0 \x1b[31m\u25cf \x1b[34m\u25b4\x1b[0m"
DEIS3 = "\x1b[34m\u25b4 \x1b[32m\u25a0 \x1b[31m\u25cf\x1b[0m"
POLL = 0.25
UNIT_PREFIXES = tuple("deis-" + c for c in deisplatform.COMPONENTS)
NO_MATCH = 'Found no matching command, try "deisctl help"\nUsage: deisctl <command> [<args>...] [options]\n'
PREP_DONE = ("The platform has been stopped, but applications are still serving traffic as normal.\n"
             "Your cluster is now ready for upgrade. Install a new deisctl version and run `deisctl upgrade-takeover`.\n"
             "For more details, see: http://docs.deis.io/en/latest/managing_deis/upgrading-deis/#graceful-upgrade\n")
CONTROL_PLANE = ("database", "registry@*", "controller")


class DeisctlError(Exception):
    """Printed as `Error: <message>` on stdout, exit 1."""


def version_tuple(version):
    return tuple(int(part) for part in version.split("."))


def banner(message):
    return "%s\n%s %s\n%s\n" % (DEIS1, DEIS2, message, DEIS3)


class Output:
    """stdout / stderr shared by the unit goroutines; the events log when on a sandbox node."""

    def __init__(self, quiet=False):
        self.lock = threading.Lock()
        self.quiet = quiet
        self.log_events = not quiet and os.path.isdir(node.path(node.CONTROL))

    def out(self, text):
        self._write(sys.stdout, text)

    def err(self, text):
        self._write(sys.stderr, text)

    def _write(self, stream, text):
        if self.quiet:
            return
        with self.lock:
            stream.write(text)
            stream.flush()

    def event(self, event, **fields):
        if self.log_events:
            node.record_event(event, **fields)


class Deisctl:
    """The commands of one deisctl version against one etcd."""

    def __init__(self, version, etcd, prefix):
        self.version = version
        self.v = version_tuple(version)
        self.etcd = etcd
        self.prefix = prefix
        self.io = Output()
        self.scheduling = threading.Lock()

    # -- fleet backend -------------------------------------------------------------------------

    def expand(self, targets):
        """router@* -> the installed instances; other targets as given."""
        jobs = fleet.read_jobs(self.etcd, self.prefix)
        expanded = []
        for target in targets:
            if target.endswith("@*"):
                head = "deis-" + target[:-1]
                instances = sorted((name for name in jobs if name.startswith(head)),
                                   key=lambda name: int(name[len(head):].split(".")[0] or 0))
                expanded += [name[len("deis-"):-len(".service")] for name in instances]
            else:
                expanded.append(target)
        return expanded

    def parallel(self, action, targets, io=None):
        threads = [threading.Thread(target=action, args=(target, io or self.io), daemon=True)
                   for target in self.expand(targets)]
        for thread in threads:
            thread.start()
        return threads

    def run_all(self, action, targets):
        for thread in self.parallel(action, targets):
            thread.join()

    def background(self, action, targets):
        """Go routines whose output goes to a trash buffer and nobody waits for."""
        self.parallel(action, targets, Output(quiet=True))

    def unit_state(self, name):
        return fleet.read_states(self.etcd, self.prefix).get(name)

    def overwrite(self, io, name, state):
        text = "%s%s:%s %s/%s" % (YELLOW, name, RESET, state.get("activeState"), state.get("subState"))
        if self.v < (1, 9):
            io.out(text + " " * 33 + "\r\n")
        else:
            io.out(text + " " * max(0, 80 - len(text.encode())) + "\r")

    def create(self, target, io):
        name = deisplatform.unit_name(target)
        started = time.time()
        component = deisplatform.split_target(target)[0]
        fleet.create_unit(self.etcd, name, self.unit_file(component), self.prefix)
        with self.scheduling:
            fleet.schedule(self.etcd, name, self.prefix)
        fleet.set_target_state(self.etcd, name, "loaded", self.prefix)
        while self.unit_state(name) is None:
            time.sleep(POLL)
        io.out("%s%s:%s loaded\n" % (YELLOW, name, RESET))
        io.event("deisctl_unit", action="create", unit=name, start=started, end=time.time())

    def unit_file(self, component):
        """install reads $DEISCTL_UNITS, $HOME/.deis/units, /var/lib/deis/units (refresh-units writes there)."""
        for folder in (os.environ.get("DEISCTL_UNITS"), os.path.expanduser("~/.deis/units"), "/var/lib/deis/units"):
            if folder:
                path = os.path.join(folder, self.unit_template_name(component))
                if os.path.exists(path):
                    with open(path) as handle:
                        return handle.read()
        return deisplatform.unit_file(component)

    @staticmethod
    def unit_template_name(component):
        return "deis-%s%s.service" % (component, "@" if component in deisplatform.TEMPLATES else "")

    def start(self, target, io):
        self._transition(target, io, ("start", "launched", "running", "dead"), "starting")

    def stop(self, target, io):
        self._transition(target, io, ("stop", "loaded", "dead", "running"), "stopping")

    def _transition(self, target, io, plan, verb):
        """plan: (action, requested target state, sub-state waited for, sub-state polling starts from)."""
        action, request, desired, last = plan
        name = deisplatform.unit_name(target)
        started = time.time()
        if name not in fleet.read_jobs(self.etcd, self.prefix):
            io.err("Could not find unit: %s\n" % name)
            return
        fleet.set_target_state(self.etcd, name, request, self.prefix)
        result = desired
        while True:
            state = self.unit_state(name)
            if state is None:
                io.err("Could not find unit: %s\n" % name)
                result = "missing"
                break
            sub = state.get("subState")
            if sub != last:
                self.overwrite(io, name, state)
            if sub == desired:
                if self.v >= (1, 9):
                    io.out("\n")
                break
            last = sub
            if sub == "failed" and self.v >= (1, 9):
                io.err("%sThe service '%s' failed while %s.%s\n" % (RED, target, verb, RESET))
                result = "failed"
                break
            time.sleep(POLL)
        io.event("deisctl_unit", action=action, unit=name, result=result,
                 start=started, end=time.time())

    def destroy(self, target, io):
        name = deisplatform.unit_name(target)
        started = time.time()
        fleet.destroy_unit(self.etcd, name, self.prefix)
        deadline = time.time() + 30
        while self.unit_state(name) is not None and time.time() < deadline:
            time.sleep(POLL)
        io.out("%s: destroyed\n" % name)
        io.event("deisctl_unit", action="destroy", unit=name, start=started, end=time.time())

    # -- platform ------------------------------------------------------------------------------

    def mesh_header(self):
        return "Router mesh...\n" if self.v >= (1, 10) else "Routing mesh...\n"

    def create_core(self, stateless):
        """Storage (unless stateless), logging and control-plane units, as install platform and upgrade-takeover create them."""
        if not stateless:
            self.io.out("Storage subsystem...\n")
            self.run_all(self.create, ["store-daemon", "store-monitor", "store-metadata", "store-volume", "store-gateway@1"])
        self.io.out("Logging subsystem...\n")
        self.run_all(self.create, ["logger", "logspout"])
        self.io.out("Control plane...\n")
        self.run_all(self.create, ["database", "registry@1", "controller", "builder"])

    def install_platform(self, stateless, mesh_size):
        self.check_keys()
        self.io.out(banner("Installing Deis..."))
        routers = ["router@%d" % n for n in range(1, mesh_size + 1)]
        self.create_core(stateless)
        self.io.out("Data plane...\n")
        self.run_all(self.create, ["publisher"])
        self.io.out(self.mesh_header())
        self.run_all(self.create, routers)
        self.io.out("Done.\n\nPlease run `deisctl start %s` to boot up Deis.\n" % self.platform_name(stateless))

    @staticmethod
    def platform_name(stateless):
        return "stateless-platform" if stateless else "platform"

    def check_keys(self):
        try:
            self.etcd.get("/deis/platform/domain")
        except EtcdError as error:
            raise DeisctlError("Missing platform domain, use:\ndeisctl config platform set domain=<your-domain>") from error
        try:
            self.etcd.get("/deis/platform/sshPrivateKey")
        except EtcdError:
            self.io.out('Warning: Missing sshPrivateKey, "deis run" will be unavailable. Use:\n'
                        "deisctl config platform set sshPrivateKey=<path-to-key>\n")

    def start_storage(self):
        self.io.out("Storage subsystem...\n")
        for group in ("store-monitor", "store-daemon", "store-metadata", "store-gateway@*", "store-volume"):
            self.run_all(self.start, [group])

    def start_platform(self, stateless):
        self.io.out(banner("Starting Deis..."))
        if not stateless:
            self.start_storage()
        self.io.out("Logging subsystem...\n")
        self.run_all(self.start, ["logger"])
        self.run_all(self.start, ["logspout"])
        self.background(self.start, list(CONTROL_PLANE) + ["builder", "publisher", "router@*"])
        self.io.out("Control plane...\n")
        self.run_all(self.start, CONTROL_PLANE)
        self.run_all(self.start, ["builder"])
        self.io.out("Data plane...\n")
        self.run_all(self.start, ["publisher"])
        self.io.out(self.mesh_header())
        self.run_all(self.start, ["router@*"])
        if self.v >= (1, 10):
            self.io.out("Done.\n \nPlease set up an administrative account. See 'deis help register'\n")
        else:
            self.io.out("Done.\n \nPlease use `deis register` to setup an administrator account.\n")

    def stop_platform(self, stateless):
        self.io.out(banner("Stopping Deis..."))
        self.teardown(self.stop, stateless)
        self.io.out("Done.\n \nPlease run `deisctl start %s` to restart Deis.\n" % self.platform_name(stateless))

    def uninstall_platform(self, stateless):
        self.io.out(banner("Uninstalling Deis..."))
        self.teardown(self.destroy, stateless)
        self.io.out("Done.\n")

    def teardown(self, action, stateless):
        self.io.out(self.mesh_header())
        self.run_all(action, ["router@*"])
        self.io.out("Data plane...\n")
        self.run_all(action, ["publisher"])
        self.io.out("Control plane...\n")
        self.run_all(action, ["controller", "builder", "database", "registry@*"])
        self.io.out("Logging subsystem...\n")
        self.run_all(action, ["logger", "logspout"])
        if not stateless:
            self.io.out("Storage subsystem...\n")
            for group in (["store-volume", "store-gateway@*"], ["store-metadata"], ["store-daemon"], ["store-monitor"]):
                self.run_all(action, group)

    # -- graceful upgrade ----------------------------------------------------------------------

    def upgrade_prep(self, stateless):
        groups = [["database", "registry@*", "controller", "builder", "logger", "logspout"]]
        if not stateless:
            groups += [["store-volume", "store-gateway@*"], ["store-metadata"], ["store-daemon"], ["store-monitor"]]
        for group in groups:
            self.run_all(self.stop, group)
            self.run_all(self.destroy, group)
        self.io.out(PREP_DONE)

    def rolling_restart(self, component):
        if component != "router":
            self.io.err("invalid component. supported for: router")
            return
        routers = self.expand(["router@*"])
        if not routers:
            self.io.err("rolling restart requires at least 1 component")
            return
        for number in range(1, len(routers) + 1):
            target = "router@%d" % number
            for action in (self.stop, self.destroy, self.create, self.start):
                self.run_all(action, [target])

    def upgrade_takeover(self, stateless):
        services = self.published_services()
        self.run_all(self.stop, ["publisher"])
        self.run_all(self.destroy, ["publisher"])
        for key, value in services:
            self.etcd.set(key, value, ttl=1800)
        self.rolling_restart("router")
        self.run_all(self.create, ["publisher"])
        self.run_all(self.start, ["publisher"])
        self.create_core(stateless)
        if not stateless:
            self.start_storage()
        self.io.out("Logging subsystem...\n")
        self.run_all(self.start, ["logger"])
        self.run_all(self.start, ["logspout"])
        self.io.out("Control plane...\n")
        self.run_all(self.start, CONTROL_PLANE)
        self.run_all(self.start, ["builder"])

    def published_services(self):
        """Every leaf under /deis/services (the routes the publisher keeps)."""
        leaves = []

        def walk(nodes):
            for item in nodes:
                if item.get("dir"):
                    walk(item.get("nodes", []))
                else:
                    leaves.append((item["key"], item["value"]))
        walk(self.etcd.children("/deis/services"))
        return leaves

    # -- list / machines / config / refresh-units --------------------------------------------------

    def list_units(self):
        rows = [["UNIT", "MACHINE", "LOAD", "ACTIVE", "SUB"]]
        for name, state in sorted(fleet.read_states(self.etcd, self.prefix).items()):
            if not name.startswith(UNIT_PREFIXES):
                continue
            machine = state.get("machineState") or {}
            where = "-"
            if machine.get("ID"):
                where = machine["ID"][:8] + "..." + ("/" + machine["PublicIP"] if machine.get("PublicIP") else "")
            rows.append([name, where, state.get("loadState") or "-", state.get("activeState") or "-",
                         state.get("subState") or "-"])
        self.io.out(tabwriter.render(rows))

    def list_machines(self):
        rows = [["MACHINE", "IP", "METADATA"]]
        for machine_id, machine in sorted(fleet.read_machines(self.etcd, self.prefix).items()):
            metadata = ",".join("%s=%s" % pair for pair in sorted((machine.get("Metadata") or {}).items()))
            rows.append([machine_id[:8] + "...", machine.get("PublicIP") or "-", metadata or "-"])
        self.io.out(tabwriter.render(rows))

    def config(self, args):
        if len(args) < 2 or args[1] not in ("get", "set", "rm"):
            raise DeisctlError("Usage: deisctl config <target> [get|set|rm] [<key> | <key=val>]...")
        root = "/deis/" + args[0] + "/"
        for item in args[2:]:
            if args[1] == "set":
                key, sep, value = item.partition("=")
                if not sep or not key:
                    raise DeisctlError("'%s' does not match the pattern 'key=var', ex: foo=bar" % item)
                self.io.out(self.etcd.set(root + key, value)["node"]["value"] + "\n")
            elif args[1] == "get":
                self.io.out(self.etcd.get(root + item)["node"]["value"] + "\n")
            else:
                self.etcd.delete(root + item)
                self.io.out(item + "\n")

    def refresh_units(self, args):
        folder, tag = os.path.expanduser("~/.deis/units"), "v" + self.version
        index = 0
        while index < len(args):
            option, sep, value = args[index].partition("=")
            if option in ("-p", "--path", "-t", "--tag") and not sep:
                if index + 1 >= len(args):
                    self.io.out("Error: %s requires an argument\n" % option)
                    return 2
                index += 1
                value = args[index]
            if option in ("-p", "--path"):
                folder = value
            elif option in ("-t", "--tag"):
                tag = value
            else:
                self.io.out("Error: unknown option %s\n" % args[index])
                return 2
            index += 1
        os.makedirs(folder, exist_ok=True)
        decorated = {"builder", "controller", "database", "logger", "registry", "publisher", "router"}
        for component in sorted(deisplatform.COMPONENTS):
            name = self.unit_template_name(component)
            with open(os.path.join(folder, name), "w") as handle:
                handle.write(deisplatform.unit_file(component))
            self.io.out("Refreshed deis-%s unit from %s\n" % (component, tag))
            if component in decorated:
                self.io.out("Refreshed deis-%s decorator from %s\n" % (component, tag))
            else:
                self.io.out("Decorator for deis-%s not found in %s\n" % (component, tag))
        return 0


def parse_globals(argv):
    """docopt with options first: global options before the command; the rest belongs to the command."""
    options = {}
    index = 0
    while index < len(argv) and argv[index].startswith("--"):
        option, sep, value = argv[index].partition("=")
        if option == "--version":
            options["--version"] = True
        elif option in VALUE_OPTIONS:
            if not sep:
                index += 1
                value = argv[index] if index < len(argv) else ""
            options[option] = value
        else:
            return None, []
        index += 1
    return options, argv[index:]


def commands_of(v):
    names = {"install", "uninstall", "list", "start", "stop", "restart", "config", "refresh-units"}
    if v >= (1, 9):
        names |= {"upgrade-prep", "upgrade-takeover", "rolling-restart"}
    if v >= (1, 12):
        names.add("machines")
    return names


def platform_target(args, v):
    """(is_platform, stateless) for the first target."""
    if args and args[0] == "platform":
        return True, False
    if args and args[0] == "stateless-platform" and v >= (1, 8):
        return True, True
    return False, False


def dispatch(ctl, command, args):
    is_platform, stateless = platform_target(args, ctl.v)
    flags = [a for a in args if a.startswith("--")]
    targets = [a for a in args if not a.startswith("--")]
    if command in ("install", "uninstall", "start", "stop", "restart") and not targets:
        raise DeisctlError("Usage: deisctl %s [<target>...]" % command)
    if command == "install" and is_platform:
        size = [int(f.split("=", 1)[1]) for f in flags if f.startswith("--router-mesh-size=")]
        ctl.install_platform(stateless, size[0] if size else 3)
    elif command == "start" and is_platform:
        ctl.start_platform(stateless)
    elif command == "stop" and is_platform:
        ctl.stop_platform(stateless)
    elif command == "restart" and is_platform:
        ctl.stop_platform(stateless)
        ctl.start_platform(stateless)
    elif command == "uninstall" and is_platform:
        ctl.uninstall_platform(stateless)
    elif command in ("install", "uninstall", "start", "stop", "restart"):
        unknown = [t for t in targets if deisplatform.split_target(t)[0] not in deisplatform.COMPONENTS]
        if unknown:
            # The real wording was not found (deis-v1-facts.md); the sandbox's own.
            raise DeisctlError("unknown component: %s" % unknown[0])
        component_command(ctl, command, [component_target(t) for t in targets])
    elif command == "list":
        ctl.list_units()
    elif command == "machines":
        ctl.list_machines()
    elif command == "config":
        ctl.config(args)
    elif command == "refresh-units":
        return ctl.refresh_units(args)
    elif command == "upgrade-prep":
        ctl.upgrade_prep("--stateless" in flags and ctl.v >= (1, 12))
    elif command == "upgrade-takeover":
        ctl.upgrade_takeover("--stateless" in flags and ctl.v >= (1, 12))
    elif command == "rolling-restart":
        ctl.rolling_restart(targets[0] if targets else "")
    return 0


def component_target(target):
    """`deisctl start router` means every router instance."""
    if target in deisplatform.TEMPLATES:
        return target + "@*"
    return target


def component_command(ctl, command, targets):
    if command == "install":
        installed = [t.replace("@*", "@1") for t in targets]
        ctl.run_all(ctl.create, installed)
    elif command == "uninstall":
        ctl.run_all(ctl.destroy, targets)
    elif command == "restart":
        ctl.run_all(ctl.stop, targets)
        ctl.run_all(ctl.start, targets)
    else:
        ctl.run_all(ctl.start if command == "start" else ctl.stop, targets)


def main(argv, version):
    v = version_tuple(version)
    options, rest = parse_globals(argv)
    if options is not None and options.get("--version"):
        sys.stdout.write(version + "\n")
        return 1 if v < (1, 8) else 0
    if options is None or not rest or rest[0] not in commands_of(v):
        sys.stdout.write(NO_MATCH)
        return 1
    endpoint = options.get("--endpoint") or DEFAULT_ENDPOINT
    tunnel_address = options.get("--tunnel") or os.environ.get("DEISCTL_TUNNEL") or ""
    tunnel = None
    if tunnel_address:
        tunnel = Tunnel(tunnel_address, endpoint,
                        options.get("--known-hosts-file") or os.path.expanduser("~/.ssh/known_hosts"),
                        strict=options.get("--strict-host-key-checking", "true").lower() != "false",
                        timeout=float(options.get("--ssh-timeout") or 10.0))
        try:
            endpoint = tunnel.open()
        except TunnelError as error:
            sys.stdout.write("Error: %s\n" % error)
            return 1
    prefix = options.get("--etcd-key-prefix") or fleet.PREFIX
    ctl = Deisctl(version, Etcd2(endpoint, timeout=float(options.get("--request-timeout") or 10.0)), prefix)
    started = time.time()
    ctl.io.event("deisctl_command", version=version, argv=rest, phase="start", tunnel=tunnel_address)
    try:
        code = dispatch(ctl, rest[0], rest[1:])
    except DeisctlError as error:
        sys.stdout.write("Error: %s\n" % error)
        code = 1
    except EtcdError as error:
        sys.stdout.write("Error: %s\n" % error)
        code = 1
    except EtcdUnreachable:
        sys.stdout.write("Error: 501: All the given peers are not reachable (Tried to connect to each peer twice "
                         "and failed) [0]\n")
        code = 1
    finally:
        if tunnel:
            tunnel.close()
    ctl.io.event("deisctl_command", version=version, argv=rest, phase="end", rc=code, start=started, end=time.time())
    return code
