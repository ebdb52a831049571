"""deisctl of Deis v1 (fleet backend) for the sandbox: one binary per version, built as a zipapp.

It follows deisctl's code per version (deis/deis tags; the classes and runs of deisctl-upstream-facts.md):
A v1.7.x (channel printer: the first backend error ends the printer, the next line blocks forever), B v1.8.0,
C v1.9.0-v1.10.0 (stdout and stderr swapped, v1.9.1 cmd.go:46,49), D v1.10.1, E v1.11.0-v1.12.3 (--stateless,
the stateless platform has a logger), F v1.13.x.  Quirks kept: --version exits 1 before v1.8; install reads each
unit template from $DEISCTL_UNITS, $HOME/.deis/units, /var/lib/deis/units (first hit per file, v1.13.4
backend/fleet/unit.go:122-146) and, when a template is missing, prints `Error creating: ...` and creates nothing of
that batch, exit 0 (create.go:24-29); install never updates a unit already in fleet (create.go:48); exit 0 when a
unit fails to start; refresh-units writes the version's templates from the sandbox's unit source
(deisplatform.unit_template, in place of GitHub).  With --tunnel or DEISCTL_TUNNEL, etcd is reached through a
real SSH tunnel to that host (sshtunnel.py), as on a workstation.
Not simulated: dock, journal, scale, ssh, status, help, global units (one per machine), file-valued config keys.
"""
import os
import sys
import threading
import time

from simlib import deisplatform, fleet, node, tabwriter
from simlib.sshtunnel import Tunnel, TunnelError
from simlib.etcd2 import Etcd2, EtcdError, EtcdUnreachable

SUPPORTED = deisplatform.VERSIONS
DEFAULT_ENDPOINT = "http://127.0.0.1:4001"
VALUE_OPTIONS = ("--endpoint", "--etcd-cafile", "--etcd-certfile", "--etcd-key-prefix", "--etcd-keyfile",
                 "--known-hosts-file", "--request-timeout", "--ssh-timeout", "--strict-host-key-checking", "--tunnel")
YELLOW, RED, RESET = "\x1b[0;33m", "\x1b[0;31m", "\x1b[0m"
DEIS1 = "\x1b[31m\u25cf \x1b[34m\u25b4 \x1b[32m\u25a0\x1b[0m"
DEIS2 = "\x1b[32m\u25a0 \x1b[31m\u25cf \x1b[34m\u25b4\x1b[0m"
DEIS3 = "\x1b[34m\u25b4 \x1b[32m\u25a0 \x1b[31m\u25cf\x1b[0m"
POLL = 0.25
GLOBAL_UNITS = "/var/lib/deis/units"
NO_MATCH = 'Found no matching command, try "deisctl help"\nUsage: deisctl <command> [<args>...] [options]\n'
PREP_DONE = ("The platform has been stopped, but applications are still serving traffic as normal.\n"
             "Your cluster is now ready for upgrade. Install a new deisctl version and run `deisctl upgrade-takeover`.\n"
             "For more details, see: http://docs.deis.io/en/latest/managing_deis/upgrading-deis/#graceful-upgrade\n")
REFRESH_USAGE = "Usage:\n  deisctl refresh-units [-p <target>] [-t <tag>]\n"
# Go's strconv.ParseBool (create.go:104).
BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
         "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False}


class DeisctlError(Exception):
    """Printed as `Error: <message>` on stdout, exit 1 (deisctl.go:139-141)."""


class UsageError(Exception):
    """docopt's own exit: the usage section on stdout, exit 1 (docopt.go:53-58,141-152)."""


class BatchAborted(Exception):
    """A backend call that stopped before doing anything (its error was printed)."""


def version_tuple(version):
    return deisplatform.version_tuple(version)


def banner(message):
    return "%s\n%s %s\n%s\n" % (DEIS1, DEIS2, message, DEIS3)


