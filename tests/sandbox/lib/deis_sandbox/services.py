"""The sandbox's etcd (a member on every node, or one host process with `up --etcd host`), and the membership
watcher, run as a host process."""
import json
import os
import sys
import urllib.error
import urllib.request

from simlib.etcd2 import Etcd2, EtcdError, EtcdUnreachable

from deis_sandbox.paths import (ETCD_CLIENT_PORTS, ETCD_ENDPOINT, ETCD_PEER_PORT, etcd_endpoints, etcd_mode,
                                member_url, state_path)
from deis_sandbox.run import SandboxError, read_pid, run, start_background, stop_pid, wait_until

ETCD_PID = "etcd.pid"
WATCHER_PID = "watcher.pid"
MEMBER_UNIT = "etcd2.service"


def etcd_healthy():
    try:
        Etcd2(ETCD_ENDPOINT, timeout=2).get("/")
        return True
    except (EtcdError, EtcdUnreachable):
        return False


def start_etcd():
    if read_pid(state_path(ETCD_PID)):
        return False
    peer = "http://127.0.0.1:%d" % ETCD_PEER_PORT
    clients = ",".join("http://127.0.0.1:%d" % port for port in ETCD_CLIENT_PORTS)
    argv = ["etcd", "--name", "sandbox", "--data-dir", state_path("etcd"),
            "--listen-client-urls", clients, "--advertise-client-urls", clients,
            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
            "--initial-cluster", "sandbox=" + peer, "--enable-v2=true"]
    start_background(argv, state_path("etcd.log"), state_path(ETCD_PID))
    wait_until(etcd_healthy, 30, what="etcd on %s" % ETCD_ENDPOINT)
    return True


def stop_etcd():
    return stop_pid(state_path(ETCD_PID))


def etcd_pid():
    return read_pid(state_path(ETCD_PID))


# -- a member on every node ------------------------------------------------------------------------------------

def member_health(address, timeout=2):
    """A member's own /health answer: True for {"health": "true"}, False for any other answer or none."""
    try:
        with urllib.request.urlopen(member_url(address) + "/health", timeout=timeout) as response:
            return json.loads(response.read().decode()).get("health") == "true"
    except urllib.error.HTTPError:
        return False  # 503 {"health": "false"}: no leader
    except (OSError, ValueError):
        return False


def members_healthy(state):
    return all(member_health(spec["public_ip"]) for spec in state["nodes"])


def wait_members_healthy(state, timeout=90):
    wait_until(lambda: members_healthy(state), timeout, 0.5,
               what="every etcd member healthy (%s)" % ", ".join(etcd_endpoints(state)))


def member_unit(name, verb):
    """systemctl VERB etcd2.service inside node NAME (as an operator would on the host). A start does not wait: a
    member is ready (Type=notify) only once a quorum of members runs, so starting them one by one would block."""
    run(["docker", "exec", name, "systemctl", verb] + (["--no-block"] if verb == "start" else []) + [MEMBER_UNIT])


def start_cluster(state):
    """The host process in host mode; in members mode the members start with their nodes."""
    if etcd_mode(state) == "host":
        start_etcd()


def stop_cluster(state):
    """`fault etcd-stop`: the host process, or every member."""
    if etcd_mode(state) == "host":
        return stop_etcd()
    for spec in state["nodes"]:
        member_unit(spec["name"], "stop")
    return True


def restart_cluster(state):
    """`fault etcd-start` and `fault clear`: the host process, or every member (started when stopped)."""
    if etcd_mode(state) == "host":
        return start_etcd()
    for spec in state["nodes"]:
        member_unit(spec["name"], "start")
    wait_members_healthy(state)
    return True


def require_members(state, fault):
    if etcd_mode(state) != "members":
        raise SandboxError("fault %s needs an etcd member on every node ('sandbox up --etcd members'); this sandbox "
                           "runs one etcd on the host" % fault)


def client(state, timeout=5.0):
    return Etcd2(etcd_endpoints(state), timeout=timeout)


def cluster_status(state):
    """The `etcd` part of `sandbox status`."""
    if etcd_mode(state) == "host":
        return {"mode": "host", "endpoint": ETCD_ENDPOINT, "pid": etcd_pid(), "healthy": etcd_healthy()}
    members = [{"node": spec["name"], "name": spec["machine_id"], "client_url": member_url(spec["public_ip"]),
                "healthy": member_health(spec["public_ip"])} for spec in state["nodes"]]
    return {"mode": "members", "endpoints": etcd_endpoints(state), "members": members,
            "healthy": all(member["healthy"] for member in members)}


# -- the membership watcher ------------------------------------------------------------------------------------

def start_watcher(sandbox_script):
    if read_pid(state_path(WATCHER_PID)):
        return False
    start_background([sys.executable, sandbox_script, "_watch"], state_path("watcher.log"), state_path(WATCHER_PID))
    wait_until(lambda: os.path.exists(state_path("membership.jsonl")), 15, what="the membership watcher")
    return True


def stop_watcher():
    return stop_pid(state_path(WATCHER_PID))
