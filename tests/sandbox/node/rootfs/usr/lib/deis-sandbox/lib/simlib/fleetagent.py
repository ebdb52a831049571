"""fleet's agent: run the units scheduled to this machine with systemd and publish their real state.

Each tick: adopt jobs whose machine left the cluster (fleet reschedules them), write the unit files
of this machine's jobs to /run/fleet/units (linked into /run/systemd/system, then daemon-reload),
start / stop them when their target state says so, unload units no longer scheduled here, and
publish `systemctl show` states to <prefix>state/<unit> with a TTL (refreshed at half of it).
"""
import json
import os
import subprocess
import time

from simlib import fleet, node
from simlib.etcd2 import EtcdError

UNIT_DIR = "/run/fleet/units"
SYSTEMD_RUNTIME_DIR = "/run/systemd/system"
SHOW_PROPERTIES = "Id,LoadState,ActiveState,SubState"


class Agent:
    """The agent of one machine; systemctl is the command it drives (a fake one in host tests)."""

    def __init__(self, etcd, machine, ttl, prefix=fleet.PREFIX, systemctl=("systemctl",)):
        self.etcd = etcd
        self.machine = machine
        self.ttl = ttl
        self.prefix = prefix
        self.systemctl = list(systemctl)
        self.written = {}
        # unit -> (target state, its etcd modifiedIndex) last acted on
        self.commanded = {}
        self.published = {}

    def _systemctl(self, *args):
        return subprocess.run(self.systemctl + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, check=False)

    def local_units(self):
        try:
            return sorted(os.listdir(node.path(UNIT_DIR)))
        except FileNotFoundError:
            return []

    def adopt_orphans(self, jobs, machines):
        """Jobs on no live machine go to the machine the scheduler picks; this agent claims those it gets."""
        for name in sorted(jobs):
            job = jobs[name]
            if job["target_state"] == "inactive" or job["target"] in machines:
                continue
            if fleet.choose_machine(name, jobs, machines) == self.machine["ID"]:
                if fleet.claim(self.etcd, name, self.machine["ID"], job["target"], self.prefix):
                    node.record_event("fleet_scheduled", unit=name, previous=job["target"])
                    job["target"] = self.machine["ID"]

    def write_unit(self, name, digest):
        text = fleet.unit_text(self.etcd, digest, self.prefix)
        node.write(UNIT_DIR + "/" + name, text)
        link = node.path(SYSTEMD_RUNTIME_DIR + "/" + name)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if not os.path.islink(link):
            os.symlink(os.path.join(UNIT_DIR, name), link)
        self.written[name] = digest

    def unload(self, name):
        if self.commanded.pop(name, (None, None))[0] == "launched" or self.active(name):
            self._systemctl("stop", name)
        self._systemctl("reset-failed", name)
        for path in (SYSTEMD_RUNTIME_DIR + "/" + name, UNIT_DIR + "/" + name):
            try:
                os.unlink(node.path(path))
            except FileNotFoundError:
                pass
        self.written.pop(name, None)
        self.unpublish(name)
        node.record_event("unit_unloaded", unit=name)

    def active(self, name):
        return self._systemctl("is-active", "--quiet", name).returncode == 0

    def unpublish(self, name):
        if self.published.pop(name, None) is None:
            return
        try:
            self.etcd.delete(self.prefix + "state/" + name)
        except EtcdError as error:
            if error.code != 100:
                raise

    def systemd_states(self, names):
        if not names:
            return {}
        result = self._systemctl("show", "--property=" + SHOW_PROPERTIES, *names)
        states, current = {}, {}
        for line in result.stdout.splitlines() + [""]:
            if line.strip():
                key, _sep, value = line.partition("=")
                current[key] = value
            elif current:
                states[current.get("Id")] = current
                current = {}
        return states

    def publish(self, name, digest, unit_state):
        state = {"loadState": unit_state.get("LoadState"), "activeState": unit_state.get("ActiveState"),
                 "subState": unit_state.get("SubState"), "unitHash": digest,
                 "machineState": {"ID": self.machine["ID"], "PublicIP": self.machine.get("PublicIP", ""),
                                  "Metadata": self.machine.get("Metadata", {}), "Version": self.machine.get("Version")}}
        text = json.dumps(state, sort_keys=True)
        previous = self.published.get(name)
        now = time.time()
        if previous and previous[0] == text and now - previous[1] < self.ttl / 2.0:
            return
        self.etcd.set(self.prefix + "state/" + name, text, ttl=self.ttl)
        self.published[name] = (text, now)
        if not previous or previous[0] != text:
            node.record_event("unit_state", unit=name, load=state["loadState"], active=state["activeState"],
                              sub=state["subState"])

    def tick(self):
        jobs = fleet.read_jobs(self.etcd, self.prefix)
        self.adopt_orphans(jobs, fleet.read_machines(self.etcd, self.prefix))
        mine = {name: job for name, job in jobs.items()
                if job["target"] == self.machine["ID"] and job["target_state"] in ("loaded", "launched")}
        reload_needed = False
        for name in self.local_units():
            if name not in mine:
                self.unload(name)
                reload_needed = True
        for name, job in sorted(mine.items()):
            if self.written.get(name) != job["hash"]:
                self.write_unit(name, job["hash"])
                reload_needed = True
        if reload_needed:
            self._systemctl("daemon-reload")
        for name, job in sorted(mine.items()):
            wanted = (job["target_state"], job["state_index"])
            previous = self.commanded.get(name, (None, None))
            if wanted[0] == "launched" and previous != wanted:
                self._systemctl("start", "--no-block", name)
                node.record_event("fleet_start", unit=name)
            elif wanted[0] == "loaded" and previous[0] == "launched":
                self._systemctl("stop", "--no-block", name)
                node.record_event("fleet_stop", unit=name)
            self.commanded[name] = wanted
        states = self.systemd_states(sorted(mine))
        for name, job in sorted(mine.items()):
            if name in states:
                self.publish(name, job["hash"], states[name])

    def purge(self):
        """On a clean shutdown fleet withdraws what this machine published."""
        for name in list(self.published):
            self.unpublish(name)
