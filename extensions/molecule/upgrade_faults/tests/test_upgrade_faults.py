"""deis.platform.upgrade_inplace refuses what it must before any change: no deisctl source, etcd down, no confirmation,
check mode, etcd 0.4 (passes with a warning), a .run archive with the wrong sha256, a URL without one, graceful without
published apps, a downgrade.  One v1.12.3 sandbox installed as the install guide does (no version key) for the suite;
every test starts from `sandbox fault clear` with the platform untouched, so the tests pass in any order."""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import ansible_playbook, sandbox, sandbox_status  # noqa: E402  pylint: disable=wrong-import-position
from upgrade_fault_helpers import (  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
    CONFIRMED, NEW, OLD, assert_untouched, deisctl, inventory, new_deisctl, staged_deisctl, untouched_platform)


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


def test_downgrade_is_refused(inventory):
    run = ansible_playbook("upgrade_inplace.yml", inventory, "-e", "deis_version=v1.7.2", "-e", "deis_upgrade_confirm=true")
    assert run.returncode != 0
    assert "older than the running v1.12.3" in run.stdout
    assert_untouched()