class Output:
    """stdout / stderr shared by the unit goroutines, per version; the events log when on a sandbox node."""

    def __init__(self, v, quiet=False):
        self.lock = threading.Lock()
        self.quiet = quiet
        self.swapped = (1, 9) <= v < (1, 10, 1)
        self.channel = v < (1, 9)
        self.blocks_after_error = v < (1, 8)
        self.dead = False
        self.log_events = not quiet and os.path.isdir(node.path(node.CONTROL))

    def out(self, text):
        self._write(sys.stderr if self.swapped else sys.stdout, text)

    def err(self, text):
        self._write(sys.stdout if self.swapped or self.channel else sys.stderr, text)

    def backend_error(self, text):
        """An error of a backend call: stderr (D-F), stdout (C: swapped), printState's Println (A, B); in A the
        printer returns on it (v1.7.3 cmd.go:470-474) and every later line blocks forever."""
        self.err(text if text.endswith("\n") or not self.channel else text + "\n")
        if self.blocks_after_error:
            self.dead = True

    def _write(self, stream, text):
        if self.quiet:
            return
        if self.dead:
            threading.Event().wait()
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
        self.io = Output(self.v)
        self.scheduling = threading.Lock()
        home = os.environ.get("HOME", "")
        # fleet.go:38-42 (v1.13.4): DEISCTL_UNITS (skipped when empty), $HOME/.deis/units, /var/lib/deis/units.
        self.template_paths = [os.environ.get("DEISCTL_UNITS", ""), os.path.join(home, ".deis", "units"), GLOBAL_UNITS]
        # unit.go:23-27: path.Join("", "decorators") is ./decorators when DEISCTL_UNITS is unset.
        self.decorator_paths = [os.path.join(os.environ.get("DEISCTL_UNITS", ""), "decorators"),
                                os.path.join(home, ".deis", "units", "decorators"), GLOBAL_UNITS + "/decorators"]

    # -- fleet backend -------------------------------------------------------------------------

    def jobs(self):
        return fleet.read_jobs(self.etcd, self.prefix)

    def units_matching(self, component):
        """FleetClient.Units (unit.go:36-66): jobs named with the prefix, else with deis-<prefix>."""
        names = sorted(self.jobs())
        found = [name for name in names if name.startswith(component)]
        if not found:
            canonical = component.lower() if component.startswith("deis-") else "deis-" + component.lower()
            found = [name for name in names if name.startswith(canonical)]
        if not found:
            raise BatchAborted("could not find unit: %s" % component)
        return sorted(found, key=instance_number)

    def expand(self, targets):
        """expandTargets (utils.go:89-110): deis-<t>; <t>@* -> every unit with that prefix, else an error."""
        expanded = []
        for target in targets:
            target = target if target.startswith("deis-") else "deis-" + target
            if target.endswith("@*"):
                expanded += self.units_matching(target[:-2])
            else:
                expanded.append(target)
        return expanded

    def run_batch(self, action, targets, io=None, wait=True):
        """One backend call on a batch: expand, one thread per target; an expansion error aborts the batch."""
        io = io or self.io
        try:
            expanded = self.expand(targets)
        except BatchAborted as error:
            if action == self.start:
                io.backend_error(str(error))  # start.go:18: io.WriteString, no newline
            else:
                io.backend_error(str(error) + "\n")  # stop.go:20, destroy.go:18: Fprintln
            return []
        threads = [threading.Thread(target=action, args=(target, io), daemon=True) for target in expanded]
        for thread in threads:
            thread.start()
        if wait:
            for thread in threads:
                thread.join()
        return threads

    def background(self, action, targets):
        """Goroutines whose output goes to a trash buffer and nobody waits for (cmd.go startDefaultServices)."""
        self.run_batch(action, targets, Output(self.v, quiet=True), wait=False)

    def unit_state(self, name):
        return fleet.read_states(self.etcd, self.prefix).get(name)

    def state_line(self, name, text):
        if self.v < (1, 9):
            return "%s%s:%s %s" % (YELLOW, name, RESET, text) + " " * 33 + "\r\n"
        line = "%s%s:%s %s" % (YELLOW, name, RESET, text)
        return line + " " * max(0, 80 - len(line.encode())) + "\r"

    # -- create (install) ------------------------------------------------------------------------

    def read_template(self, component):
        """readTemplate (unit.go:122-146): deis-<component>.service from the first path holding it."""
        for folder in self.template_paths:
            if not folder:
                continue
            path = os.path.join(folder, "deis-%s.service" % component)
            if os.path.exists(path):
                with open(path) as handle:
                    return path, handle.read()
        raise BatchAborted("Could not find unit template for %s" % component)

    def read_decorator(self, component):
        """readDecorator (unit.go:151-169): a missing decorator is no error."""
        for folder in self.decorator_paths:
            path = os.path.join(folder, "deis-%s.service.decorator" % component)
            if os.path.exists(path):
                with open(path) as handle:
                    return handle.read()
        return ""

    def unit_file(self, component):
        path, text = self.read_template(component)
        if self.v >= (1, 10):
            value = self.get_with_default("/deis/platform/enablePlacementOptions", "false")
            if value not in BOOLS:
                raise BatchAborted('strconv.ParseBool: parsing "%s": invalid syntax' % value)
            if BOOLS[value]:
                text = text + "\n" + self.read_decorator(component)
        return path, text

    def get_with_default(self, key, default):
        try:
            return self.etcd.get(key)["node"]["value"]
        except EtcdError as error:
            if error.code == 100:
                return default
            raise

    def create_batch(self, targets, io=None):
        """Create (create.go:19-41): every template is read first; the first missing one aborts the whole batch."""
        io = io or self.io
        units = []
        for target in targets:
            component = deisplatform.split_target(target)[0]
            try:
                path, text = self.unit_file(component)
            except BatchAborted as error:
                io.backend_error(("%s\n" % error) if self.v < (1, 9) else "Error creating: %s\n" % error)
                return
            units.append((target, path, text))
        threads = [threading.Thread(target=self.create, args=(unit, io), daemon=True) for unit in units]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def create(self, unit, io):
        """doCreate: an existing job is kept as it is ("job already exists" ignored, create.go:48), target loaded."""
        target, template, text = unit
        name = deisplatform.unit_name(target)
        started = time.time()
        created = fleet.create_unit(self.etcd, name, text, self.prefix)
        with self.scheduling:
            fleet.schedule(self.etcd, name, self.prefix)
        fleet.set_target_state(self.etcd, name, "loaded", self.prefix)
        while self.unit_state(name) is None:
            time.sleep(POLL)
        if self.v < (1, 9):
            io.out("%s%s:%s loaded" % (YELLOW, name, RESET) + " " * 33 + "\r\n")
        else:
            io.out("%s%s:%s loaded\n" % (YELLOW, name, RESET))
        io.event("deisctl_unit", action="create", unit=name, template=template, created=created, start=started,
                 end=time.time())

    # -- start / stop / destroy -----------------------------------------------------------------------

    def start(self, target, io):
        self._transition(target, io, ("start", "launched", "running", "dead"), "starting")

    def stop(self, target, io):
        self._transition(target, io, ("stop", "loaded", "dead", "running"), "stopping")

    def _transition(self, target, io, plan, verb):
        """doStart / doStop (start.go:29-93): request the state, poll the unit state until the sub-state is reached;
        from v1.9 a failed unit ends the wait with `The service '<target>' failed while <verb>.` on stderr."""
        action, request, desired, last = plan
        component, instance = deisplatform.split_target(target[len("deis-"):].replace(".service", ""))
        name = deisplatform.unit_name(component + ("@" + instance if instance else ""))
        started = time.time()
        fleet.set_target_state(self.etcd, name, request, self.prefix)
        result = desired
        while True:
            state = self.unit_state(name)
            if state is None:
                if self.v >= (1, 9):
                    io.err("Could not find unit: %s\n" % name)
                result = "missing"
                break
            sub = state.get("subState")
            if sub != last:
                io.out(self.state_line(name, "%s/%s" % (state.get("activeState"), sub)))
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
        io.event("deisctl_unit", action=action, unit=name, result=result, start=started, end=time.time())

    def destroy(self, target, io):
        """doDestroy (destroy.go:30-63): the DestroyUnit error is ignored; `destroyed` once no state is left."""
        component, instance = deisplatform.split_target(target[len("deis-"):].replace(".service", ""))
        name = deisplatform.unit_name(component + ("@" + instance if instance else ""))
        started = time.time()
        fleet.destroy_unit(self.etcd, name, self.prefix)
        while self.unit_state(name) is not None:
            time.sleep(POLL)
        io.out(self.state_line(name, "destroyed") if self.v < (1, 9) else "%s%s:%s destroyed\n" % (YELLOW, name, RESET))
        io.event("deisctl_unit", action="destroy", unit=name, start=started, end=time.time())

    # -- platform ------------------------------------------------------------------------------

    def mesh_header(self):
        return "Router mesh...\n" if self.v >= (1, 10) else "Routing mesh...\n"

    def stateless_has_logger(self):
        """The stateless platform installs and starts the logger from v1.11.0 (386ff9e1, v1.11.0 cmd.go:319-320)."""
        return self.v >= (1, 11)

    def install_services(self, stateless, routers):
        """installDefaultServices (v1.13.4 cmd.go:295-330; v1.10.1 cmd.go:313-355; v1.7.3 cmd.go:366-387)."""
        if not stateless:
            self.io.out("Storage subsystem...\n")
            self.create_batch(["store-daemon", "store-monitor", "store-metadata", "store-volume", "store-gateway@1"])
        self.io.out("Logging subsystem...\n")
        self.create_batch(["logger", "logspout"] if not stateless or self.stateless_has_logger() else ["logspout"])
        self.io.out("Control plane...\n")
        self.create_batch(["registry@1", "controller", "builder"] if stateless
                          else ["database", "registry@1", "controller", "builder"])
        self.io.out("Data plane...\n")
        self.create_batch(["publisher"])
        if routers is not None:
            self.io.out(self.mesh_header())
            self.create_batch(routers)

    def install_platform(self, stateless, mesh_size):
        """InstallPlatform (v1.13.4 platform.go:15-41)."""
        self.check_keys()
        if stateless:
            sys.stdout.write(stateless_warning(self.v))  # fmt.Println: the process's stdout in every version
        self.io.out(banner("Installing Deis..."))
        self.install_services(stateless, ["router@%d" % n for n in range(1, mesh_size + 1)])
        self.io.out("Done.\n\nPlease run `deisctl start %s` to boot up Deis.\n" % platform_name(stateless))

    def check_keys(self):
        """CheckRequiredKeys (v1.13.4 cmd.go:104-118)."""
        try:
            self.etcd.get("/deis/platform/domain")
        except EtcdError as error:
            raise DeisctlError("Missing platform domain, use:\ndeisctl config platform set domain=<your-domain>") from error
        try:
            self.etcd.get("/deis/platform/sshPrivateKey")
        except EtcdError:
            sys.stdout.write('Warning: Missing sshPrivateKey, "deis run" will be unavailable. Use:\n'
                             "deisctl config platform set sshPrivateKey=<path-to-key>\n")

    def start_storage(self):
        self.io.out("Storage subsystem...\n")
        for group in ("store-monitor", "store-daemon", "store-metadata", "store-gateway@*", "store-volume"):
            self.run_batch(self.start, [group])

    def start_services(self, stateless, logger, routers):
        """startDefaultServices (v1.13.4 cmd.go:121-176) and startUpgradeServices (upgrade.go:140-195)."""
        if not stateless:
            self.start_storage()
        self.io.out("Logging subsystem...\n")
        if logger:
            self.run_batch(self.start, ["logger"])
        self.run_batch(self.start, ["logspout"])
        control = ["registry@*", "controller"] if stateless else ["database", "registry@*", "controller"]
        background = control + ["builder", "publisher"] + (["router@*"] if routers or stateless else [])
        self.background(self.start, background)
        self.io.out("Control plane...\n")
        self.run_batch(self.start, control)
        self.run_batch(self.start, ["builder"])
        self.io.out("Data plane...\n")
        self.run_batch(self.start, ["publisher"])
        if routers:
            self.io.out(self.mesh_header())
            self.run_batch(self.start, ["router@*"])

    def start_platform(self, stateless):
        """StartPlatform (v1.13.4 platform.go:44-58): the stateless platform starts no logger before v1.11.0."""
        self.io.out(banner("Starting Deis..."))
        self.start_services(stateless, not stateless or self.stateless_has_logger(), routers=True)
        if self.v >= (1, 10):
            self.io.out("Done.\n \nPlease set up an administrative account. See 'deis help register'\n")
        else:
            self.io.out("Done.\n \nPlease use `deis register` to setup an administrator account.\n")

    def stop_platform(self, stateless):
        self.io.out(banner("Stopping Deis..."))
        self.teardown(self.stop, stateless)
        self.io.out("Done.\n \nPlease run `deisctl start %s` to restart Deis.\n" % platform_name(stateless))

    def uninstall_platform(self, stateless):
        self.io.out(banner("Uninstalling Deis..."))
        self.teardown(self.destroy, stateless)
        self.io.out("Done.\n")

    def teardown(self, action, stateless):
        """stopDefaultServices / uninstallAllServices (v1.13.4 cmd.go:200-238, 354-393): stateless skips the database,
        the logger (in every version) and the store."""
        self.io.out(self.mesh_header())
        self.run_batch(action, ["router@*"])
        self.io.out("Data plane...\n")
        self.run_batch(action, ["publisher"])
        self.io.out("Control plane...\n")
        self.run_batch(action, ["controller", "builder", "registry@*"] if stateless
                       else ["controller", "builder", "database", "registry@*"])
        self.io.out("Logging subsystem...\n")
        self.run_batch(action, ["logspout"] if stateless else ["logger", "logspout"])
        if not stateless:
            self.io.out("Storage subsystem...\n")
            for group in (["store-volume", "store-gateway@*"], ["store-metadata"], ["store-daemon"], ["store-monitor"]):
                self.run_batch(action, group)

    # -- graceful upgrade (v1.9+) --------------------------------------------------------------

    def upgrade_prep(self, stateless):
        """UpgradePrep (v1.13.4 upgrade.go:15-49; v1.9.1 upgrade.go:13-45 without --stateless): the logger is destroyed
        also with --stateless."""
        groups = [["database", "registry@*", "controller", "builder", "logger", "logspout"]]
        if not stateless:
            groups += [["store-volume", "store-gateway@*"], ["store-metadata"], ["store-daemon"], ["store-monitor"]]
        for group in groups:
            self.run_batch(self.stop, group)
            self.run_batch(self.destroy, group)
        self.io.out(PREP_DONE)

    def rolling_restart(self, component):
        """RollingRestart (rolling_restart.go:10-37): stop, destroy, create, start router@1..N, renumbered."""
        if component != "router":
            self.io.err("invalid component. supported for: router")
            return
        try:
            routers = self.units_matching(component)
        except BatchAborted as error:
            self.io.err(str(error))
            return
        for number in range(1, len(routers) + 1):
            target = "router@%d" % number
            self.run_batch(self.stop, [target])
            self.run_batch(self.destroy, [target])
            self.create_batch([target])
            self.run_batch(self.start, [target])

    def upgrade_takeover(self, stateless):
        """doUpgradeTakeOver: /deis/services first (missing: `Error: 100: Key not found`, exit 1), publisher out,
        routes republished with TTL 1800, routers restarted one by one, publisher back; then v1.9-v1.10 the full
        stateful install/start (v1.10.1 upgrade.go:77-107), v1.11+ installUpgradeServices/startUpgradeServices
        (v1.13.4 upgrade.go:112-195: no logger with --stateless, no router batch)."""
        services = self.published_services()
        self.run_batch(self.stop, ["publisher"])
        self.run_batch(self.destroy, ["publisher"])
        for key, value in services:
            self.etcd.set(key, value, ttl=1800)
        self.rolling_restart("router")
        self.create_batch(["publisher"])
        self.run_batch(self.start, ["publisher"])
        if self.v < (1, 11):
            self.install_services(False, ["router@%d" % n for n in (1, 2, 3)])
            self.start_services(False, True, routers=True)
            return
        self.install_services_upgrade(stateless)
        self.start_services(stateless, not stateless, routers=False)

    def install_services_upgrade(self, stateless):
        """installUpgradeServices (v1.13.4 upgrade.go:112-138)."""
        if not stateless:
            self.io.out("Storage subsystem...\n")
            self.create_batch(["store-daemon", "store-monitor", "store-metadata", "store-volume", "store-gateway@1"])
        self.io.out("Logging subsystem...\n")
        self.create_batch(["logspout"] if stateless else ["logger", "logspout"])
        self.io.out("Control plane...\n")
        self.create_batch(["registry@1", "controller", "builder"] if stateless
                          else ["database", "registry@1", "controller", "builder"])
        self.io.out("Data plane...\n")
        self.create_batch(["publisher"])

    def published_services(self):
        """Every leaf under /deis/services (GetRecursive; a missing key is the command's error)."""
        leaves = []

        def walk(nodes):
            for item in nodes:
                if item.get("dir"):
                    walk(item.get("nodes", []))
                else:
                    leaves.append((item["key"], item["value"]))
        walk(self.etcd.get("/deis/services", recursive=True)["node"].get("nodes", []))
        return leaves

    # -- list / machines / config / refresh-units --------------------------------------------------

    def list_units(self):
        """list_units.go:67-100: unit states whose name starts with one of units.Names."""
        prefixes = tuple("deis-" + name for name in deisplatform.unit_names(self.version))
        rows = [["UNIT", "MACHINE", "LOAD", "ACTIVE", "SUB"]]
        for name, state in sorted(fleet.read_states(self.etcd, self.prefix).items()):
            if not name.startswith(prefixes):
                continue
            machine = state.get("machineState") or {}
            where = "-"
            if machine.get("ID"):
                where = machine["ID"][:8] + "..." + ("/" + machine["PublicIP"] if machine.get("PublicIP") else "")
            rows.append([name, where, state.get("loadState") or "-", state.get("activeState") or "-",
                         state.get("subState") or "-"])
        sys.stdout.write(tabwriter.render(rows))

    def list_machines(self):
        rows = [["MACHINE", "IP", "METADATA"]]
        for machine_id, machine in sorted(fleet.read_machines(self.etcd, self.prefix).items()):
            metadata = ",".join("%s=%s" % pair for pair in sorted((machine.get("Metadata") or {}).items()))
            rows.append([machine_id[:8] + "...", machine.get("PublicIP") or "-", metadata or "-"])
        sys.stdout.write(tabwriter.render(rows))

    def config(self, args):
        if len(args) < 2 or args[1] not in ("get", "set", "rm"):
            raise DeisctlError("Usage: deisctl config <target> [get|set|rm] [<key> | <key=val>]...")
        root = "/deis/" + args[0] + "/"
        if args[1] == "get":
            # config.go:41-64,98-108: values are printed only when every key was found; a directory's value is ""
            # (etcd.go:39-46), so `config services get ""` prints an empty line (run, v1.13.4).
            sys.stdout.write("".join(self.etcd.get(root + item)["node"].get("value", "") + "\n" for item in args[2:]))
            return
        for item in args[2:]:
            if args[1] == "set":
                key, value = split_setting(item)
                sys.stdout.write(self.etcd.set(root + key, value)["node"]["value"] + "\n")
            else:
                self.etcd.delete(root + item)
                sys.stdout.write(item + "\n")

    def refresh_units(self, args):
        """RefreshUnits (v1.13.4 cmd.go:423-452, v1.7.3 cmd.go:560-592): every units.Names file of the tag into the
        path (0644; decorators into <path>/decorators from v1.10.0), stopping at the first missing file."""
        options = parse_refresh_options(args, "v" + self.version)
        home = os.environ.get("HOME", "")
        folder = options["path"].replace("~", home).replace("$HOME", home)  # utils.ResolvePath
        decorators = os.path.join(folder, "decorators")
        os.makedirs(decorators if self.v >= (1, 10) else folder, 0o755, exist_ok=True)
        tag = options["tag"]
        for component in deisplatform.unit_names(self.version):
            name = "deis-" + component
            text = deisplatform.unit_template(component, tag)
            if text is None:
                raise DeisctlError("404 Not Found")
            write_file(os.path.join(folder, name + ("" if self.v == (1, 7, 0) else ".service")), text)
            if self.v < (1, 10):
                sys.stdout.write("Refreshed %s from %s\n" % (name, tag))
                continue
            sys.stdout.write("Refreshed %s unit from %s\n" % (name, tag))
            decorator = deisplatform.decorator_template(component, tag)
            if decorator is None:
                sys.stdout.write("Decorator for %s not found in %s\n" % (name, tag))
            else:
                write_file(os.path.join(decorators, name + ".service.decorator"), decorator)
                sys.stdout.write("Refreshed %s decorator from %s\n" % (name, tag))
        self.io.event("deisctl_refresh_units", path=folder, tag=tag)
        return 0


