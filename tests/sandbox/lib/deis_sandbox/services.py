"""The real etcd (v2 API) on loopback, and the membership watcher, run as host processes."""
import os
import sys

from simlib.etcd2 import Etcd2, EtcdError, EtcdUnreachable

from deis_sandbox.paths import ETCD_CLIENT_PORTS, ETCD_ENDPOINT, ETCD_PEER_PORT, state_path
from deis_sandbox.run import read_pid, start_background, stop_pid, wait_until

ETCD_PID = "etcd.pid"
WATCHER_PID = "watcher.pid"


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


def start_watcher(sandbox_script):
    if read_pid(state_path(WATCHER_PID)):
        return False
    start_background([sys.executable, sandbox_script, "_watch"], state_path("watcher.log"), state_path(WATCHER_PID))
    wait_until(lambda: os.path.exists(state_path("membership.jsonl")), 15, what="the membership watcher")
    return True


def stop_watcher():
    return stop_pid(state_path(WATCHER_PID))
