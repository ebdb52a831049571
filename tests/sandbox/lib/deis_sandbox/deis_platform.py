"""The Deis v1 platform on the sandbox nodes: deisctl binaries and .run archives per version, `up --deis vX.Y.Z`
installed as the install guide does, the unit-fails and etcd-v04 faults and the router prober.

The platform runs as fleet units on the nodes (node/rootfs: fleetd's agent, deis-component, the docker stand-in);
router@N answers on 127.0.0.1:(8080 + N).  Each deisctl is a self-contained zipapp of node/'s simlib with the
version baked in, kept under <state>/deisctl/<version>/deisctl; deisctl-<version>-linux-amd64.run next to it is the
release archive (a makeself-style self-extracting script, see RUN_HEADER).  The same deisctl for a workstation (the
control node, with DEISCTL_TUNNEL) runs with the host's python3: <state>/deisctl-workstation/<version>/deisctl.
"""
import argparse
import gzip
import hashlib
import http.client
import io
import json
import os
import shutil
import signal
import sys
import tarfile
import time
import zipapp

from simlib import deisplatform

from deis_sandbox import migration, nodes
from deis_sandbox.paths import NODE_CONTEXT, load_state, state_path
from deis_sandbox.run import SandboxError, read_pid, run, start_background, stop_pid

SUPPORTED = tuple("v" + version for version in deisplatform.VERSIONS)
DOMAIN = "sandbox.deis.local"
MESH_SIZE = 3
DEFAULT_PULL_SECONDS = 20.0
SIMLIB = os.path.join(NODE_CONTEXT, "rootfs", "usr", "lib", "deis-sandbox", "lib", "simlib")
INTERPRETER = "/usr/lib/deis-sandbox/bin/python3"
WORKSTATION_INTERPRETER = "/usr/bin/env python3"
PROBER_PID = "prober.pid"
PROBER_REPORT = "prober.json"
PROBE_INTERVAL = 0.1
OPERATOR = ["-u", "core", "-e", "HOME=/home/core", "-w", "/home/core"]


def version_arg(text):
    """argparse type of `up --deis`."""
    if text not in SUPPORTED:
        raise argparse.ArgumentTypeError("'%s' is not a Deis version the sandbox simulates (%s)" % (text, ", ".join(SUPPORTED)))
    return text


def deisctl_path(version):
    return state_path("deisctl", version, "deisctl")


def workstation_deisctl_path(version):
    return state_path("deisctl-workstation", version, "deisctl")


def build_deisctl(version, target=None, interpreter=INTERPRETER):
    """One self-contained executable: simlib plus a __main__ that runs deisctl as `version`."""
    target = target or deisctl_path(version)
    staging = target + ".d"
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(os.path.join(staging, "simlib"))
    for name in sorted(os.listdir(SIMLIB)):
        if name.endswith(".py"):
            shutil.copy(os.path.join(SIMLIB, name), os.path.join(staging, "simlib", name))
    with open(os.path.join(staging, "__main__.py"), "w") as handle:
        handle.write('"""deisctl %s (Deis sandbox simulator)."""\nimport sys\n\nfrom simlib import deisctl\n\n'
                     'sys.exit(deisctl.main(sys.argv[1:], "%s"))\n' % (version, version.lstrip("v")))
    zipapp.create_archive(staging, target, interpreter=interpreter)
    shutil.rmtree(staging)
    os.chmod(target, 0o755)
    return target


def deisctl_files():
    """{version: path} of every deisctl the sandbox offers for deisctl_source, built when missing."""
    return {version: deisctl_path(version) if os.path.exists(deisctl_path(version)) else build_deisctl(version)
            for version in SUPPORTED}


def workstation_deisctl_files():
    """{version: path} of the deisctl builds that run on the control node (workstation mode)."""
    paths = {version: workstation_deisctl_path(version) for version in SUPPORTED}
    return {version: path if os.path.exists(path) else build_deisctl(version, path, WORKSTATION_INTERPRETER)
            for version, path in paths.items()}


# -- the release archive -------------------------------------------------------------------------------

def run_archive_path(version):
    return state_path("deisctl", version, "deisctl-%s-linux-amd64.run" % version.lstrip("v"))