def split_setting(item):
    """config.go doConfigSet: `^(.+)=([\\s\\S]+)$`, greedy, so the key runs to the last `=` that has a value after it
    (`image=a=b` sets image=a to b; run, v1.13.4)."""
    for index in range(len(item) - 2, 0, -1):
        if item[index] == "=":
            return item[:index], item[index + 1:]
    raise DeisctlError("'%s' does not match the pattern 'key=var', ex: foo=bar\n" % item)


def write_file(path, text):
    with open(path, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o644)


def instance_number(name):
    base = name.rsplit(".", 1)[0]
    return (base.split("@")[0], int(base.split("@")[1]) if "@" in base and base.split("@")[1].isdigit() else 0)


def platform_name(stateless):
    return "stateless-platform" if stateless else "platform"


def stateless_warning(v):
    """The stateless install warning: v1.8.0 platform.go:21-23, changed in v1.13.0 (v1.13.4 platform.go:22-24)."""
    if v >= (1, 13):
        return ("Warning: With a stateless control plane, some components require manual configuration.\n"
                "See the official Deis documentation for details on running a stateless control plane.\n"
                "http://docs.deis.io/en/latest/managing_deis/running-deis-without-ceph/\n")
    return ("Warning: With a stateless control plane, `deis logs` will be unavailable.\n"
            "Additionally, components will need to be configured to use external persistent stores.\n"
            "See the official Deis documentation for details on running a stateless control plane.\n")


