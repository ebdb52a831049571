# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller modules, run as Ansible runs a module, against the upstream Deis v1 controllers and the deis-v1-lts
docker-registry of the sandbox (tests/sandbox/lib/deis_sandbox/upstream.py, built from shared/upstream): an old v1.12.3
cluster and a new v1.13.4 one, each with its own v1 registry, their publish step replaced by the sandbox's recorder.

Old cluster: `web` (alice's, a `deis pull` build with a Procfile, odd config values, limits, tags, a domain with upper
case, web=2, shared with bob), `never` (admin's, never deployed, with config and a domain), `zero` (scaled to 0) and
`late` (its image goes missing in the old registry for one run). New cluster: admin and alice; bob is missing.

Ports from DEIS_TEST_PORT_BASE (default 17300); containers named DEIS_TEST_CONTAINER_PREFIX (default "deis-modules-test-");
state under a temporary folder. Run it in a place of its own (a lane or /work/notes/in-sandbox).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_plan
from ansible_collections.deis.platform.plugins.module_utils._deis_client import DeisApiError, DeisClient
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import read_app

SANDBOX_LIB = os.path.join(os.path.dirname(__file__), "..", "..", "sandbox", "lib")
sys.path.insert(0, os.path.abspath(SANDBOX_LIB))
from deis_sandbox import upstream, v1registry  # noqa: E402  pylint: disable=wrong-import-position

PORT_BASE = int(os.environ.get("DEIS_TEST_PORT_BASE", "17300"))
PREFIX = os.environ.get("DEIS_TEST_CONTAINER_PREFIX", "deis-modules-test-")
COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_deis_plan.__file__), *[".."] * 5))
MODULES = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "deis", "platform", "plugins", "modules")
SECRET = "postgres://web:Pl4nted-s3cret@db.internal:5432/web"
ODD = {"DATABASE_URL": SECRET, "QUOTES": 'He said "hi" and \'bye\'', "NEWLINES": "line one\nline two", "UNICODE": "Gr\u00fc\u00dfe \u2603",
       "EQUALS": "a=b=c", "EMPTY": ""}
PROCFILE = {"web": "/bin/busybox httpd -f -p 5000", "worker": "/bin/busybox sleep 3600"}
OLD_DOMAIN, NEW_DOMAIN = "old.test", "new.test"
APPS = ("web", "zero", "late")


def run_module(tmp_path, name, check_mode=False, **args):
    """Run plugins/modules/NAME.py with ARGS as Ansible runs it; (parsed JSON, raw stdout)."""
    args_file = tmp_path / ("%s-args.json" % name)
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check_mode)}))
    done = subprocess.run([sys.executable, os.path.join(MODULES, name + ".py"), str(args_file)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT), timeout=900, check=False)
    assert done.stdout, done.stderr
    return json.loads(done.stdout), done.stdout + done.stderr


class Cluster:
    """One controller with its registry; tokens of its users."""

    def __init__(self, url, registry, data_dir):
        self.url, self.registry, self.data_dir = url, registry, data_dir
        self.tokens = {}

    def register(self, username):
        client = DeisClient(self.url)
        client.register(username, username + "-pw", username + "@example.test")
        self.tokens[username] = client.login(username, username + "-pw")

    def client(self, username="admin"):
        return DeisClient(self.url, self.tokens[username], retries=0)

    def records(self, app_id):
        return [record for record in upstream.records(self.data_dir) if record["app"] == app_id]


@pytest.fixture(scope="module", name="stack")
def stack_fixture():
    data = tempfile.mkdtemp(prefix="deis-modules-test-")
    started = []

    def start(kind, name, *args, **kwargs):
        started.append(PREFIX + name)
        return getattr(upstream, "start_" + kind)(started[-1], *args, **kwargs)
    try:
        old_registry = start("registry", "registry-old", PORT_BASE, os.path.join(data, "registry-old"))
        new_registry = start("registry", "registry-new", PORT_BASE + 1, os.path.join(data, "registry-new"))
        old = Cluster(start("controller", "old", "v1.12.3", PORT_BASE + 10, OLD_DOMAIN, os.path.join(data, "old"), registry=old_registry,
                            threads=4), old_registry, os.path.join(data, "old"))
        new = Cluster(start("controller", "new", "v1.13.4", PORT_BASE + 11, NEW_DOMAIN, os.path.join(data, "new"), registry=new_registry,
                            threads=4), new_registry, os.path.join(data, "new"))
        # One source image per app, so that each app's page names it.
        for app_id in APPS:
            seed = v1registry.make_image("seed-" + app_id, "v1", {"www/index.html": ("%s\n" % app_id).encode()}, env=["PATH=/bin"],
                                         cmd=["/bin/busybox", "httpd", "-f"])
            v1registry.V1Registry(old_registry).push("seed-" + app_id, "v1", seed)
        for username in ("admin", "alice", "bob"):
            old.register(username)
        for username in ("admin", "alice"):
            new.register(username)
        seed_old_apps(old)
        yield {"old": old, "new": new, "old_registry_container": PREFIX + "registry-old", "data": data}
    finally:
        for name in started:
            upstream.stop(name)
        shutil.rmtree(data, ignore_errors=True)


