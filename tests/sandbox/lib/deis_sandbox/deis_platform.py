"""The Deis v1 platform on the sandbox nodes: deisctl binaries per version, `up --deis vX.Y.Z`, the
unit-fails fault and the router prober.

The platform runs as fleet units on the nodes (node/rootfs: fleetd's agent, deis-component);
router@N answers on 127.0.0.1:(8080 + N).  Each deisctl is a self-contained zipapp of node/'s simlib
with the version baked in, kept under <state>/deisctl/<version>/deisctl and copied to /opt/bin/deisctl.
The same deisctl for a workstation (the control node, with DEISCTL_TUNNEL) runs with the host's python3:
<state>/deisctl-workstation/<version>/deisctl.
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import sys
import time
import zipapp

from simlib import deisctl, deisplatform

from deis_sandbox import migration, nodes
from deis_sandbox.paths import NODE_CONTEXT, load_state, state_path
from deis_sandbox.run import SandboxError, read_pid, run, start_background, stop_pid

SUPPORTED = tuple("v" + version for version in deisctl.SUPPORTED)
DOMAIN = "sandbox.deis.local"
MESH_SIZE = 3
PLATFORM_UNITS = 15
SIMLIB = os.path.join(NODE_CONTEXT, "rootfs", "usr", "lib", "deis-sandbox", "lib", "simlib")
INTERPRETER = "/usr/lib/deis-sandbox/bin/python3"
WORKSTATION_INTERPRETER = "/usr/bin/env python3"
PROBER_PID = "prober.pid"
PROBER_REPORT = "prober.json"
PROBE_INTERVAL = 0.1


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


def node_deisctl(name, *args):
    return run(["docker", "exec", name, "/opt/bin/deisctl"] + list(args), check=False)


def install_deisctl(name, version):
    """The matching deisctl in /opt/bin and /etc/deis-release, as Deis user-data leaves a node."""
    run(["docker", "exec", name, "mkdir", "-p", "/opt/bin"])
    run(["docker", "cp", deisctl_path(version), name + ":/opt/bin/deisctl"])
    run(["docker", "exec", name, "sh", "-c", "chmod 0755 /opt/bin/deisctl && printf 'DEIS_RELEASE=%s\\n' > /etc/deis-release"
         % version])


def up(state, version, log):
    """Install and start the platform of `version`; return the seconds it took."""
    started = time.time()
    for build in SUPPORTED:
        build_deisctl(build)
        build_deisctl(build, workstation_deisctl_path(build), WORKSTATION_INTERPRETER)
    for spec in state["nodes"]:
        install_deisctl(spec["name"], version)
    first = state["nodes"][0]["name"]
    if platform_running(first):
        return 0.0
    steps = [("config", "platform", "set", "domain=" + platform_domain(state)), ("config", "platform", "set", "version=" + version),
             ("install", "platform"), ("start", "platform")]
    for step in steps:
        log("deisctl %s" % " ".join(step))
        result = node_deisctl(first, *step)
        if result.returncode != 0:
            raise SandboxError("deisctl %s failed: %s" % (" ".join(step), result.stdout.decode(errors="replace")[-400:]))
    if not platform_running(first):
        raise SandboxError("the platform did not come up: %s" % node_deisctl(first, "list").stdout.decode())
    return round(time.time() - started, 1)


def platform_domain(state):
    """With the migration rehearsal (up --apps) the platform is the old cluster's, on its domain."""
    return migration.OLD_DOMAIN if state["options"].get("apps") else DOMAIN


def platform_running(name):
    """Whether `deisctl list` on the node shows every platform unit active/running."""
    result = node_deisctl(name, "list")
    rows = [line.split() for line in result.stdout.decode().splitlines()[1:]]
    return result.returncode == 0 and len(rows) == PLATFORM_UNITS and all(row[3:5] == ["active", "running"] for row in rows)


def status(state):
    version = state["options"].get("deis")
    if not version:
        return None
    routers = {}
    for number in range(1, MESH_SIZE + 1):
        routers["router@%d" % number] = {"port": deisplatform.router_port(number), "answer": probe(deisplatform.router_port(number))}
    return {"version": version, "domain": platform_domain(state), "routers": routers, "deisctl": "/opt/bin/deisctl"}


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
