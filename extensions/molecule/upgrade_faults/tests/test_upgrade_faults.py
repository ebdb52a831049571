"""deis.platform.upgrade_inplace refuses what it must before any change, and rolls a failed upgrade
back to the OLD version.  One v1.12.3 sandbox for the suite; every test starts from `sandbox fault clear` with the
platform untouched, so the tests pass in any order."""
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import ansible_playbook, sandbox, sandbox_status  # noqa: E402  pylint: disable=wrong-import-position

OLD, NEW = "v1.12.3", "v1.13.4"
CONFIRMED = ["-e", "deis_version=" + NEW, "-e", "deis_upgrade_confirm=true"]


@pytest.fixture(scope="module")
def inventory():
    return sandbox_status()["inventory"]["ssh"]


@pytest.fixture(scope="module")
def new_deisctl():
    return "deisctl_source=" + sandbox_status()["deisctl_files"][NEW]


def deisctl(*args):
    return subprocess.run(["docker", "exec", "core-01", "/opt/bin/deisctl"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def assert_untouched():
    assert deisctl("config", "platform", "get", "version").stdout == OLD + "\n"
    assert deisctl("--version").stdout == OLD.lstrip("v") + "\n"
    rows = [line.split() for line in deisctl("list").stdout.splitlines()[1:]]
    assert len(rows) == 15 and all(row[3:5] == ["active", "running"] for row in rows), rows


@pytest.fixture(autouse=True)
def untouched_platform():
    sandbox("fault", "clear")
    assert_untouched()


def test_deisctl_mismatch_without_source_fails_in_preflight(inventory):
    run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED)
    assert run.returncode != 0
    assert "no deisctl_source is set" in run.stdout
    assert_untouched()


def test_etcd_down_fails_in_preflight(inventory, new_deisctl):
    sandbox("fault", "etcd-stop")
    try:
        run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED, "-e", new_deisctl)
    finally:
        sandbox("fault", "etcd-start")
    assert run.returncode != 0
    assert "etcd is not healthy" in run.stdout
    assert_untouched()


def test_unconfirmed_without_terminal_changes_nothing(inventory, new_deisctl):
    run = ansible_playbook("upgrade_inplace.yml", inventory, "-e", "deis_version=" + NEW, "-e", new_deisctl)
    assert run.returncode != 0
    assert "-e deis_upgrade_confirm=true" in run.stdout
    assert_untouched()


def test_check_mode_shows_the_plan_and_changes_nothing(inventory, new_deisctl):
    run = ansible_playbook("upgrade_inplace.yml", inventory, "--check", *CONFIRMED, "-e", new_deisctl)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "v1.12.3 → v1.13.4, graceful upgrade" in run.stdout
    assert_untouched()


def test_downgrade_is_refused(inventory):
    run = ansible_playbook("upgrade_inplace.yml", inventory, "-e", "deis_version=v1.7.2", "-e", "deis_upgrade_confirm=true")
    assert run.returncode != 0
    assert "older than the running v1.12.3" in run.stdout
    assert_untouched()


def test_failed_controller_is_rolled_back_to_the_old_version(inventory, new_deisctl):
    sandbox("fault", "unit-fails", "all", "controller", "--version", NEW)
    try:
        run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED, "-e", new_deisctl, "-e", "deis_upgrade_strategy=inplace")
    finally:
        sandbox("fault", "clear")
    assert run.returncode != 0
    assert "deis-controller.service" in run.stdout
    assert "Rolled back: the platform runs v1.12.3 again" in run.stdout
    assert_untouched()
    routers = sandbox_status()["deis"]["routers"]
    assert all(r["answer"] and ":" + OLD in r["answer"] for r in routers.values()), routers
