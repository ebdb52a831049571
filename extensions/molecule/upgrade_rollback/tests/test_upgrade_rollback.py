"""deis.platform.upgrade_inplace stops at a failed pre-pull before anything is stopped, and rolls a failed upgrade back
to the OLD version.  One v1.12.3 sandbox installed as the install guide does for the suite; every test starts from
`sandbox fault clear` with the platform untouched, so the tests pass in any order."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import ansible_playbook, sandbox, upgrade_report  # noqa: E402  pylint: disable=wrong-import-position
from upgrade_fault_helpers import (  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
    CONFIRMED, NEW, OLD, assert_untouched, deisctl, inventory, new_deisctl, staged_deisctl, untouched_platform)


def test_a_failed_pull_stops_before_anything_is_stopped(inventory, new_deisctl):
    """A component pinned to an image the registry does not hold: the pre-pull fails, the platform keeps running."""
    assert deisctl("config", "controller", "set", "image=deis/controller:v9.9.9").returncode == 0
    try:
        run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED, "-e", new_deisctl, "-e", "deis_upgrade_strategy=inplace")
    finally:
        deisctl("config", "controller", "rm", "image")
    assert run.returncode != 0
    assert "docker pull deis/controller:v9.9.9 failed on core-0" in run.stdout
    assert "Nothing was stopped or changed on the platform." in " ".join(run.stdout.split())
    assert_untouched()


def test_failed_controller_is_rolled_back_to_the_old_version(inventory, new_deisctl, tmp_path):
    sandbox("fault", "unit-fails", "all", "controller", "--version", NEW)
    try:
        run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED, "-e", new_deisctl, "-e", "deis_upgrade_strategy=inplace",
                               "-e", "deis_upgrade_report_dir=%s" % tmp_path)
    finally:
        sandbox("fault", "clear")
    assert run.returncode != 0
    assert "deis-controller.service" in run.stdout
    assert "Rolled back: the platform runs v1.12.3 again" in run.stdout
    assert_untouched()
    report = upgrade_report(str(tmp_path))
    assert (report["upgraded"], report["versions"]["after"], report["rollback"]["done"], report["rollback"]["to"]) == (
        False, OLD, True, OLD)
    assert "Start the platform (new deisctl)" in report["error"] and "deis-controller" in report["error"]
    assert report["downtime"]["end"] == max(step["end"] for step in report["rollback"]["steps"])
