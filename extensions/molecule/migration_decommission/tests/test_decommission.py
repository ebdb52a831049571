"""After deis.platform.migrate_apps with deis_migrate_decommission (converge and idempotence): every deployed app
runs on the new cluster, the old platform is stopped, its controller silent and its registry stopped, and the
migrated apps still take a `deis config:set` (their builds no longer need the old registry); a re-run ends early.
With the old platform started again, the guards refuse to stop it: check mode, an app filter, a deisctl
of another platform, an app failing its router test, an app skipped for a name conflict.  The tests run
in this order."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import PLAYBOOKS, SANDBOX, ansible_playbook, sandbox_status, wait_until  # noqa: E402  pylint: disable=wrong-import-position
from migration_helpers import Rehearsal, read_apps  # noqa: E402  pylint: disable=wrong-import-position

from deis_sandbox import migration  # noqa: E402  pylint: disable=wrong-import-position

REPORT = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", ""), "migration-report", "report.json")


def deisctl(*args):
    return subprocess.run(["docker", "exec", "core-01", "/opt/bin/deisctl"] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)


def platform_rows():
    return [line.split() for line in deisctl("list").stdout.splitlines()[1:]]


@pytest.fixture(scope="module")
def status():
    return sandbox_status()


def migrate(status, *extra, report_dir=None):
    with tempfile.TemporaryDirectory() as fresh_dir:
        return ansible_playbook("migrate_apps.yml", status["inventory"]["ssh"], "-e", "@" + status["migration"]["vars_file"],
                                "-e", "deis_migrate_confirm=true", "-e", "deis_migrate_decommission=true",
                                "-e", "deis_migrate_report_dir=" + (report_dir or fresh_dir), *extra)


def old_controller_answers(status):
    """Any HTTP answer from the old controller's address (a 401 for /v1/ without a token)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(status["migration"]["old_controller"]["url"] + "/v1/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def old_registry_answers(status):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open("http://%s/v1/_ping" % status["migration"]["registry"]["endpoint"], timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_every_app_was_migrated_and_passed_its_test():
    """The never-deployed app has nothing to test (not_deployed); every other app passed its router test."""
    with open(REPORT, encoding="utf-8") as handle:
        report = json.load(handle)
    assert len(report["apps"]) == 8
    statuses = [app["status"] for app in report["apps"]]
    assert statuses.count("not_deployed") == 1, report
    assert all(app["router"]["ok"] for app in report["apps"] if app["status"] != "not_deployed"), report
    assert set(statuses) <= {"migrated", "already_done", "not_deployed"}, report


def test_the_old_platform_is_stopped(status):
    rows = platform_rows()
    assert len(rows) == 15, rows
    assert all(row[3:5] == ["inactive", "dead"] for row in rows), rows
    assert all(router["answer"] is None for router in status["deis"]["routers"].values()), status["deis"]["routers"]


def test_the_old_controller_no_longer_answers(status):
    assert not old_controller_answers(status)


def test_the_old_registry_stopped_with_the_platform(status):
    """The sandbox stops the old registry when fleet runs no deis-registry@N unit any more."""
    assert not old_registry_answers(status)
    assert sandbox_status()["migration"]["registry"]["running"] is False


def test_config_set_on_three_migrated_apps_still_works(status):
    """`deis config:set` makes a release, and v1.12+ publish it by pulling the build's image again
    (registry/dockerclient.py): with the old registry gone it works only for builds that no longer name it."""
    rehearsal = Rehearsal()
    news = read_apps(rehearsal.new)
    apps = sorted(app for app, info in news.items() if info["builds"])[:3]
    assert len(apps) == 3
    before = len(rehearsal.records("new"))
    for app in apps:
        answer = rehearsal.new.call("POST", "/v1/apps/%s/config/" % app, {"values": {"AFTER_DECOMMISSION": "yes"}})
        assert answer.status == 201, (app, answer)
    records = rehearsal.records("new")[before:]
    assert sorted(record["app"] for record in records) == apps
    old_registry = rehearsal.vars["deis_old_registry"]
    assert all(record["outcome"] == "ok" and not record["pulled"].startswith(old_registry + "/") for record in records), records


def test_a_rerun_finds_the_record_and_ends_early(status):
    run = migrate(status, report_dir=os.path.dirname(REPORT))
    assert run.returncode == 0, run.stdout[-3000:]
    assert "An earlier run migrated every app and decommissioned the old cluster" in run.stdout
    assert "changed=0" in run.stdout


def test_start_the_old_platform_again_for_the_guards(status):
    assert deisctl("start", "platform").returncode == 0
    rows = platform_rows()
    assert all(row[3:5] == ["active", "running"] for row in rows), rows
    wait_until(lambda: old_controller_answers(status), 15, 0.2, what="the old controller to answer")


