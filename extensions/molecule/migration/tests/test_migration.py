"""After converge (with 5 % injected 5xx on both controllers, one build answered after 65 s and one app name taken)
and idempotence: the real v1.13.4 controller holds every app of the real v1.12.3 one, alike, with one build each,
every build pulled `<old registry>/<app>:v<latest release>`, every app answers through the new router with its own
page, the taken name is untouched, the CNAMEs are in BIND, no config value reaches the output, and preflight failures
stop before anything is created.  Reads both controllers directly, not through their fault proxies."""
import io
import json
import os
import secrets
import subprocess
import tarfile
import urllib.request

import pytest
from migration_helpers import Rehearsal, read_apps, report
from sandbox_helpers import REPO, sandbox

from deis_sandbox import migration, v1registry

CONFLICT = os.environ.get("CONFLICT_APP", "api-v2")
REPORT_DIR = os.path.join(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/tmp"), "migration-report")
PLAYBOOK = os.path.join(REPO, "playbooks", "migrate_apps.yml")
SLOW_SECONDS = 65


@pytest.fixture(scope="module")
def rehearsal():
    return Rehearsal()


@pytest.fixture(scope="module")
def apps(rehearsal):
    """Both clusters' apps read in full, after the run."""
    return read_apps(rehearsal.old), read_apps(rehearsal.new)


def deployed(olds):
    return sorted(app for app, info in olds.items() if info["builds"] and app != CONFLICT)


def test_the_old_cluster_has_two_pages_of_apps(rehearsal, apps):
    """PAGINATE_BY 100 (deis/settings.py): 131 apps are two pages of GET /v1/apps."""
    first = rehearsal.old.get("/v1/apps/")
    assert first["count"] == len(apps[0]) >= 131
    assert len(first["results"]) == 100 and first["next"]


def test_every_app_is_on_the_new_cluster_alike(rehearsal, apps):
    """Config values, limits, tags, domains (+ <app>.<old domain>, case as typed), owner and sharing (with the users
    the new cluster has), and the structure where a build exists."""
    olds, news = apps
    new_users = set(rehearsal.status["users"]["new"])
    assert set(news) == set(olds)
    for app, old in olds.items():
        if app == CONFLICT:
            continue
        new = news[app]
        for field in ("values", "memory", "cpu", "tags", "owner"):
            assert new[field] == old[field], (app, field)
        assert new["domains"] == sorted(old["domains"] + ["%s.%s" % (app, migration.OLD_DOMAIN)]), app
        assert new["perms"] == sorted(set(old["perms"]) & new_users), app
        if old["builds"]:
            assert new["structure"] == old["structure"], app


def test_never_deployed_apps_have_no_build(apps):
    olds, news = apps
    never = [app for app, old in olds.items() if not old["builds"]]
    assert len(never) >= 20
    assert all(not news[app]["builds"] for app in never)


def test_one_build_per_app_from_the_old_registry(rehearsal, apps):
    """Nothing duplicated by retries after 5xx or the slow answer: one build per deployed app, and every publish of the
    new cluster pulled <old registry>/<app>:v<latest old release> (the recorder's records)."""
    olds, news = apps
    records = {}
    for record in rehearsal.records("new"):
        records.setdefault(record["app"], []).append(record)
    for app in deployed(olds):
        wanted = "%s/%s:v%d" % (rehearsal.vars["deis_old_registry"], app, olds[app]["releases"][0])
        assert [build["image"] for build in news[app]["builds"]] == [wanted], app
        assert records.get(app) and {record["source"] for record in records[app]} == {wanted}, app
        assert records[app][-1]["outcome"] == "ok", app
    assert set(records) <= set(deployed(olds))


def test_the_faults_happened_and_the_slow_build_counts_once(rehearsal, apps):
    """The proxies' logs: 5xx before and after the controller on both sides, one POST builds answered after 65 s;
    that app has one build and its report row says it was migrated."""
    for side in ("old", "new"):
        faults = [entry["fault"] for entry in rehearsal.proxy_log(side)]
        assert faults.count("fail_before") and faults.count("fail_after"), side
    slow = [entry for entry in rehearsal.proxy_log("new") if entry["fault"] == "slow"]
    assert len(slow) == 1 and slow[0]["method"] == "POST" and slow[0]["seconds"] >= SLOW_SECONDS
    app = slow[0]["path"].split("/")[3]
    assert len(apps[1][app]["builds"]) == 1
    rows = {row["app"]: row for row in report(REPORT_DIR)["apps"]}
    assert rows[app]["status"] in ("migrated", "already_done")


def app_page(registry, app, tag):
    """/app/index.html of an image in a v1 registry (its layers, base first)."""
    files = {}
    for layer in reversed(registry.ancestry(registry.tag(app, tag))):
        with tarfile.open(fileobj=io.BytesIO(registry.layer(layer))) as archive:
            files.update({member.name: archive.extractfile(member).read() for member in archive.getmembers() if member.isfile()})
    return files["app/index.html"]


def test_every_app_answers_through_the_new_router_with_its_page(rehearsal, apps):
    """Under its old name, the page of the image the old cluster ran."""
    olds = apps[0]
    registry = v1registry.V1Registry(rehearsal.vars["deis_old_registry"])
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    for app in deployed(olds):
        request = urllib.request.Request(rehearsal.vars["deis_router_url"] + "/",
                                         headers={"Host": "%s.%s" % (app, migration.OLD_DOMAIN)})
        with opener.open(request, timeout=10) as answer:
            assert answer.status == 200
            assert answer.read() == app_page(registry, app, "v%d" % olds[app]["releases"][0]), app


def test_the_taken_name_is_reported_and_untouched(rehearsal, apps):
    taken = apps[1][CONFLICT]
    assert taken["owner"] == migration.SQUATTER
    assert (taken["releases"], taken["builds"], taken["domains"]) == ([1], [], [])
    entry = next(row for row in report(REPORT_DIR)["apps"] if row["app"] == CONFLICT)
    assert entry["status"] == "skipped" and "taken" in json.dumps(entry)


def test_users_missing_on_the_new_cluster_are_reported(rehearsal):
    """dave uses shared apps on the old cluster and has no account on the new one."""
    missing = set(rehearsal.status["users"]["old"]) - set(rehearsal.status["users"]["new"])
    assert missing == {"dave"}
    assert "dave" in json.dumps(report(REPORT_DIR))


def test_zone_snippet_and_bind_have_one_cname_per_app(rehearsal, apps):
    migrated = sorted(app for app in apps[0] if app != CONFLICT)
    domain, new_domain = migration.OLD_DOMAIN, migration.NEW_DOMAIN
    with open(os.path.join(REPORT_DIR, "cnames.zone"), encoding="utf-8") as handle:
        lines = [line.split() for line in handle if line.strip() and not line.startswith(";")]
    assert sorted(line[0] for line in lines) == sorted("%s.%s." % (app, domain) for app in migrated)
    assert all(line[-2:] == ["CNAME", "%s.%s." % (line[0].split(".")[0], new_domain)] for line in lines)
    argv = ["dig", "@127.0.0.1", "-p", str(rehearsal.vars["deis_dns_port"]), "+short"]
    for app in migrated:
        argv += ["%s.%s" % (app, domain), "CNAME"]
    answer = subprocess.run(argv, stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    assert answer == ["%s.%s." % (app, new_domain) for app in migrated]


def run_playbook(values, tmp_path, *extra, **overrides):
    varsfile = tmp_path / "vars.json"
    varsfile.write_text(json.dumps(dict(values, deis_migrate_confirm=True, deis_migrate_report_dir=str(tmp_path / "report"),
                                        **overrides)))
    return subprocess.run(["ansible-playbook", PLAYBOOK, "-e", "@%s" % varsfile] + list(extra), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True, timeout=600, check=False)


def test_wrong_password_stops_in_preflight(rehearsal, tmp_path):
    before = len(rehearsal.new.apps())
    result = run_playbook(rehearsal.vars, tmp_path, deis_new_password="not-the-password")
    assert result.returncode != 0
    assert "check the username and password" in result.stdout and "not-the-password" not in result.stdout
    assert len(rehearsal.new.apps()) == before


def test_something_else_than_a_controller_stops_in_preflight(rehearsal, tmp_path):
    before = len(rehearsal.new.apps())
    result = run_playbook(rehearsal.vars, tmp_path, deis_old_controller=rehearsal.vars["deis_router_url"])
    assert result.returncode != 0 and "does not appear to be a valid Deis controller" in result.stdout
    assert len(rehearsal.new.apps()) == before


def test_stopped_registry_stops_in_preflight(rehearsal, tmp_path):
    before = len(rehearsal.new.apps())
    sandbox("fault", "registry-stop")
    try:
        result = run_playbook(rehearsal.vars, tmp_path)
    finally:
        sandbox("fault", "registry-start")
    assert result.returncode != 0 and "registry" in result.stdout and "does not answer" in result.stdout
    assert len(rehearsal.new.apps()) == before


@pytest.fixture
def secret_app(rehearsal):
    """An app on the old cluster whose config holds secrets, built by `deis pull`; removed from both clusters after the
    test (which runs last: the module's other tests read the clusters as the run left them)."""
    app, registry = "secret-keeper", rehearsal.vars["deis_old_registry"]
    values = {"API_KEY": "sk-live-" + secrets.token_hex(12), "DB_PASSWORD": "p@ss w0rd " + secrets.token_hex(6),
              "PRIVATE_NOTE": "line one\nsecret line " + secrets.token_hex(6)}
    image = v1registry.make_image("acme/" + app, "1.0", {"app/index.html": b"<h1>secret-keeper</h1>\n"})
    v1registry.V1Registry(registry).push("acme/" + app, "1.0", image)
    rehearsal.old.call("POST", "/v1/apps/", {"id": app}, expect=201)
    try:
        rehearsal.old.call("POST", "/v1/apps/%s/config/" % app, {"values": values}, expect=201)
        rehearsal.old.call("POST", "/v1/apps/%s/builds/" % app, {"image": "%s/acme/%s:1.0" % (registry, app)}, expect=201)
        yield app, values
    finally:
        for controller in (rehearsal.old, rehearsal.new):
            controller.call("DELETE", "/v1/apps/%s/" % app)


def test_config_values_never_reach_the_output(rehearsal, secret_app, tmp_path):
    """-vvv, through a failed pull (its release image dropped from the old registry) and then a successful run."""
    app, values = secret_app
    registry = v1registry.V1Registry(rehearsal.vars["deis_old_registry"])
    release = "v%d" % rehearsal.old.releases(app)[0]["version"]
    image_id = registry.tag(app, release)
    sandbox("fault", "registry-drop", app)
    try:
        failed = run_playbook(rehearsal.vars, tmp_path, "-vvv", deis_migrate_apps=[app])
    finally:
        registry.put_tag(app, release, image_id)
    passed = run_playbook(rehearsal.vars, tmp_path, "-vvv", deis_migrate_apps=[app])
    assert app in failed.stdout and app in passed.stdout
    assert passed.returncode == 0, passed.stdout[-3000:]
    assert rehearsal.new.config(app)["values"] == values
    for value in values.values():
        for part in value.split("\n"):
            assert part not in failed.stdout and part not in passed.stdout