# What `make -C deisctl installer` builds (deis/deis v1.13.4 deisctl/Makefile:16-29): the deis/makeself fork
# (single-binary, 3ba8915) with --bzip2 --current --nox11, label "Deis Control Utility", the binary deisctl and the
# script below.  This header is the sandbox's own code doing what makeself-header.sh does for those options
# (line 2 as makeself writes it, umask 077, MD5 check `Error in MD5 checksums: X is different from Y` exit 2,
# `Creating directory DIR` on stderr for --target, extraction into the current directory or DIR, refusal when a
# directory named deisctl exists, then `eval $script` and its exit code); the payload is gzip (the node image has
# no bzip2) and no progress meter is drawn.
RUN_HEADER = r"""#!/bin/sh
# This script was generated using Makeself 2.2.0
# Deis sandbox: deisctl-%(version)s-linux-amd64.run, built like deis/deis v%(version)s deisctl/Makefile:16-29.
umask 077
label="Deis Control Utility"
binary="deisctl"
MD5="%(md5)s"
SKIP=%(skip)s
script="%(script)s"
targetdir="."
quiet=n
check_only=n
while true; do
    case "$1" in
    -h|--help) echo "Makeself version 2.2.0 (Deis sandbox): $0 [--quiet] [--check] [--noexec] [--keep]" \
        "[--target dir] [--noprogress] [--nox11] [--nochown]" >&2; exit 0 ;;
    -q|--quiet) quiet=y; shift ;;
    --check) check_only=y; shift ;;
    --noexec) script=""; shift ;;
    --keep|--noprogress|--nox11|--nochown) shift ;;
    --target) targetdir=${2:-.}; shift 2 || exit 1 ;;
    --) shift; break ;;
    -*) echo "Unrecognized flag : $1" >&2; exit 1 ;;
    *) break ;;
    esac
done
archive="$0"
payload() { tail -n +$((SKIP + 1)) "$archive"; }
verify() {
    test "$quiet" = n && printf "Verifying archive integrity..."
    sum=`payload | md5sum | cut -b-32`
    if test "$sum" != "$MD5"; then
        echo "Error in MD5 checksums: $sum is different from $MD5" >&2
        exit 2
    fi
    test "$quiet" = n && echo " All good."
    return 0
}
if test "$check_only" = y; then verify; printf " MD5 checksums are OK." >&2; exit 0; fi
if test "$targetdir" != "."; then
    test "$quiet" = n && echo "Creating directory $targetdir" >&2
    mkdir -p "$targetdir" || { echo "Cannot create target directory $targetdir" >&2; exit 1; }
fi
verify
test "$quiet" = n && printf "Uncompressing %%s" "$label"
if test -d "$targetdir/$binary"; then
    echo Extraction failed: a directory named \"$binary\" exists here. > /dev/tty; exit 1
fi
payload | gzip -dc | (cd "$targetdir" && tar xf -) || { echo >&2; echo "Unable to decompress $0" >&2; exit 1; }
test "$quiet" = n && echo
cd "$targetdir" || exit 1
res=0
if test -n "$script"; then eval $script; res=$?; fi
exit $res
"""
# The installer's script (deisctl/Makefile:20-27 from v1.8.0; v1.7.x colours `deisctl` in the two echo lines); the
# header's double-quoted assignment expands $HOME when the archive runs, as the real one does.
RUN_SCRIPT = ("./deisctl refresh-units && echo && echo 'deisctl is in the current directory and unit files are' && "
              "echo 'in $HOME/.deis/units. Please move deisctl to a' && echo 'directory in your search PATH.' && echo && "
              "echo 'See http://docs.deis.io/ for documentation.' && echo")