def test_check_mode_shows_the_plan_and_changes_nothing(status):
    run = migrate(status, "--check")
    assert run.returncode == 0, run.stdout[-3000:]
    assert re.search(r"already done: [1-8]\b", run.stdout), run.stdout[-2000:]
    assert "changed=0" in run.stdout
    assert all(row[3:5] == ["active", "running"] for row in platform_rows())


def test_an_app_filter_is_refused_with_decommission(status):
    run = migrate(status, "-e", '{"deis_migrate_apps": ["happy-bandit"]}')
    assert run.returncode != 0
    assert "deis_migrate_apps limits this run to happy-bandit: the other apps would stop with it" in run.stdout, run.stdout[-2000:]
    assert all(row[3:5] == ["active", "running"] for row in platform_rows())


def test_a_deisctl_of_another_platform_is_refused_before_any_change(status):
    assert deisctl("config", "platform", "set", "domain=newcluster.sandbox.test").returncode == 0
    try:
        run = migrate(status)
    finally:
        deisctl("config", "platform", "set", "domain=" + status["deis"]["domain"])
    assert run.returncode != 0
    assert "manages the platform of newcluster.sandbox.test, not the old cluster" in run.stdout, run.stdout[-2000:]
    assert "Migrate the apps]" not in run.stdout
    assert all(row[3:5] == ["active", "running"] for row in platform_rows())


def test_an_app_failing_its_router_test_keeps_the_old_platform_running(status):
    run = migrate(status, "-e", "deis_router_url=http://127.0.0.1:9")
    assert run.returncode != 0
    assert "router test failed" in run.stdout, run.stdout[-2000:]
    assert "Stop the old platform" not in run.stdout
    assert all(row[3:5] == ["active", "running"] for row in platform_rows())


@pytest.fixture
def workstation(status, tmp_path):
    """An operator's workstation: deisctl v1.12.3, the nodes' host keys in ~/.ssh, an ssh-agent with core's key."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    shutil.copy(os.path.join(os.path.dirname(status["inventory"]["ssh"]), "ssh", "known_hosts"), home / ".ssh" / "known_hosts")
    socket_path = str(tmp_path / "agent.sock")
    agent = subprocess.run(["ssh-agent", "-s", "-a", socket_path], stdout=subprocess.PIPE, text=True, check=True).stdout
    agent_pid = int(re.search(r"SSH_AGENT_PID=(\d+)", agent).group(1))
    try:
        env = dict(os.environ, HOME=str(home), SSH_AUTH_SOCK=socket_path)
        subprocess.run(["ssh-add", status["nodes"][0]["ssh"]["key"]], env=env, stderr=subprocess.DEVNULL, check=True)
        yield {"env": env, "deisctl": status["workstation_deisctl_files"]["v1.12.3"]}
    finally:
        os.kill(agent_pid, signal.SIGTERM)


def test_decommission_from_a_workstation_through_the_tunnel(status, workstation):
    with tempfile.TemporaryDirectory() as report_dir:
        argv = ["ansible-playbook", "-i", status["inventory"]["ssh"], os.path.join(PLAYBOOKS, "migrate_apps.yml"),
                "-e", "@" + status["migration"]["vars_file"], "-e", "deis_migrate_confirm=true",
                "-e", "deis_migrate_decommission=true", "-e", "deis_migrate_report_dir=" + report_dir,
                "-e", "deis_old_deisctl_host=localhost", "-e", "deis_old_deisctl_tunnel=127.0.0.1:2201",
                "-e", "deis_old_deisctl_path=" + workstation["deisctl"]]
        run = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
                             env=workstation["env"], timeout=900, check=False)
    assert run.returncode == 0, run.stdout[-3000:]
    assert "[localhost]" in run.stdout and "[localhost -> core-01]" not in run.stdout
    assert all(row[3:5] == ["inactive", "dead"] for row in platform_rows())
    assert deisctl("start", "platform").returncode == 0
    assert all(row[3:5] == ["active", "running"] for row in platform_rows())
    wait_until(lambda: old_controller_answers(status), 15, 0.2, what="the old controller to answer")


def old_api(settings, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "token " + token
    wanted = urllib.request.Request(settings["deis_old_controller"] + path, method=method, headers=headers,
                                    data=None if body is None else json.dumps(body).encode())
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(wanted, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def test_a_skipped_app_keeps_the_old_platform_running(status):
    settings = migration.read_vars(status["migration"]["vars_file"])
    token = old_api(settings, "POST", "/v1/auth/login/",
                    {"username": settings["deis_old_username"], "password": settings["deis_old_password"]})["token"]
    old_api(settings, "POST", "/v1/apps/", {"id": "late-app"}, token)
    subprocess.run([SANDBOX, "fault", "app-name-taken", "late-app"], check=True)
    run = migrate(status)
    assert run.returncode != 0
    assert re.search(r"Not decommissioning the old cluster: [^\n]*late-app", run.stdout), run.stdout[-2000:]
    assert "Stop the old platform" not in run.stdout
    assert all(row[3:5] == ["active", "running"] for row in platform_rows())
