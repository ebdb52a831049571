"""The old controller tied to the Deis platform (`_controller --gate-etcd`): a real process and a real etcd;
its port closes while fleet reports deis-controller.service not running, once that unit has run."""
import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from apihelpers import SANDBOX, request
from simhelpers import free_port

from deis_sandbox.controller import PlatformGate
from deis_sandbox.run import wait_until

STATE_KEY = "/v2/keys/_coreos.com/fleet/state/deis-controller.service"


def set_unit_state(etcd, active, sub):
    value = json.dumps({"loadState": "loaded", "activeState": active, "subState": sub,
                        "machineState": {"ID": "b51f358a", "PublicIP": "127.0.10.1"}, "unitHash": "0" * 40})
    data = urllib.parse.urlencode({"value": value}).encode()
    urllib.request.urlopen(urllib.request.Request(etcd + STATE_KEY, data=data, method="PUT"), timeout=5).read()


def remove_unit_state(etcd):
    urllib.request.urlopen(urllib.request.Request(etcd + STATE_KEY, method="DELETE"), timeout=5).read()


def refuses(port):
    """Whether the port takes no connection. While the gate closes its listening socket, a connection that reached
    the backlog is reset rather than refused: both mean the port is closed (or closing)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True


@pytest.fixture
def gated_controller(etcd, tmp_path):
    try:
        remove_unit_state(etcd)
    except OSError:
        pass
    port = free_port()
    process = subprocess.Popen([sys.executable, SANDBOX, "_controller", "--port", str(port), "--state-dir", str(tmp_path),
                                "--domain", "oldcluster.sandbox.test", "--platform-version", "1.12.3", "--gate-etcd", etcd],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: not refuses(port), 10, 0.1, what="the controller to listen")
        yield port
    finally:
        process.terminate()
        process.wait(10)


def healthz(port):
    return request("http://127.0.0.1:%d/healthz" % port, timeout=5).status


def test_answers_before_the_platform_ever_ran(gated_controller):
    assert healthz(gated_controller) == 200


def test_a_stopped_platform_refuses_and_a_started_one_answers_again(etcd, gated_controller):
    set_unit_state(etcd, "active", "running")
    time.sleep(1.2)
    assert healthz(gated_controller) == 200
    set_unit_state(etcd, "inactive", "dead")
    wait_until(lambda: refuses(gated_controller), 10, 0.1, what="the port to close with the controller unit stopped")
    set_unit_state(etcd, "active", "running")
    wait_until(lambda: not refuses(gated_controller), 10, 0.1, what="the port to open with the unit running again")
    assert healthz(gated_controller) == 200


def test_an_uninstalled_platform_refuses(etcd, gated_controller):
    set_unit_state(etcd, "active", "running")
    time.sleep(1.2)
    remove_unit_state(etcd)
    wait_until(lambda: refuses(gated_controller), 10, 0.1, what="the port to close with the unit gone")


def test_an_unreachable_etcd_changes_nothing(etcd):
    silent = PlatformGate("http://127.0.0.1:%d" % free_port())
    assert silent.is_open() and not silent.seen_running
    gate = PlatformGate(etcd)
    set_unit_state(etcd, "inactive", "dead")
    gate.seen_running = True
    assert not gate.is_open()
    gate.url = silent.url
    assert not gate.is_open()
