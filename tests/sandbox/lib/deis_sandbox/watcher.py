"""Records every change of fleet membership (a machine key appearing or leaving etcd) with a
timestamp, so that tests can prove how many nodes were away at once."""
import json
import time

from simlib.etcd2 import Etcd2, EtcdError, EtcdUnreachable

from deis_sandbox.paths import etcd_endpoints, load_state, state_path

MACHINES = "/_coreos.com/fleet/machines"


def present_machines(etcd):
    """Machines whose fleet object key exists (an expired or purged machine leaves an empty folder)."""
    return {machine["key"].rsplit("/", 1)[1] for machine in etcd.children(MACHINES, recursive=True)
            if any(child["key"].endswith("/object") for child in machine.get("nodes", []))}


def record(handle, event, machine, present):
    handle.write(json.dumps({"ts": round(time.time(), 3), "event": event, "machine": machine,
                             "present": len(present)}, sort_keys=True) + "\n")
    handle.flush()


def watch_forever():
    etcd = Etcd2(etcd_endpoints(load_state()), timeout=5)
    known = None
    wait_index = None
    with open(state_path("membership.jsonl"), "a") as handle:
        while True:
            try:
                if known is None or wait_index is None:
                    current = present_machines(etcd)
                    wait_index = int(etcd.last_index or 0) + 1
                    if known is None:
                        known = current
                        for machine in sorted(current):
                            record(handle, "present", machine, current)
                else:
                    result = etcd.get(MACHINES, recursive=True, wait=True, wait_index=wait_index, timeout=30)
                    wait_index = result["node"]["modifiedIndex"] + 1
                    current = present_machines(etcd)
                for machine in sorted(current - known):
                    record(handle, "join", machine, current)
                for machine in sorted(known - current):
                    record(handle, "leave", machine, current)
                known = current
            except EtcdError as error:
                # 401: the event history moved past our index; list again.
                wait_index = None
                if error.code != 401:
                    time.sleep(0.5)
            except (EtcdUnreachable, OSError, ValueError):
                wait_index = None
                time.sleep(0.5)


def read_log():
    try:
        with open(state_path("membership.jsonl")) as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def max_away(entries, total, since=0.0):
    """The most machines missing at one time after `since`, counted from the moment every machine
    had joined (the first boots of `sandbox up` come one after the other and are not absences)."""
    complete_at = next((e["ts"] for e in entries if e["present"] >= total), None)
    if complete_at is None:
        return total
    window = [e for e in entries if e["ts"] >= max(since, complete_at)]
    return max([total - e["present"] for e in window] + [0])
