"""After the in-place upgrade of a platform installed as the install guide does: the version came from DEIS_RELEASE, the
units were created from the refreshed v1.13.4 templates, the images were pulled before the stop, the report says so."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import node_events, sandbox_status, upgrade_report  # noqa: E402  pylint: disable=wrong-import-position

REPORT = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "report")
COMPONENTS = ("store-daemon", "store-monitor", "store-metadata", "store-volume", "store-gateway", "logger", "logspout",
              "database", "registry", "controller", "builder", "publisher", "router")


def node(name, *command):
    return subprocess.run(["docker", "exec", name] + list(command), stdout=subprocess.PIPE, text=True, check=False).stdout


def test_the_report_says_where_the_version_came_from():
    # The idempotence run rewrote the report: nothing to do, the version now from the key the upgrade set.
    report = upgrade_report(REPORT)
    assert report["versions"] == {"before": "v1.13.4", "target": "v1.13.4", "after": "v1.13.4"}
    assert report["version_source"] == "/deis/platform/version" and report["strategy"] is None and report["steps"] == []


def test_the_upgrade_run_used_deis_release_and_reported_its_steps():
    first = upgrade_report(REPORT + "-first")  # converge keeps the first run's report as report-first
    assert first["versions"] == {"before": "v1.12.3", "target": "v1.13.4", "after": "v1.13.4"}
    assert first["version_source"] == "DEIS_RELEASE of /etc/deis-release"
    assert first["strategy"] == "inplace" and first["upgraded"] is True and first["rollback"] is None
    assert [s["name"] for s in first["steps"]] == ["stage deisctl", "pre-pull start", "pre-pull", "refresh-units", "stop",
                                                   "uninstall", "swap deisctl", "set version", "install", "start"]
    assert 0 < first["downtime"]["seconds"] < 120, first["downtime"]


def test_units_were_created_from_the_refreshed_v1_13_4_templates():
    status = sandbox_status()
    upgraded = [e for e in node_events(status, {"deisctl_command"}) if e.get("version") == "1.13.4" and e["argv"][:1] == ["install"]]
    since = upgraded[0]["ts"]
    created = [e for e in node_events(status, {"deisctl_unit"}) if e["action"] == "create" and e["ts"] >= since]
    assert {e["template"] for e in created} == {"/home/core/.deis/units/deis-%s.service" % c for c in COMPONENTS}
    assert all(e["created"] for e in created)
    for name in ("core-01", "core-02", "core-03"):
        for unit in node(name, "ls", "/run/fleet/units").split():
            assert "deis/deis v1.13.4 " in node(name, "cat", "/run/fleet/units/" + unit), (name, unit)


def test_images_were_pulled_on_every_node_before_the_stop():
    status = sandbox_status()
    stop = next(e for e in node_events(status, {"deisctl_command"}) if e["argv"][:2] == ["stop", "platform"] and e["phase"] == "start")
    pulls = [e for e in node_events(status, {"docker_pull"}) if e["result"] == "pulled"]
    assert pulls and all(e["end"] < stop["ts"] for e in pulls), "a unit pulled after the stop"
    assert {e["node"] for e in pulls} == {"core-01", "core-02", "core-03"}
    assert {e["image"] for e in pulls} == {"deis/%s:v1.13.4" % c for c in COMPONENTS if c != "store-volume"}
