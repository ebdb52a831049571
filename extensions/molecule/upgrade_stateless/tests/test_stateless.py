"""After the in-place upgrade of the stateless platform: every unit of the v1.13.4 stateless platform runs, the logger
too, from v1.13.4's template; no store, no database; no false unit failure on the way."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import sandbox_status, upgrade_report  # noqa: E402  pylint: disable=wrong-import-position

REPORT = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "report")
STATELESS = ["deis-builder.service", "deis-controller.service", "deis-logger.service", "deis-logspout.service",
             "deis-publisher.service", "deis-registry@1.service", "deis-router@1.service", "deis-router@2.service",
             "deis-router@3.service"]


def node(name, *command, operator=False):
    user = ["-u", "core", "-e", "HOME=/home/core"] if operator else []
    return subprocess.run(["docker", "exec"] + user + [name] + list(command), stdout=subprocess.PIPE, text=True, check=False).stdout


def rows():
    return [line.split() for line in node("core-01", "/opt/bin/deisctl", "list", operator=True).splitlines()[1:]]


def test_the_stateless_platform_runs_with_its_logger():
    assert sorted(row[0] for row in rows()) == STATELESS
    assert all(row[3:5] == ["active", "running"] for row in rows()), rows()


def test_every_unit_comes_from_the_v1_13_4_templates():
    for row in rows():
        machine = "core-0" + row[1].rsplit(".", 1)[1]
        assert "deis/deis v1.13.4 " in node(machine, "cat", "/run/fleet/units/" + row[0]), row


def test_routers_serve_the_new_version():
    routers = sandbox_status()["deis"]["routers"]
    assert all(router["answer"] and ":v1.13.4" in router["answer"] for router in routers.values()), routers


def test_the_report():
    first = upgrade_report(REPORT + "-first")
    assert first["versions"] == {"before": "v1.12.3", "target": "v1.13.4", "after": "v1.13.4"}
    assert first["stateless"] is True and first["strategy"] == "inplace" and first["upgraded"] is True
    assert "stateless logger" in [s["name"] for s in first["steps"]]
