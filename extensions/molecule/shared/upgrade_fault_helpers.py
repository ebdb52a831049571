"""What the upgrade fault suites (upgrade_faults, upgrade_rollback) share: one v1.12.3 sandbox installed as the install
guide does (no version key); every test starts from `sandbox fault clear` with the platform untouched."""
import subprocess

import pytest

from sandbox_helpers import sandbox, sandbox_status

OLD, NEW = "v1.12.3", "v1.13.4"
CONFIRMED = ["-e", "deis_version=" + NEW, "-e", "deis_upgrade_confirm=true"]


@pytest.fixture(scope="module")
def inventory():
    return sandbox_status()["inventory"]["ssh"]


@pytest.fixture(scope="module")
def new_deisctl():
    return "deisctl_source=" + sandbox_status()["deisctl_files"][NEW]


def deisctl(*args):
    return subprocess.run(["docker", "exec", "-u", "core", "-e", "HOME=/home/core", "core-01", "/opt/bin/deisctl"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def assert_untouched():
    """No version key (as installed), deisctl v1.12.3 and nothing staged next to it, every unit running v1.12.3."""
    assert deisctl("config", "platform", "get", "version").stdout.startswith("Error: 100: Key not found (/deis/platform/version)")
    assert deisctl("--version").stdout == OLD.lstrip("v") + "\n"
    rows = [line.split() for line in deisctl("list").stdout.splitlines()[1:]]
    assert len(rows) == 15 and all(row[3:5] == ["active", "running"] for row in rows), rows
    routers = sandbox_status()["deis"]["routers"]
    assert all(r["answer"] and ":" + OLD in r["answer"] for r in routers.values()), routers


def staged_deisctl():
    """/opt/bin/deisctl.v1.13.4 as `ls --full-time` shows it, or '' (earlier tests of the suite may have staged it)."""
    return subprocess.run(["docker", "exec", "core-01", "sh", "-c", "ls --full-time /opt/bin/deisctl.v1.13.4 2>/dev/null"],
                          stdout=subprocess.PIPE, text=True, check=False).stdout


@pytest.fixture(autouse=True)
def untouched_platform():
    sandbox("fault", "clear")
    assert_untouched()
