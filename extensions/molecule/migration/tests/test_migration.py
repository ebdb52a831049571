"""After converge (+ idempotence): every app of the old controller is on the new one, alike; the taken name untouched;
the CNAMEs written and served by BIND; and preflight failures stop before anything is created."""
import json
import os
import subprocess
import sys
import urllib.request

import pytest
from sandbox_helpers import REPO, sandbox, sandbox_status

sys.path.insert(0, os.path.join(REPO, "plugins", "module_utils"))
import _deis_api as api  # noqa: E402  pylint: disable=wrong-import-position

CONFLICT = os.environ.get("CONFLICT_APP", "api-v2")
REPORT_DIR = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"), "migration-report")
PLAYBOOK = os.path.join(REPO, "playbooks", "migrate_apps.yml")


def load_vars():
    path = sandbox_status()["migration"]["vars_file"]
    values = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or ":" not in line:
                continue
            key, raw = line.split(":", 1)
            values[key.strip()] = json.loads(raw.strip())
    return values


@pytest.fixture(scope="module", name="env")
def env_fixture():
    sandbox("fault", "controller-errors", "old", "0")
    sandbox("fault", "controller-errors", "new", "0")
    values = load_vars()
    old = api.client_from_options(values["deis_old_controller"], values["deis_old_username"], values["deis_old_password"])
    new = api.client_from_options(values["deis_new_controller"], values["deis_new_username"], values["deis_new_password"])
    olds, errors = api.read_apps(old)
    assert not errors
    return values, old, new, {info["id"]: info for info in olds}


def test_every_app_is_alike_on_the_new_controller(env):
    values, new, olds = env[0], env[2], env[3]
    news, errors = api.read_apps(new)
    assert not errors
    news = {info["id"]: info for info in news}
    assert set(news) == set(olds)
    for app_id, old in olds.items():
        if app_id == CONFLICT:
            continue
        got = news[app_id]
        assert got["owner"] == values["deis_new_username"]
        assert got["image"] == "%s/%s:v%d" % (values["deis_old_registry"], app_id, old["release"])
        assert got["config"]["values"] == old["config"]["values"], app_id
        for field in ("memory", "cpu", "tags"):
            assert got["config"][field] == old["config"][field], (app_id, field)
        assert got["domains"] == sorted(old["domains"] + ["%s.%s" % (app_id, values["deis_old_domain"])])
        assert api.running(got["structure"]) == api.running(old["structure"])


def test_the_taken_name_is_reported_and_untouched(env):
    new = env[2]
    app = new.app(CONFLICT)
    assert app["owner"] == "squatter"
    assert new.latest(CONFLICT, "releases")["version"] == 1 and new.domains(CONFLICT) == []
    report = json.load(open(os.path.join(REPORT_DIR, "report.json"), encoding="utf-8"))
    entry = next(item for item in report["apps"] if item["app"] == CONFLICT)
    assert entry["status"] == "skipped" and "name taken by another user" in entry["reason"]
    assert report["summary"]["failed"] == 0


def test_router_answers_every_app_under_its_old_name(env):
    values, new, olds = env[0], env[2], env[3]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for app_id in sorted(olds)[:20]:
        if app_id == CONFLICT:
            continue
        request = urllib.request.Request(values["deis_router_url"] + "/", headers={"Host": "%s.%s" % (app_id, values["deis_old_domain"])})
        with opener.open(request, timeout=10) as answer:
            assert answer.read().decode().strip() == "app=%s release=v%d" % (app_id, new.latest(app_id, "releases")["version"])


def test_zone_snippet_and_bind_have_one_cname_per_app(env):
    values, olds = env[0], env[3]
    migrated = sorted(app for app in olds if app != CONFLICT)
    lines = [line.split() for line in open(os.path.join(REPORT_DIR, "cnames.zone"), encoding="utf-8") if line.strip()]
    assert sorted(line[0] for line in lines) == sorted("%s.%s." % (app, values["deis_old_domain"]) for app in migrated)
    assert all(line[-2:] == ["CNAME", "%s.%s." % (line[0].split(".")[0], values["deis_new_domain"])] for line in lines)
    argv = ["dig", "@127.0.0.1", "-p", str(values["deis_dns_port"]), "+short"]
    for app in migrated:
        argv += ["%s.%s" % (app, values["deis_old_domain"]), "CNAME"]
    answer = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    assert answer == ["%s.%s." % (app, values["deis_new_domain"]) for app in migrated]


def run_playbook(values, tmp_path, **overrides):
    varsfile = tmp_path / "vars.json"
    varsfile.write_text(json.dumps(dict(values, deis_migrate_confirm=True, deis_migrate_report_dir=str(tmp_path / "report"), **overrides)))
    return subprocess.run(["ansible-playbook", PLAYBOOK, "-e", "@%s" % varsfile], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, text=True, timeout=300, check=False)


def new_app_count(new):
    return len(new.apps())


def test_wrong_password_stops_in_preflight(env, tmp_path):
    values, new = env[0], env[2]
    before = new_app_count(new)
    result = run_playbook(values, tmp_path, deis_new_password="not-the-password")
    assert result.returncode != 0
    assert "check the username and password" in result.stdout and "not-the-password" not in result.stdout
    assert new_app_count(new) == before


def test_bad_url_stops_in_preflight(env, tmp_path):
    values, new = env[0], env[2]
    before = new_app_count(new)
    result = run_playbook(values, tmp_path, deis_old_controller=values["deis_router_url"], deis_api_retries=0)
    assert result.returncode != 0 and "does not appear to be a valid Deis controller" in result.stdout
    assert new_app_count(new) == before


def test_stopped_registry_stops_in_preflight(env, tmp_path):
    values, new = env[0], env[2]
    before = new_app_count(new)
    sandbox("fault", "registry-stop")
    try:
        result = run_playbook(values, tmp_path)
    finally:
        sandbox("fault", "registry-start")
    assert result.returncode != 0 and "registry" in result.stdout and "does not answer" in result.stdout
    assert new_app_count(new) == before