def seed_old_apps(old):
    """The old cluster's apps, made through its API as `deis` would."""
    alice, admin = old.client("alice"), old.client("admin")
    alice.create_app("web")
    alice.create_build("web", old.registry + "/seed-web:v1", PROCFILE)
    alice.set_config("web", {"values": ODD, "memory": {"web": "512M"}, "cpu": {"web": 512}, "tags": {"tier": "front"}})
    alice.add_domain("web", "WWW.Web-Example.test")
    alice.scale("web", {"web": 2, "worker": 1})
    alice.share("web", "bob")
    admin.create_app("never")
    admin.set_config("never", {"values": {"DATABASE_URL": SECRET, "MODE": "idle"}})
    admin.add_domain("never", "never.example.test")
    admin.create_app("zero")
    admin.create_build("zero", old.registry + "/seed-zero:v1")
    admin.scale("zero", {"cmd": 0})
    admin.create_app("late")
    admin.create_build("late", old.registry + "/seed-late:v1")


def migrate_args(stack, **extra):
    old, new = stack["old"], stack["new"]
    return dict({"old_controller": old.url, "old_token": old.tokens["admin"], "new_controller": new.url, "new_username": "admin",
                 "new_token": new.tokens["admin"], "registry": old.registry, "old_domain": OLD_DOMAIN, "concurrency": 4,
                 "record": str(stack["record"])}, **extra)


@pytest.fixture(scope="module", name="migrated")
def migrated_fixture(stack, tmp_path_factory):
    """The first migration, with `late`'s image missing from the old registry for that run."""
    stack["record"] = tmp_path_factory.mktemp("report") / "accepted-releases.json"
    old_registry = v1registry.V1Registry(stack["old"].registry)
    late_release = stack["old"].client().latest("late", "releases")["version"]
    image_id = old_registry.tag("late", "v%d" % late_release)
    assert old_registry.request("DELETE", "/v1/repositories/late/tags/v%d" % late_release)[0] == 200
    try:
        first, printed = run_module(tmp_path_factory.mktemp("run"), "deis_migrate", **migrate_args(stack))
    finally:
        old_registry.put_tag("late", "v%d" % late_release, image_id)
    return {"result": first, "printed": printed, "late_release": late_release}


def by_app(result):
    return {item["app"]: item for item in result["results"]}


def test_first_run_statuses_and_no_secret_in_the_output(migrated):
    results = by_app(migrated["result"])
    assert {app: item["status"] for app, item in results.items()} == {
        "late": "failed", "never": "not_deployed", "web": "migrated", "zero": "migrated"}, migrated["printed"]
    assert "was made but not deployed" in results["late"]["reason"]
    assert migrated["result"]["users"] == {"known": True, "present": ["admin", "alice"], "missing": ["bob"], "registered": []}
    assert results["web"]["new_owner"] == "alice" and results["web"]["not_shared"] == ["bob"]
    for value in (SECRET, "Pl4nted", "line one"):
        assert value not in migrated["printed"]


def test_old_and_new_agree_app_by_app(stack, migrated):
    old, new = stack["old"].client(), stack["new"].client()
    for app_id in ("web", "never", "zero"):
        before, after = read_app(old, app_id, perms=True), read_app(new, app_id, perms=True)
        assert after["config"] == before["config"], app_id
        assert after["domains"] == sorted(before["domains"] + ["%s.%s" % (app_id, OLD_DOMAIN)]), app_id
        assert after["owner"] == before["owner"], app_id
        assert _deis_plan.running(after["structure"]) == _deis_plan.running(before["structure"]), app_id
    assert read_app(new, "web", perms=True)["perms"] == []            # bob has no user on the new cluster
    assert read_app(new, "never")["image"] is None and read_app(new, "never")["release"] is not None
    assert read_app(new, "web")["procfile"] == PROCFILE


