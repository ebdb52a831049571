"""After the graceful deis.platform.upgrade_inplace: what the in-place scenario checks, the routers' gap, the images
pulled before upgrade-prep, the report."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "upgrade_inplace", "tests"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import SANDBOX, node_events, sandbox_status, upgrade_report  # noqa: E402  pylint: disable=wrong-import-position
from test_upgraded import (  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
    test_deisctl_on_the_node_is_the_target_version, test_every_platform_unit_is_active_and_running,
    test_platform_version_key_is_the_target, test_routers_serve_the_new_version)

REPORT = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "report")


def test_no_router_was_silent_for_more_than_2_seconds():
    report = json.loads(subprocess.run([SANDBOX, "prober", "report"], stdout=subprocess.PIPE, text=True, check=True).stdout)
    assert report["polls"] > 100, report
    assert report["max_gap"] <= 2.0, report["gaps"]


def test_images_were_pulled_before_upgrade_prep():
    status = sandbox_status()
    prep = next(e for e in node_events(status, {"deisctl_command"}) if e["argv"][:1] == ["upgrade-prep"] and e["phase"] == "start")
    pulls = [e for e in node_events(status, {"docker_pull"}) if e["result"] == "pulled"]
    assert pulls and all(e["end"] < prep["ts"] for e in pulls), "a unit pulled during the takeover"
    assert {e["node"] for e in pulls} == {"core-01", "core-02", "core-03"}


def test_the_report():
    first = upgrade_report(REPORT + "-first")
    assert first["versions"] == {"before": "v1.12.3", "target": "v1.13.4", "after": "v1.13.4"}
    assert (first["version_source"], first["strategy"], first["upstream_gaps"]) == ("DEIS_RELEASE of /etc/deis-release", "graceful", {})
    assert [s["name"] for s in first["steps"]] == ["stage deisctl", "pre-pull start", "pre-pull", "refresh-units", "set version",
                                                   "upgrade-prep", "upgrade-takeover", "swap deisctl"], "in the order they ran"
    assert first["downtime"]["what"].startswith("the control plane")
