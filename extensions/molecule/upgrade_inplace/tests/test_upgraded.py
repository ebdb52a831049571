"""After deis.platform.upgrade_inplace (run twice: converge and idempotence)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import sandbox_status  # noqa: E402  pylint: disable=wrong-import-position

EXPECTED = os.environ.get("EXPECTED_DEIS_VERSION", "v1.13.4")


def deisctl(*args):
    return subprocess.run(["docker", "exec", "core-01", "/opt/bin/deisctl"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def test_platform_version_key_is_the_target():
    assert deisctl("config", "platform", "get", "version").stdout == EXPECTED + "\n"


def test_deisctl_on_the_node_is_the_target_version():
    assert deisctl("--version").stdout == EXPECTED.lstrip("v") + "\n"


def test_every_platform_unit_is_active_and_running():
    rows = [line.split() for line in deisctl("list").stdout.splitlines()[1:]]
    assert len(rows) == 15, rows
    assert all(row[3:5] == ["active", "running"] for row in rows), rows


def test_routers_serve_the_new_version():
    routers = sandbox_status()["deis"]["routers"]
    assert all(router["answer"] and ":" + EXPECTED in router["answer"] for router in routers.values()), routers