def test_one_build_per_app_of_the_old_release_image(stack, migrated):
    """One build per app, of `<old registry>/<app>:v<latest old release>`; every release after it pulls that image again
    (v1.13.4 controller/api/models.py:909-912), so every publish record names it."""
    old, new = stack["old"].client(), stack["new"].client()
    for app_id in ("web", "zero"):
        wanted = "%s/%s:v%d" % (stack["old"].registry, app_id, old.latest(app_id, "releases")["version"])
        assert [item["image"] for item in new.list(new.app_path(app_id, "builds/"))] == [wanted], app_id
        records = stack["new"].records(app_id)
        assert {record["pulled"] for record in records} == {wanted} and {record["outcome"] for record in records} == {"ok"}, app_id
    assert new.list(new.app_path("never", "builds/")) == [] and stack["new"].records("never") == []


def test_the_next_run_builds_the_failed_app_again_and_changes_nothing_else(stack, migrated, tmp_path):
    second, printed = run_module(tmp_path, "deis_migrate", **migrate_args(stack))
    results = by_app(second)
    assert results["late"]["status"] == "migrated" and "build" in results["late"]["steps"], printed
    assert {app: item["status"] for app, item in results.items() if app != "late"} == {
        "never": "not_deployed", "web": "already_done", "zero": "already_done"}
    assert [record["outcome"] for record in stack["new"].records("late")] == ["failed", "ok"]
    third, printed = run_module(tmp_path, "deis_migrate", **migrate_args(stack))
    assert third["changed"] is False and all(not item["steps"] for item in third["results"]), printed


def test_apps_info_hides_values(stack, tmp_path):
    info, printed = run_module(tmp_path, "deis_apps_info", controller=stack["old"].url, token=stack["old"].tokens["admin"], apps=["web"])
    assert info["apps"][0]["config"]["values"]["DATABASE_URL"] == "(hidden)" and SECRET not in printed
    assert info["apps"][0]["domains"] == ["WWW.Web-Example.test"]


def test_the_playbook_plans_against_them_without_printing_a_value(stack, migrated, tmp_path):
    """`ansible-playbook deis.platform.migrate_apps --check -vvv`: preflight (logins, admin, the v1 registry's /v1/_ping)
    and the plan, against the real controllers and registry; no config value in the output."""
    playbook = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "deis", "platform", "playbooks", "migrate_apps.yml")
    variables = {"deis_old_controller": stack["old"].url, "deis_old_password": "admin-pw", "deis_new_controller": stack["new"].url,
                 "deis_new_password": "admin-pw", "deis_old_registry": stack["old"].registry, "deis_old_domain": OLD_DOMAIN,
                 "deis_new_domain": NEW_DOMAIN, "deis_migrate_confirm": True,
                 # the report folder of the module runs above: its record tells that zero (no container) was deployed
                 "deis_migrate_report_dir": os.path.dirname(str(stack["record"]))}
    (tmp_path / "vars.json").write_text(json.dumps(variables))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_ROOT, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    done = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), playbook, "--check", "-vvv",
                           "-e", "@" + str(tmp_path / "vars.json")], cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-4000:]
    assert "/v1/_ping" in done.stdout and "Ask the old registry (v2 protocol)" in done.stdout
    assert '"to migrate: 0"' in done.stdout and '"already done: 3"' in done.stdout
    assert '"never deployed (config, domains and sharing only): 1"' in done.stdout
    assert "users the new cluster lacks" in done.stdout and "bob" in done.stdout
    for value in (SECRET, "Pl4nted", "line one", "Gr\u00fc\u00dfe", "admin-pw"):
        assert value not in done.stdout, value


def test_after_repointing_the_apps_survive_the_old_registry(stack, migrated, tmp_path):
    """v1.13.4 pulls a `deis pull` build's image again for every release: config:set needs the image's registry."""
    new = stack["new"]
    repointed, printed = run_module(tmp_path, "deis_repoint_builds", controller=new.url, token=new.tokens["admin"], registry=new.registry,
                                    old_registry=stack["old"].registry, apps=["web", "never", "late"])
    assert {item["app"]: item["status"] for item in repointed["results"]} == {"web": "repointed", "never": "no_build", "late": "repointed"}, printed
    again, printed = run_module(tmp_path, "deis_repoint_builds", controller=new.url, token=new.tokens["admin"], registry=new.registry,
                                old_registry=stack["old"].registry, apps=["web", "never", "late"])
    assert again["changed"] is False and by_app(again)["web"]["status"] == "already_done", printed
    assert upstream.stop(stack["old_registry_container"])
    client = new.client()
    for app_id in ("web", "late"):
        assert client.set_config(app_id, {"values": {"AFTER_DECOMMISSION": "yes"}}) is not None
    # zero was not repointed: its next release still pulls from the stopped registry
    with pytest.raises(DeisApiError) as caught:
        client.set_config("zero", {"values": {"AFTER_DECOMMISSION": "yes"}})
    assert caught.value.status == 500 and caught.value.uncertain