def build_run_archive(version):
    """deisctl-<version>-linux-amd64.run holding the node deisctl of `version` (and its sha256 in <path>.sha256)."""
    binary = deisctl_path(version) if os.path.exists(deisctl_path(version)) else build_deisctl(version)
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        info = tar.gettarinfo(binary, arcname="deisctl")
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        with open(binary, "rb") as handle:
            tar.addfile(info, handle)
    payload = gzip.compress(tar_bytes.getvalue(), mtime=0)
    fields = {"version": version.lstrip("v"), "md5": hashlib.md5(payload).hexdigest(), "script": RUN_SCRIPT, "skip": 0}
    fields["skip"] = (RUN_HEADER % fields).count("\n")
    header = (RUN_HEADER % fields).encode()
    target = run_archive_path(version)
    with open(target, "wb") as handle:
        handle.write(header + payload)
    os.chmod(target, 0o755)
    with open(target + ".sha256", "w") as handle:  # as a release page would publish it, for deisctl_source_checksum
        handle.write(hashlib.sha256(header + payload).hexdigest() + "\n")
    return target


def deisctl_run_files():
    """{version: path} of the .run archive of every version, built when missing."""
    return {version: run_archive_path(version) if os.path.exists(run_archive_path(version)) else build_run_archive(version)
            for version in SUPPORTED}


# -- up --deis ----------------------------------------------------------------------------------------

def add_up_arguments(parser):
    """The platform options of `sandbox up`."""
    parser.add_argument("--deis", type=version_arg, metavar="VERSION",
                        help="also install and start the Deis platform of VERSION (%s) as the install guide does"
                        % ", ".join(SUPPORTED))
    parser.add_argument("--deis-version-key", action="store_true",
                        help="also set /deis/platform/version (a real install has it only after an upgrade by the guide)")
    parser.add_argument("--stateless", action="store_true", help="install the stateless platform (stateless-platform)")
    parser.add_argument("--pull-seconds", type=float, default=DEFAULT_PULL_SECONDS,
                        help="seconds a node's docker takes to pull an image it does not have (default %g)" % DEFAULT_PULL_SECONDS)


def up_options(args):
    """The options `up` keeps in the state (defaults left out)."""
    options = {"deis": args.deis} if args.deis else {}
    if args.deis and args.deis_version_key:
        options["deis_version_key"] = True
    if args.deis and args.stateless:
        options["stateless"] = True
    if args.pull_seconds != DEFAULT_PULL_SECONDS:
        options["pull_seconds"] = args.pull_seconds
    return options


def prepare_nodes(state):
    """Every node's docker stand-in pulls in --pull-seconds."""
    seconds = state["options"].get("pull_seconds", DEFAULT_PULL_SECONDS)
    for spec in state["nodes"]:
        with open(os.path.join(nodes.control_dir(spec["name"]), "docker-pull-seconds"), "w") as handle:
            handle.write("%g\n" % seconds)


def seed_images(name, images):
    """The images a node that has run the platform already holds (no pull time at `up`)."""
    folder = os.path.join(nodes.control_dir(name), "docker")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "images.json")
    try:
        with open(path) as handle:
            held = json.load(handle)
    except FileNotFoundError:
        held = {}
    held.update({image: {"pulled": round(time.time(), 3), "seeded": True} for image in images})
    with open(path, "w") as handle:
        json.dump(held, handle, sort_keys=True)


def node_deisctl(name, *args):
    """deisctl as the operator runs it on a node: as core, in its home (HOME=/home/core)."""
    return run(["docker", "exec"] + OPERATOR + [name, "/opt/bin/deisctl"] + list(args), check=False)


def install_deisctl(name, version):
    """What Deis user-data leaves on every node: /etc/deis-release (write_files, v1.13.4 user-data.example:128) and
    install-deisctl.service (:114) running install.sh, which on CoreOS runs the .run with --target /opt/bin (its own
    refresh-units writes $HOME/.deis/units: /.deis/units, HOME being unset in a system unit) and then
    `deisctl refresh-units --path=/var/lib/deis/units --tag=v$VERSION` (shopkeep/deis.io deisctl/install.sh)."""
    archive = "/tmp/deisctl-%s-linux-amd64.run" % version.lstrip("v")
    run(["docker", "cp", build_run_archive(version), name + ":" + archive])
    script = ("printf 'DEIS_RELEASE=%(v)s\\n' > /etc/deis-release && mkdir -p /opt/bin && cd / && "
              "env -u HOME sh %(archive)s --target /opt/bin && "
              "/opt/bin/deisctl refresh-units --path=/var/lib/deis/units --tag=%(v)s && rm -f %(archive)s"
              % {"v": version, "archive": archive})
    result = run(["docker", "exec", name, "sh", "-c", script], check=False)
    if result.returncode != 0:
        raise SandboxError("installing deisctl %s on %s failed: %s" % (version, name, result.stdout.decode(errors="replace")[-400:]))


