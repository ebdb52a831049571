"""deis.platform.upgrade_inplace refuses what it must before any change, and rolls a failed upgrade
back to the OLD version.  One v1.12.3 sandbox installed as the install guide does (no version key) for the suite;
every test starts from `sandbox fault clear` with the platform untouched, so the tests pass in any order."""
import hashlib
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
    # No app was ever published on this sandbox: upgrade-takeover would fail at /deis/services, auto picks in place.
    assert "v1.12.3 → v1.13.4, inplace upgrade. No app was ever published (no /deis/services)" in run.stdout
    assert "Deis v1.12.3 (from DEIS_RELEASE of /etc/deis-release)" in run.stdout
    assert_untouched()


def test_graceful_without_published_services_is_refused(inventory, new_deisctl):
    run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED, "-e", new_deisctl, "-e", "deis_upgrade_strategy=graceful")
    assert run.returncode != 0
    assert "No app was ever published (no /deis/services): upgrade-takeover would stop at it" in " ".join(run.stdout.split())
    assert_untouched()


def test_etcd_answering_like_0_4_passes_preflight_with_a_warning(inventory, new_deisctl):
    """The etcd-v04 fault: etcdctl cluster-health fails (404 on /v2/members); the health comes from /v2/machines and
    /v2/stats/self, and the run says so."""
    sandbox("fault", "etcd-v04")
    endpoint = sandbox_status()["etcd_v04"]["endpoint"]
    run = ansible_playbook("upgrade_inplace.yml", inventory, "--check", *CONFIRMED, "-e", new_deisctl, "-e", "deisctl_endpoint=" + endpoint)
    assert run.returncode == 0, run.stdout[-3000:]
    warning = " ".join(run.stdout.split())
    assert "[WARNING]: etcd answered 404 on /v2/members" in warning
    assert "health read from /v2/machines and /v2/stats/self instead of etcdctl cluster-health" in warning
    assert "v1.12.3 → v1.13.4, inplace upgrade" in run.stdout
    assert_untouched()


def test_a_run_archive_with_a_wrong_checksum_changes_nothing(inventory):
    archive = sandbox_status()["deisctl_run_files"][NEW]
    with open(archive, "rb") as handle:
        actual = hashlib.sha256(handle.read()).hexdigest()
    wrong = "0" * 64
    staged = staged_deisctl()
    run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED, "-e", "deisctl_source=" + archive,
                           "-e", "deisctl_source_checksum=sha256:" + wrong)
    assert run.returncode != 0
    assert "the sha256 of %s is %s, expected %s (deisctl_source_checksum): refusing it. Nothing was changed." % (archive, actual, wrong) \
        in " ".join(run.stdout.split())
    assert_untouched()
    assert staged_deisctl() == staged, "the deisctl staged next to the old one (by an earlier test, or none) changed"


def test_a_url_without_checksum_is_refused(inventory):
    run = ansible_playbook("upgrade_inplace.yml", inventory, *CONFIRMED,
                           "-e", "deisctl_source=http://127.0.0.1:9/deisctl-1.13.4-linux-amd64.run")
    assert run.returncode != 0
    assert "needs its sha256 (deisctl_source_checksum), or deisctl_source_insecure: true" in " ".join(run.stdout.split())
    assert_untouched()


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