def parse_refresh_options(args, default_tag):
    """docopt of `deisctl refresh-units [-p <target>] [-t <tag>]`: anything else is a usage error (exit 1)."""
    options = {"path": "$HOME/.deis/units", "tag": default_tag}
    names = {"-p": "path", "--path": "path", "-t": "tag", "--tag": "tag"}
    index = 0
    while index < len(args):
        arg = args[index]
        option, sep, value = arg.partition("=")
        if option in ("-p", "-t") and not sep and len(arg) == 2 or option in ("--path", "--tag") and not sep:
            if index + 1 >= len(args):
                raise UsageError("%s requires argument\n%s" % (arg, REFRESH_USAGE))
            index += 1
            value = args[index]
        elif arg[:2] in ("-p", "-t") and len(arg) > 2 and not arg.startswith("--"):
            option, value = arg[:2], arg[2:]
        elif option not in names:
            raise UsageError(REFRESH_USAGE)
        options[names[option]] = value
        index += 1
    return options


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


def platform_target(targets, v):
    """(is_platform, stateless) when the one target is platform or (v1.8+) stateless-platform."""
    if targets == ["platform"]:
        return True, False
    if targets == ["stateless-platform"] and v >= (1, 8):
        return True, True
    return False, False


def upgrade_stateless(ctl, command, flags):
    """upgrade-prep / upgrade-takeover options: none before v1.11.0 (v1.10.1 client.go:73-98), --stateless from
    v1.11.0 (v1.11.0 client.go:73-109); anything else is docopt's usage error."""
    usage = "[--stateless]" if ctl.v >= (1, 11) else "[options]"
    if flags and (ctl.v < (1, 11) or flags != ["--stateless"]):
        raise UsageError("Usage:\n  deisctl %s %s\n" % (command, usage))
    return bool(flags)