def up(state, log):
    """Install and start the platform as the install guide does (docs/installing_deis/install-platform.rst:59-79: only
    domain set, then `deisctl install platform` and `start platform` as core); return the seconds it took."""
    options = state["options"]
    version, stateless = options["deis"], options.get("stateless", False)
    started = time.time()
    for build in SUPPORTED:
        build_deisctl(build)
        build_deisctl(build, workstation_deisctl_path(build), WORKSTATION_INTERPRETER)
        build_run_archive(build)
    first = state["nodes"][0]["name"]
    if platform_running(first, version, stateless):
        return 0.0
    for spec in state["nodes"]:
        seed_images(spec["name"], deisplatform.platform_images(version))
        install_deisctl(spec["name"], version)
    target = "stateless-platform" if stateless else "platform"
    settings = ["domain=" + platform_domain(state)] + (["version=" + version] if options.get("deis_version_key") else [])
    for step in [("config", "platform", "set") + tuple(settings), ("install", target), ("start", target)]:
        log("deisctl %s" % " ".join(step))
        result = node_deisctl(first, *step)
        if result.returncode != 0:
            raise SandboxError("deisctl %s failed: %s" % (" ".join(step), result.stdout.decode(errors="replace")[-400:]))
    if not platform_running(first, version, stateless):
        raise SandboxError("the platform did not come up: %s" % node_deisctl(first, "list").stdout.decode())
    return round(time.time() - started, 1)


def platform_domain(state):
    """With the migration rehearsal (up --apps) the platform is the old cluster's, on its domain."""
    return migration.OLD_DOMAIN if state["options"].get("apps") else DOMAIN


def platform_unit_count(version, stateless):
    """Units of `install [stateless-]platform` with 3 routers: 15; stateless 8, 9 with its logger (v1.11.0+)."""
    if not stateless:
        return 15
    return 9 if deisplatform.version_tuple(version) >= (1, 11) else 8


def platform_running(name, version, stateless=False):
    """Whether `deisctl list` on the node shows every platform unit active/running."""
    result = node_deisctl(name, "list")
    rows = [line.split() for line in result.stdout.decode().splitlines()[1:]]
    return (result.returncode == 0 and len(rows) == platform_unit_count(version, stateless)
            and all(row[3:5] == ["active", "running"] for row in rows))


def status(state):
    version = state["options"].get("deis")
    if not version:
        return None
    routers = {}
    for number in range(1, MESH_SIZE + 1):
        routers["router@%d" % number] = {"port": deisplatform.router_port(number), "answer": probe(deisplatform.router_port(number))}
    return {"version": version, "domain": platform_domain(state), "routers": routers, "deisctl": "/opt/bin/deisctl",
            "stateless": state["options"].get("stateless", False), "version_key": state["options"].get("deis_version_key", False),
            "pull_seconds": state["options"].get("pull_seconds", DEFAULT_PULL_SECONDS)}


def fault_unit_fails(state, node_name, component, version=None):
    """Arm `unit-fails-COMPONENT` on one node or all: the component's start-pre exits 1 there
    (only while it runs `version`, when given)."""
    names = [spec["name"] for spec in state["nodes"]]
    if node_name != "all" and node_name not in names:
        raise SandboxError("no node named '%s' (nodes: %s)" % (node_name, ", ".join(names)))
    if deisplatform.split_target(component)[0] not in deisplatform.COMPONENTS:
        raise SandboxError("'%s' is not a Deis component (%s)" % (component, ", ".join(deisplatform.COMPONENTS)))
    for name in names if node_name == "all" else [node_name]:
        with open(os.path.join(nodes.control_dir(name), "faults", "unit-fails-" + component), "w") as handle:
            handle.write((version or "armed") + "\n")


