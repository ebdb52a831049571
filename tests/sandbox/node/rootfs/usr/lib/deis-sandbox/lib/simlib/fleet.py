"""fleet's registry in etcd (v2 API), as the sandbox's fleetd agent, fleetctl and deisctl share it.

Layout under the key prefix (default /_coreos.com/fleet/), after fleet's etcd registry:
  machines/<id>/object   JSON {ID, PublicIP, Metadata, Version}, TTL'd by each machine's heartbeat
  unit/<hash>            JSON {"Raw": unit file text}; hash = SHA-1 of the text
  job/<name>/object      JSON {"Name": name, "UnitHash": hash}
  job/<name>/target-state  inactive | loaded | launched
  job/<name>/target      the machine ID the unit is scheduled to (set by the scheduler below)
  state/<name>           JSON {loadState, activeState, subState, machineState: {ID, PublicIP}, unitHash},
                         published by the agent of the machine running it, TTL'd and refreshed
"""
import hashlib
import json

from simlib.etcd2 import EtcdError

PREFIX = "/_coreos.com/fleet/"


def unit_hash(text):
    return hashlib.sha1(text.encode()).hexdigest()


def _leaf(node):
    return node["key"].rsplit("/", 1)[1]


def read_jobs(etcd, prefix=PREFIX):
    """{name: {"hash", "target_state", "state_index", "target"}} of every job; state_index tells a fresh
    write of the same target state (deisctl start on a failed unit starts it again)."""
    jobs = {}
    for job_dir in etcd.children(prefix + "job"):
        name = _leaf(job_dir)
        children = {_leaf(child): child for child in job_dir.get("nodes", [])}
        if "object" not in children:
            continue
        state = children.get("target-state", {})
        jobs[name] = {"hash": json.loads(children["object"]["value"]).get("UnitHash"),
                      "target_state": state.get("value") or "inactive", "state_index": state.get("modifiedIndex"),
                      "target": children.get("target", {}).get("value")}
    return jobs


def read_machines(etcd, prefix=PREFIX):
    machines = {}
    for machine_dir in etcd.children(prefix + "machines"):
        for child in machine_dir.get("nodes", []):
            if child["key"].endswith("/object"):
                machine = json.loads(child["value"])
                machines[machine["ID"]] = machine
    return machines


def read_states(etcd, prefix=PREFIX):
    return {_leaf(node): json.loads(node["value"]) for node in etcd.children(prefix + "state")}


def unit_text(etcd, digest, prefix=PREFIX):
    return json.loads(etcd.get(prefix + "unit/" + digest)["node"]["value"])["Raw"]


def create_unit(etcd, name, text, prefix=PREFIX):
    """Store the unit and its job (target state inactive); False when the job already exists."""
    digest = unit_hash(text)
    etcd.set(prefix + "unit/" + digest, json.dumps({"Raw": text}))
    try:
        etcd.set(prefix + "job/%s/object" % name, json.dumps({"Name": name, "UnitHash": digest}), prev_exist=False)
    except EtcdError as error:
        if error.code == 105:
            return False
        raise
    etcd.set(prefix + "job/%s/target-state" % name, "inactive")
    return True


def set_target_state(etcd, name, state, prefix=PREFIX):
    etcd.set(prefix + "job/%s/target-state" % name, state)


def destroy_unit(etcd, name, prefix=PREFIX):
    try:
        etcd.delete(prefix + "job/" + name, recursive=True)
    except EtcdError as error:
        if error.code != 100:
            raise


def group_of(name):
    """deis-router@2.service -> deis-router@ (instances of one template conflict, like X-Conflicts=deis-router@*)."""
    base = name.rsplit(".", 1)[0]
    return base.split("@")[0] + "@" if "@" in base else None


def choose_machine(name, jobs, machines):
    """Spread units as fleet's scheduler does: avoid a machine already running an instance of the same
    template, then the machine with the fewest units, ties broken by machine ID."""
    if not machines:
        return None
    group = group_of(name)
    load = dict.fromkeys(machines, 0)
    conflicts = set()
    for other, job in jobs.items():
        if other == name or job["target"] not in load:
            continue
        load[job["target"]] += 1
        if group and group_of(other) == group:
            conflicts.add(job["target"])
    return min(sorted(machines), key=lambda machine: (machine in conflicts, load[machine]))


def schedule(etcd, name, prefix=PREFIX):
    """Place the job on a machine unless it already sits on a live one; return the machine ID."""
    jobs, machines = read_jobs(etcd, prefix), read_machines(etcd, prefix)
    current = jobs.get(name, {}).get("target")
    if current in machines:
        return current
    chosen = choose_machine(name, jobs, machines)
    if chosen is not None:
        claim(etcd, name, chosen, current, prefix)
    return chosen


def claim(etcd, name, machine, previous, prefix=PREFIX):
    """Compare-and-swap the job's target, so two schedulers never place a unit twice."""
    key = prefix + "job/%s/target" % name
    try:
        if previous is None:
            etcd.set(key, machine, prev_exist=False)
        else:
            etcd.set(key, machine, prev_value=previous)
        return True
    except EtcdError as error:
        if error.code in (101, 105):
            return False
        raise
