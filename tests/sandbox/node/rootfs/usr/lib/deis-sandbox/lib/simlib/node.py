"""Where a simulator finds this node's files.  SANDBOX_ROOT (default /) lets tests run them on the host."""
import json
import os
import time

from simlib.osrelease import parse_env


def root():
    return os.environ.get("SANDBOX_ROOT", "/")


def path(absolute):
    return os.path.join(root(), absolute.lstrip("/"))


def read(absolute, default=None):
    try:
        with open(path(absolute)) as handle:
            return handle.read()
    except OSError:
        if default is None:
            raise
        return default


def write(absolute, text):
    target = path(absolute)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = target + ".tmp"
    with open(tmp, "w") as handle:
        handle.write(text)
    os.replace(tmp, target)


def config():
    """/etc/deis-sandbox/node.env, written by the sandbox when it creates the node."""
    return parse_env(read("/etc/deis-sandbox/node.env", ""))


def machine_id():
    return read("/etc/machine-id").strip()


CONTROL = "/var/lib/deis-sandbox/control"


def control(name):
    """A file in the node's control folder, shared with the sandbox on the host."""
    return CONTROL + "/" + name


def record_event(event, **fields):
    """Append to the node's event log, read by the sandbox for timings and reboot counts."""
    entry = dict(ts=round(time.time(), 3), event=event, **fields)
    target = path(control("events.jsonl"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "a") as handle:
        handle.write(json.dumps(entry, sort_keys=True) + "\n")
