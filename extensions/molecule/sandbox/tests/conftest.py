"""Fixtures for the sandbox scenario: every node by name, and the sandbox CLI on the host."""
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import node_hosts, sandbox, sandbox_status  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

NAMES = ("core-01", "core-02", "core-03")


@pytest.fixture(scope="session")
def nodes():
    return node_hosts(os.environ["MOLECULE_INVENTORY_FILE"], NAMES)


@pytest.fixture(scope="session")
def status():
    return sandbox_status()


def pid1_start(node):
    """PID 1's start time (the boot id does not change in a container); None while unreachable."""
    try:
        result = node.run("cut -d' ' -f22 /proc/1/stat")
    except RuntimeError:  # testinfra raises on ssh's own failures (exit 255)
        return None
    return result.stdout.strip() if result.rc == 0 else None


def system_state(node):
    try:
        return node.run("systemctl is-system-running").stdout.strip()
    except RuntimeError:
        return None


def reboot(node, timeout=120):
    """Reboot for real (systemd stops every unit, PID 1 exits, the container boots again) and wait
    until PID 1 is a new one and systemd is up."""
    before = pid1_start(node)
    assert before
    assert node.run("sudo systemd-run --on-active=1 --timer-property=AccuracySec=100ms systemctl reboot").rc == 0
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(1)
        now = pid1_start(node)
        if now and now != before and system_state(node) in ("running", "degraded"):
            return
    raise AssertionError("node did not come back within %ss" % timeout)


def in_fleet(observer, machine_id):
    return machine_id in observer.run("fleetctl list-machines --full --no-legend").stdout


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError("timed out waiting for " + what)
