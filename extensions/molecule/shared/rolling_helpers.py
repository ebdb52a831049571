"""What the coreos_rolling scenarios share: the playbook run in the background (to kill it with SIGKILL at a chosen
point, or to act while it waits), the etcd members watched from the host as etcdctl reports them, the nodes'
sandbox events."""
import importlib.util
import json
import os
import signal
import subprocess
import threading
import time

from sandbox_helpers import PLAYBOOKS, REPO, sandbox_status

PARSERS = os.path.join(REPO, "plugins", "module_utils")


def module_util(name):
    """A collection parser, loaded from its file (they import only the standard library)."""
    spec = importlib.util.spec_from_file_location(name, os.path.join(PARSERS, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Playbook:
    """ansible-playbook deis.platform's coreos_rolling.yml in its own session, its output read line by line."""

    def __init__(self, inventory, *extra, playbook="coreos_rolling.yml"):
        argv = ["ansible-playbook", "-i", inventory, os.path.join(PLAYBOOKS, playbook)] + list(extra)
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self):
        return "".join(self.lines)

    def wait(self, timeout=900):
        self.process.wait(timeout)
        self.reader.join(10)
        return self.process.returncode

    def kill_when(self, condition, timeout=600, what="the kill point"):
        """SIGKILL the whole run (ansible-playbook and its workers) as soon as condition() holds."""
        deadline = time.time() + timeout
        while not condition():
            assert self.process.poll() is None, "the run ended before %s:\n%s" % (what, self.output[-3000:])
            assert time.time() < deadline, "never reached %s:\n%s" % (what, self.output[-3000:])
            time.sleep(0.1)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.reader.join(10)

    def reached_task(self, name, host):
        """The task banner `TASK [... : name]` was printed and host's result (or its first retry) followed it."""
        banner = None
        for number, line in enumerate(self.lines):
            if line.startswith("TASK [") and name in line:
                banner = number
        return banner is not None and any(host in line for line in self.lines[banner + 1:])

    def started_task(self, name):
        return any(line.startswith("TASK [") and name in line for line in self.lines)


def node_events(state_dir, name, since=0.0, kinds=None):
    try:
        with open(os.path.join(state_dir, "nodes", name, "events.jsonl")) as handle:
            events = [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []
    return [e for e in events if e["ts"] >= since and (kinds is None or e["event"] in kinds)]


class MemberWatch:
    """Polls `etcdctl cluster-health` (the host's etcdctl, v2 API, every member's endpoint) every half second and
    keeps, per poll, the members it did not report healthy (by name = the node's machine id)."""

    def __init__(self, endpoints):
        self.endpoints = ",".join(endpoints)
        self.polls = []
        self.running = True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self):
        parser = module_util("_etcdctl")
        env = dict(os.environ, ETCDCTL_API="2")
        names = {}
        while self.running:
            health = subprocess.run(["etcdctl", "--endpoints", self.endpoints, "cluster-health"], env=env, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
            parsed = parser.parse_cluster_health(health.returncode, health.stdout, health.stderr)
            if not names or any(m["id"] not in names for m in parsed["members"]):
                listing = subprocess.run(["etcdctl", "--endpoints", self.endpoints, "member", "list"], env=env, text=True,
                                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
                if listing.returncode == 0:
                    names = {m["id"]: m["name"] for m in parser.parse_member_list(listing.stdout)}
            away = sorted(names.get(m["id"], m["id"]) for m in parsed["members"] if not m["healthy"])
            self.polls.append((time.time(), away, len(parsed["members"])))
            time.sleep(0.5)

    def stop(self):
        self.running = False
        self.thread.join(10)
        return self.polls


def machine_ids():
    return {node["name"]: node["machine_id"] for node in sandbox_status()["nodes"]}