def dispatch(ctl, command, args):
    flags = [a for a in args if a.startswith("--")]
    targets = [a for a in args if not a.startswith("--")]
    is_platform, stateless = platform_target(targets, ctl.v)
    if command == "install" and is_platform:
        ctl.install_platform(stateless, mesh_size(ctl, flags))
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
        component_command(ctl, command, targets)
    elif command == "list":
        ctl.list_units()
    elif command == "machines":
        ctl.list_machines()
    elif command == "config":
        ctl.config(args)
    elif command == "refresh-units":
        return ctl.refresh_units(args)
    elif command == "upgrade-prep":
        ctl.upgrade_prep(upgrade_stateless(ctl, command, flags))
    elif command == "upgrade-takeover":
        ctl.upgrade_takeover(upgrade_stateless(ctl, command, flags))
    elif command == "rolling-restart":
        ctl.rolling_restart(targets[0] if targets else "")
    return 0


def mesh_size(ctl, flags):
    """--router-mesh-size (v1.9.0+, client.go:195; ParseUint 8 bits); v1.8 and older: a usage error."""
    sizes = [f.split("=", 1)[1] for f in flags if f.startswith("--router-mesh-size=")]
    if not sizes:
        return 3
    if ctl.v < (1, 9):
        raise UsageError("Usage:\n  deisctl install [<target>...] [options]\n")
    try:
        size = int(sizes[0], 0)
    except ValueError as error:
        sys.stdout.write("Error: argument --router-mesh-size: invalid value, make sure the value is an integer between 1 and 255.\n")
        raise DeisctlError('strconv.ParseUint: parsing "%s": invalid syntax' % sizes[0]) from error
    return size


def component_command(ctl, command, targets):
    """install/start/stop/... of named components (cmd.go Install, Start, Stop, Uninstall): one batch."""
    if command == "install":
        ctl.create_batch(targets)
    elif command == "uninstall":
        ctl.run_batch(ctl.destroy, targets)
    elif command == "restart":
        ctl.run_batch(ctl.stop, targets)
        ctl.run_batch(ctl.start, targets)
    else:
        ctl.run_batch(ctl.start if command == "start" else ctl.stop, targets)


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
    if tunnel_address and rest[0] != "refresh-units":  # deisctl.go:80-84: refresh-units needs no tunnel
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
    ctl.io.event("deisctl_command", version=version, argv=rest, phase="start", tunnel=tunnel_address,
                 cwd=os.getcwd(), home=os.environ.get("HOME", ""), units=os.environ.get("DEISCTL_UNITS", ""))
    try:
        code = dispatch(ctl, rest[0], rest[1:])
    except UsageError as error:
        sys.stdout.write(str(error))
        code = 1
    except (DeisctlError, EtcdError) as error:
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
