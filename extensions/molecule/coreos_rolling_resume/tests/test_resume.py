"""deis.platform.coreos_rolling killed with SIGKILL (ansible-playbook and every worker, as a crash or a lost
terminal would) at ten points of a three-node rollout with the locksmith lock.

The points form two chains, one rollout each (the second with coreos_prestage): the run after each kill is itself
killed at the next point, later in the rollout, so every re-run must carry on past where the last one died; the
last re-run of a chain must converge. After each chain: every node at the target and booted exactly once into it,
its new version marked good, no node downloaded its update twice, update-engine masked everywhere, the reboot lock
free, the report finished. One sandbox: `fault clear` between the chains."""
import json
import os
import sys
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
# pylint: disable=wrong-import-position
from rolling_helpers import Playbook, machine_ids, node_events  # noqa: E402
from sandbox_helpers import node_hosts, sandbox, sandbox_status  # noqa: E402

NAMES = ("core-01", "core-02", "core-03")
OLD, NEW = "835.12.0", "1068.8.0"
LOCK = "/v2/keys/coreos.com/updateengine/rebootlock/semaphore"


def lock_holders(endpoints):
    for endpoint in endpoints:
        try:
            with urllib.request.urlopen(endpoint + LOCK, timeout=2) as answer:
                return json.loads(json.loads(answer.read())["node"]["value"])["holders"] or []
        except OSError:
            continue
    return None


class Chain:
    """One rollout, killed at each point in turn, then run to the end."""

    def __init__(self, tmp_path, *extra):
        status = sandbox_status()
        self.inventory = status["inventory"]["ssh"]
        self.state_dir = os.path.dirname(self.inventory)
        self.endpoints = status["etcd"]["endpoints"]
        self.ids = machine_ids()
        self.report = tmp_path / "report.json"
        self.args = ["-e", "coreos_rolling_confirm=true", "-e", "coreos_poll_interval=1", "-e", "coreos_use_locksmith=true",
                     "-e", "coreos_target_version=" + NEW, "-e", "coreos_rolling_report=%s" % self.report] + list(extra)
        self.started = time.time()
        self.boots = {n["name"]: n["boots"] for n in status["nodes"]}
        self.killed = []

    def events(self, name, *kinds):
        return node_events(self.state_dir, name, self.started, set(kinds))

    def run_until(self, point, condition):
        run = Playbook(self.inventory, *self.args)
        since = time.time()
        run.kill_when(lambda: condition(run, since), timeout=600, what=point)
        self.killed.append((point, round(time.time() - since, 1)))

    def finish(self):
        since = time.time()
        run = Playbook(self.inventory, *self.args)
        assert run.wait(900) == 0, "the last re-run did not converge after %s:\n%s" % (self.killed, run.output[-5000:])
        print("killed at (point, seconds into that run): %s; the last re-run took %.0f s" % (self.killed, time.time() - since))
        return run

    def check_converged(self):
        status = sandbox_status()
        nodes = node_hosts(self.inventory, NAMES)
        for node in status["nodes"]:
            name = node["name"]
            assert node["os"]["version"] == NEW, name
            assert node["boots"] - self.boots[name] == 1, "%s booted once into the update" % name
            assert node["usr"] == {"staged": None, "fallback_pending": None}, "%s: new version marked good" % name
            assert len(self.events(name, "update_started")) == 1, "%s downloaded its update once" % name
            assert len(self.events(name, "setgoodroot_deprioritized_staged")) == 0, name
            assert nodes[name].run("systemctl is-enabled update-engine.service").stdout.strip() == "masked", name
            assert nodes[name].run("systemctl is-active update-engine.service").stdout.strip() == "inactive", name
        assert lock_holders(self.endpoints) == []
        assert nodes["core-02"].run("locksmithctl status").stdout == "Available: 1\nMax: 1\n"
        report = json.loads(self.report.read_text())
        assert (report["status"], report["stopped_at"]) == ("finished", None)
        assert {n["host"]: n["version_after"] for n in report["nodes"]} == {name: NEW for name in NAMES}


@pytest.fixture
def chain(tmp_path):
    def start(*extra):
        sandbox("fault", "clear")
        assert {n["name"]: n["os"]["version"] for n in sandbox_status()["nodes"]} == {name: OLD for name in NAMES}
        return Chain(tmp_path, *extra)
    return start


def test_kills_in_a_serial_rollout(chain):
    rollout = chain()
    core01 = rollout.ids["core-01"]
    # 1. Before any change: the preflight's fleet gate.
    rollout.run_until("the preflight", lambda run, since: run.started_task("Gate — wait until every node is in fleet"))
    # 2. core-01 downloading its update (update-engine left running, unmasked).
    rollout.run_until("core-01 downloading", lambda run, since: rollout.events("core-01", "update_started"))
    # 3. core-01 staged, holding the reboot lock, not rebooted yet.
    rollout.run_until("core-01 holding the lock before its reboot", lambda run, since: (
        lock_holders(rollout.endpoints) == [core01] and not rollout.events("core-01", "shutdown")))
    # 4. core-01 rebooting.
    rollout.run_until("core-01 rebooting", lambda run, since: rollout.events("core-01", "shutdown"))
    # 5. core-01 back at the target, waiting for its boot flags, still holding the lock.
    rollout.run_until("core-01 waiting for its boot flags", lambda run, since: (
        run.started_task('Wait for "Updating boot flags..."') and lock_holders(rollout.endpoints) == [core01]))
    rollout.finish()
    rollout.check_converged()


def test_kills_in_a_prestaged_rollout(chain):
    rollout = chain("-e", "coreos_prestage=true")
    core02 = rollout.ids["core-02"]
    # 6. Every node downloading at once.
    rollout.run_until("the parallel downloads", lambda run, since: all(
        rollout.events(name, "update_started") for name in NAMES))
    # 7. core-02 holding the lock before its reboot (core-01 done).
    rollout.run_until("core-02 holding the lock before its reboot", lambda run, since: (
        lock_holders(rollout.endpoints) == [core02] and not rollout.events("core-02", "shutdown")))
    # 8. core-02 rebooting.
    rollout.run_until("core-02 rebooting", lambda run, since: rollout.events("core-02", "shutdown"))
    # 9. core-02's new version marked good, its lock not released yet.
    rollout.run_until("core-02 marked good, before its unlock", lambda run, since: (
        [e for e in rollout.events("core-02", "boot_flags_updated") if e["ts"] >= since and e["version"] == NEW]))
    # 10. The final play (every node done).
    rollout.run_until("the final play", lambda run, since: run.started_task("Stop and mask update-engine]"))
    rollout.finish()
    rollout.check_converged()