# -- router prober ---------------------------------------------------------------------------------

def probe(port, timeout=0.3):
    """The body a router answers on `port` with HTTP 200, else None."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/", headers={"Host": "probe." + DOMAIN})
        response = connection.getresponse()
        body = response.read().decode(errors="replace").strip()
        return body if response.status == 200 else None
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def prober_start(sandbox_script):
    state = load_state()
    if state is None:
        raise SandboxError("the sandbox is not up; run 'sandbox up --deis VERSION' first")
    if read_pid(state_path(PROBER_PID)):
        return "the prober is already running"
    ports = ",".join(str(deisplatform.router_port(n)) for n in range(1, MESH_SIZE + 1))
    pid = start_background([sys.executable, sandbox_script, "_prober", "--ports", ports, "--report", state_path(PROBER_REPORT)],
                           state_path("prober.log"), state_path(PROBER_PID))
    return "prober started (pid %d, ports %s, every %gs)" % (pid, ports, PROBE_INTERVAL)


def prober_stop():
    stop_pid(state_path(PROBER_PID))
    return prober_report()


def cmd_prober(action, sandbox_script):
    """`sandbox prober start|stop|report`: stop and report print the report as JSON."""
    if action == "start":
        print(prober_start(sandbox_script))
    else:
        print(json.dumps(prober_stop() if action == "stop" else prober_report(), indent=2, sort_keys=True))
    return 0


def prober_report():
    try:
        with open(state_path(PROBER_REPORT)) as handle:
            report = json.load(handle)
    except FileNotFoundError:
        return {"running": False, "polls": 0, "gaps": []}
    report["running"] = read_pid(state_path(PROBER_PID)) is not None
    return report


class Prober:
    """Polls every router port; a gap is a stretch of polls in which NO router answered 200."""

    def __init__(self, ports, report_path):
        self.ports, self.report_path = ports, report_path
        self.report = {"ports": ports, "interval": PROBE_INTERVAL, "started": round(time.time(), 3), "polls": 0,
                       "failed_polls": 0, "first_ok": None, "last_ok": None, "gaps": [], "in_gap_since": None,
                       "max_gap": 0.0, "bodies": []}
        self.bodies = {}

    def poll(self):
        now = time.time()
        answers = {port: probe(port) for port in self.ports}
        report = self.report
        report["polls"] += 1
        for port, body in answers.items():
            if body is not None and self.bodies.get(port) != body:
                self.bodies[port] = body
                report["bodies"].append({"ts": round(now, 3), "port": port, "body": body})
        if any(body is not None for body in answers.values()):
            if report["in_gap_since"] is not None:
                seconds = round(now - report["last_ok"], 3)
                report["gaps"].append({"start": report["in_gap_since"], "end": round(now, 3), "seconds": seconds})
                report["max_gap"] = max(report["max_gap"], seconds)
                report["in_gap_since"] = None
            report["first_ok"] = report["first_ok"] or round(now, 3)
            report["last_ok"] = round(now, 3)
        else:
            report["failed_polls"] += 1
            if report["last_ok"] is not None and report["in_gap_since"] is None:
                report["in_gap_since"] = round(now, 3)

    def save(self):
        tmp = self.report_path + ".tmp"
        with open(tmp, "w") as handle:
            json.dump(self.report, handle, indent=2, sort_keys=True)
        os.replace(tmp, self.report_path)


def prober_main(argv):
    """`sandbox _prober --ports P,P --report FILE`: poll until SIGTERM, keeping FILE current."""
    parser = argparse.ArgumentParser(prog="sandbox _prober")
    parser.add_argument("--ports", required=True)
    parser.add_argument("--report", required=True)
    args = parser.parse_args(argv)
    prober = Prober([int(port) for port in args.ports.split(",")], args.report)
    running = [True]

    def finish(*_args):
        running[0] = False

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    saved = 0.0
    while running[0]:
        started = time.time()
        prober.poll()
        if started - saved >= 0.5:
            prober.save()
            saved = started
        time.sleep(max(0.0, PROBE_INTERVAL - (time.time() - started)))
    prober.save()
    return 0
