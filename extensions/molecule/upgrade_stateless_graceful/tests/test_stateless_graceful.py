"""After the graceful upgrade of the stateless platform: upgrade-takeover --stateless recreated everything but the
logger (deis/deis v1.13.4 deisctl/cmd/upgrade.go:112-138); the run reported it and did not fail; the routers kept
serving."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "upgrade_stateless", "tests"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import SANDBOX, upgrade_report  # noqa: E402  pylint: disable=wrong-import-position
from test_stateless import STATELESS, rows, test_every_unit_comes_from_the_v1_13_4_templates, test_routers_serve_the_new_version  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import

REPORT = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "report")


def test_everything_but_the_logger_runs():
    assert sorted(row[0] for row in rows()) == [unit for unit in STATELESS if unit != "deis-logger.service"]
    assert all(row[3:5] == ["active", "running"] for row in rows()), rows()


def test_the_missing_logger_is_reported():
    first = upgrade_report(REPORT + "-first")
    assert first["strategy"] == "graceful" and first["upgraded"] is True and first["error"] is None
    assert list(first["upstream_gaps"]) == ["logger"]
    assert "upgrade.go:112-138" in first["upstream_gaps"]["logger"] and "deisctl install logger" in first["upstream_gaps"]["logger"]


def test_no_router_was_silent_for_more_than_2_seconds():
    report = json.loads(subprocess.run([SANDBOX, "prober", "report"], stdout=subprocess.PIPE, text=True, check=True).stdout)
    assert report["polls"] > 100, report
    assert report["max_gap"] <= 2.0, report["gaps"]
