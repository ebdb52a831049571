# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The migration workflow request by request against scripted controllers: what is sent, in which order, what is not
sent again after a lost answer, and what each app's result says."""

from __future__ import annotations

import json
import os
import socket
import stat

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_migration as migration
from ansible_collections.deis.platform.plugins.module_utils._deis_client import DeisApiError, DeisClient
from ansible_collections.deis.platform.tests.unit.plugins.deis_exchanges import (
    BASE, OLD, SERVER_ERROR, Exchange, Reply, Script, app, build, config, container, domain, page, path_of, read_app_exchanges, release, user)

REGISTRY = "10.1.0.5:5000"
IMAGE = REGISTRY + "/web:v7"
SECRET = "postgres://web:pa55word@db.internal:5432/web"
OLD_CONFIG = config("web", values={"DATABASE_URL": SECRET}, memory={"web": "512M"}, tags={"env": "prod"})
PROCFILE = {"web": "node server.js"}


def clients(sleeps=None):
    sleep = sleeps.append if sleeps is not None else (lambda seconds: None)
    return DeisClient(OLD, "old-token", sleep=sleep), DeisClient(BASE, "new-token", sleep=sleep)


def old_reads(deployed=True, owner="alice", perms=("bob",)):
    """The old cluster's list and read_app of `web` (latest release v7 built from a deis pull, or never deployed)."""
    latest = release("web", 7, "b-old", owner=owner) if deployed else release("web", 2, None, owner=owner)
    exchanges = [Exchange("GET", "/v1/apps/?page_size=100", Reply(200, page([app("web", owner, {"web": 2} if deployed else {}, "old.test")])),
                          base=OLD)]
    exchanges += read_app_exchanges("web", None, latest, build("web", "old-image", "b-old", PROCFILE), OLD_CONFIG, ["WWW.Web.test"],
                                    perms=list(perms), base=OLD)
    return exchanges


def users(*names):
    return Exchange("GET", "/v1/users/?page_size=100", Reply(200, page([user(name) for name in names])))


def new_read(owner="admin", latest=None, build_body=None, config_body=None, domains=(), perms=(), containers=None, structure=None, with_app=True):
    return read_app_exchanges("web", app("web", owner, structure) if with_app else None, latest, build_body, config_body, domains,
                              perms=list(perms), containers=containers)


def create_and_read():
    return [Exchange("GET", path_of("web"), Reply(404, {"detail": "Not found."})),
            Exchange("POST", "/v1/apps/", Reply(201, app("web")), body={"id": "web"}),
            Exchange("GET", path_of("web"), Reply(200, app("web")))] + new_read(latest=release("web", 1), with_app=False)


def latest_is(version, build_uuid=None):
    return Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", version, build_uuid)])))


def build_post(reply):
    return Exchange("POST", path_of("web", "builds/"), reply, body={"image": IMAGE, "procfile": PROCFILE})


def built(version):
    return Reply(201, build("web", IMAGE, "b-new", PROCFILE), headers={"Deis-Release": str(version)})


def after_build(version, structure, containers):
    """What deployed_release reads after an uncertain build: latest release, its build, the app, its containers."""
    return [latest_is(version, "b-new"),
            Exchange("GET", path_of("web", "builds/b-new/"), Reply(200, build("web", IMAGE, "b-new", PROCFILE))),
            Exchange("GET", path_of("web"), Reply(200, app("web", structure=structure))),
            Exchange("GET", path_of("web", "containers/?page_size=100"), Reply(200, page(containers)))]


def rest_of_migration(release_after_build):
    """config, domains, scale, sharing with bob and giving the app to alice, then the final read."""
    config_version = release_after_build + 1
    return [latest_is(release_after_build, "b-new"),
            Exchange("POST", path_of("web", "config/"), Reply(201, OLD_CONFIG, headers={"Deis-Release": str(config_version)}),
                     body={"values": {"DATABASE_URL": SECRET}, "memory": {"web": "512M"}, "tags": {"env": "prod"}}),
            Exchange("POST", path_of("web", "domains/"), Reply(201, domain("web", "WWW.Web.test")), body={"domain": "WWW.Web.test"}),
            Exchange("POST", path_of("web", "domains/"), Reply(201, domain("web", "web.old.test")), body={"domain": "web.old.test"}),
            Exchange("GET", path_of("web"), Reply(200, app("web", structure={"cmd": 1}))),
            Exchange("POST", path_of("web", "scale/"), Reply(204), body={"web": 2, "cmd": 0}),
            Exchange("POST", path_of("web", "perms/"), Reply(201), body={"username": "bob"}),
            Exchange("POST", path_of("web"), Reply(200), body={"owner": "alice"}),
            ] + new_read("alice", release("web", config_version, "b-new"), build("web", IMAGE, "b-new", PROCFILE), OLD_CONFIG,
                         ["WWW.Web.test", "web.old.test"], ["bob"], [container("web", "web", 1, config_version), container("web", "web", 2, config_version)],
                         {"web": 2, "cmd": 0})


def migrate(sleeps=None, **kwargs):
    old, new = clients(sleeps)
    return migration.migrate_apps(old, new, ["web"], REGISTRY, "old.test", "admin", concurrency=1, **kwargs)


def test_a_deployed_app_is_migrated_step_by_step(monkeypatch):
    script = Script(old_reads() + [users("admin", "alice", "bob")] + create_and_read() + [latest_is(1), build_post(built(2))]
                    + rest_of_migration(2)).install(monkeypatch)
    outcome = migrate()
    script.done()
    result = outcome["results"][0]
    assert result["status"] == "migrated" and result["steps"] == ["create", "build", "config", "domains", "scale", "perms", "owner"]
    assert (result["release"], result["accepted_release"], result["new_owner"], result["shared_with"]) == (3, 3, "alice", ["bob"])
    assert outcome["users"] == {"known": True, "present": ["alice", "bob"], "missing": [], "registered": []}
    assert SECRET not in json.dumps(outcome)


def test_a_never_deployed_app_gets_config_and_domains_but_no_build(monkeypatch):
    script = Script(old_reads(deployed=False, perms=()) + [users("admin", "alice")] + create_and_read() + [
        latest_is(1),
        Exchange("POST", path_of("web", "config/"), Reply(201, OLD_CONFIG, headers={"Deis-Release": "2"})),
        Exchange("POST", path_of("web", "domains/"), Reply(201, domain("web", "WWW.Web.test")), body={"domain": "WWW.Web.test"}),
        Exchange("POST", path_of("web", "domains/"), Reply(201, domain("web", "web.old.test")), body={"domain": "web.old.test"}),
        Exchange("POST", path_of("web"), Reply(200), body={"owner": "alice"}),
    ] + new_read("alice", release("web", 2), None, OLD_CONFIG, ["WWW.Web.test", "web.old.test"])).install(monkeypatch)
    result = migrate()["results"][0]
    script.done()
    assert result["status"] == "not_deployed" and result["steps"] == ["create", "config", "domains", "owner"] and result["image"] is None
    assert not [call for call in script.calls if call.url.endswith(("/builds/", "/scale/"))]


def test_a_failed_pull_is_a_failure_and_is_not_sent_again(monkeypatch):
    # v1.12: the publish error is a 500 page, and the build and release rows stay (controller/api/models.py:859-878):
    # release v2 has the image but runs nowhere (the app was never scaled).
    script = Script(old_reads() + [users("admin", "alice", "bob")] + create_and_read() + [latest_is(1), build_post(Reply(500, SERVER_ERROR))]
                    + after_build(2, {}, [])).install(monkeypatch)
    result = migrate()["results"][0]
    script.done()
    assert result["status"] == "failed" and "release v2 was made but not deployed" in result["reason"]
    assert len([call for call in script.calls if call.url.endswith("/builds/")]) == 1


def test_a_lost_answer_of_a_deployed_build_is_not_sent_again(monkeypatch):
    sleeps = []
    script = Script(old_reads() + [users("admin", "alice", "bob")] + create_and_read() + [latest_is(1), build_post(socket.timeout("timed out"))]
                    + after_build(2, {"cmd": 1}, [container("web", "cmd", 1, 2)]) + rest_of_migration(2)).install(monkeypatch)
    result = migrate(sleeps)["results"][0]
    script.done()
    assert result["status"] == "migrated" and sleeps == []
    assert len([call for call in script.calls if call.url.endswith("/builds/")]) == 1


def test_a_5xx_before_the_controller_saw_the_build_sends_it_again(monkeypatch):
    sleeps = []
    script = Script(old_reads() + [users("admin", "alice", "bob")] + create_and_read() + [
        latest_is(1), build_post(Reply(503, b"<h1>503 Service Temporarily Unavailable</h1>")), latest_is(1), build_post(built(2))]
        + rest_of_migration(2)).install(monkeypatch)
    result = migrate(sleeps)["results"][0]
    script.done()
    assert result["status"] == "migrated" and sleeps == [0.5]


def test_a_release_that_runs_nowhere_is_built_again_although_its_image_matches(monkeypatch):
    # An earlier run's pull failed: v2 has the wanted image, the app's containers still run v1... here it was never scaled.
    script = Script(old_reads() + [users("admin", "alice", "bob")] + [
        Exchange("GET", path_of("web"), Reply(200, app("web", "alice", {})))]
        + new_read("alice", release("web", 2, "b-new"), build("web", IMAGE, "b-new", PROCFILE), OLD_CONFIG, ["WWW.Web.test", "web.old.test"],
                   ["bob"], [], with_app=False)).install(monkeypatch)
    result = migrate(check_mode=True)["results"][0]
    script.done()
    assert result["status"] == "migrated" and result["steps"] == ["build", "scale"]


def test_a_second_run_changes_nothing(monkeypatch):
    script = Script(old_reads() + [users("admin", "alice", "bob")] + [Exchange("GET", path_of("web"), Reply(200, app("web", "alice", {"web": 2})))]
                    + new_read("alice", release("web", 3, "b-new"), build("web", IMAGE, "b-new", PROCFILE), OLD_CONFIG,
                               ["WWW.Web.test", "web.old.test"], ["bob"], [container("web", "web", 1, 3), container("web", "web", 2, 3)],
                               with_app=False)).install(monkeypatch)
    result = migrate()["results"][0]
    script.done()
    assert (result["status"], result["steps"], result["changed"]) == ("already_done", [], False)


def test_a_build_repointed_before_a_decommission_counts_as_the_migrated_one(monkeypatch):
    """repoint_app built release 5 from the new registry's copy of release 3, which the migrated build made: the plan asks
    for release 3's build (GET releases/v3/) and finds the migrated image; nothing is built again."""
    repointed = "127.0.0.1:5001/web:v3"
    exchanges = old_reads() + [users("admin", "alice", "bob"), Exchange("GET", path_of("web"), Reply(200, app("web", "alice", {"web": 2})))]
    exchanges += new_read("alice", release("web", 5, "b-repointed"), build("web", repointed, "b-repointed", PROCFILE), OLD_CONFIG,
                          ["WWW.Web.test", "web.old.test"], ["bob"], [container("web", "web", 1, 5), container("web", "web", 2, 5)],
                          with_app=False)
    # GET builds/<uuid>/ answers the latest release's build whatever the uuid (views.py ReleasableViewSet.get_object):
    # the client finds the older one in the list.
    exchanges += [Exchange("GET", path_of("web", "releases/v3/"), Reply(200, release("web", 3, "b-new"))),
                  Exchange("GET", path_of("web", "builds/b-new/"), Reply(200, build("web", repointed, "b-repointed", PROCFILE))),
                  Exchange("GET", path_of("web", "builds/?page_size=100"),
                           Reply(200, page([build("web", repointed, "b-repointed", PROCFILE), build("web", IMAGE, "b-new", PROCFILE)])))]
    script = Script(exchanges).install(monkeypatch)
    result = migrate()["results"][0]
    script.done()
    assert (result["status"], result["steps"], result["changed"]) == ("already_done", [], False)


def test_an_app_scaled_to_zero_counts_as_deployed_only_with_a_record(monkeypatch):
    def run(recorded):
        exchanges = old_reads() + [users("admin", "alice", "bob"), Exchange("GET", path_of("web"), Reply(200, app("web", "alice", {"web": 0})))]
        exchanges += new_read("alice", release("web", 3, "b-new"), build("web", IMAGE, "b-new", PROCFILE), OLD_CONFIG,
                              ["WWW.Web.test", "web.old.test"], ["bob"], [], with_app=False)
        Script(exchanges).install(monkeypatch)
        return migrate(check_mode=True, recorded=recorded)["results"][0]["steps"]
    assert run({"web": 3}) == ["scale"]          # the old app runs web=2: only the scale is missing
    assert run({}) == ["build", "scale"]


def test_an_app_someone_else_owns_is_skipped_untouched(monkeypatch):
    script = Script(old_reads() + [users("admin", "alice", "bob"), Exchange("GET", path_of("web"), Reply(200, app("web", "mallory")))]
                    + new_read("mallory", release("web", 1), with_app=False, containers=None)).install(monkeypatch)
    result = migrate()["results"][0]
    script.done()
    assert result["status"] == "skipped" and "mallory" in result["reason"]
    assert not [call for call in script.calls if call.method != "GET"]


def test_a_controller_message_never_carries_a_config_value(monkeypatch):
    refusal = Reply(400, {"values": ["Invalid value %s" % SECRET]})
    script = Script(old_reads() + [users("admin", "alice", "bob")] + create_and_read() + [latest_is(1), build_post(built(2)), latest_is(2, "b-new"),
                    Exchange("POST", path_of("web", "config/"), refusal)]).install(monkeypatch)
    result = migrate()["results"][0]
    script.done()
    assert result["status"] == "failed" and "Invalid value ********" in result["reason"] and SECRET not in json.dumps(result)


def test_missing_users_are_reported(monkeypatch):
    script = Script(old_reads() + [users("admin"), Exchange("GET", path_of("web"), Reply(200, app("web", "admin", {"web": 2})))]
                    + new_read("admin", release("web", 3, "b-new"), build("web", IMAGE, "b-new", PROCFILE), OLD_CONFIG,
                               ["WWW.Web.test", "web.old.test"], [], [container("web", "web", 1, 3), container("web", "web", 2, 3)],
                               with_app=False)).install(monkeypatch)
    outcome = migrate()
    script.done()
    result = outcome["results"][0]
    assert outcome["users"] == {"known": True, "present": [], "missing": ["alice", "bob"], "registered": []}
    assert (result["status"], result["new_owner"], result["not_shared"]) == ("already_done", "admin", ["bob"])


def test_missing_users_are_registered_on_request_with_passwords_in_a_private_file(monkeypatch, tmp_path):
    path = str(tmp_path / "report" / "new-users.json")
    script = Script(old_reads(perms=()) + [
        users("admin"),
        Exchange("GET", "/v1/users/?page_size=100", Reply(200, page([user("alice", "alice@example.test"), user("admin")])), base=OLD),
        Exchange("POST", "/v1/auth/register/", Reply(201, user("alice", "alice@example.test"))),
        Exchange("GET", path_of("web"), Reply(200, app("web", "alice", {"web": 2})))]
        + new_read("alice", release("web", 3, "b-new"), build("web", IMAGE, "b-new", PROCFILE), OLD_CONFIG, ["WWW.Web.test", "web.old.test"],
                   [], [container("web", "web", 1, 3), container("web", "web", 2, 3)], with_app=False)).install(monkeypatch)
    outcome = migrate(register=True, passwords_path=path)
    script.done()
    register = next(call for call in script.calls if call.url.endswith("/auth/register/"))
    password = register.body["password"]
    assert register.body["email"] == "alice@example.test" and register.headers["Authorization"] == "token new-token" and len(password) >= 20
    assert outcome["users"]["registered"] == ["alice"] and password not in json.dumps(outcome)
    with open(path, encoding="utf-8") as handle:
        assert json.load(handle) == {"alice": password}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


class FakeClient:
    retries, retry_delay = 2, 0.5

    def __init__(self):
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)


def uncertain():
    return DeisApiError("no answer", None, "POST", "x", uncertain=True)


@pytest.mark.parametrize("answers, settles, expected_writes, outcome", [
    ([uncertain()], [True], 1, None),                               # it took effect: not sent again
    ([uncertain(), "ok"], [False], 2, "ok"),                        # nothing happened: sent again after a pause
    ([uncertain(), uncertain(), uncertain()], [False, False, False], 3, DeisApiError),
    ([DeisApiError("refused", 400, "POST", "x")], [], 1, DeisApiError),   # a certain refusal is not re-read
])
def test_attempt_reads_again_before_sending_again(answers, settles, expected_writes, outcome):
    client, writes, pending = FakeClient(), [], list(settles)

    def write():
        answer = answers[len(writes)]
        writes.append(answer)
        if isinstance(answer, Exception):
            raise answer
        return answer
    if outcome is DeisApiError:
        with pytest.raises(DeisApiError):
            migration.attempt(client, write, lambda: pending.pop(0), "writing")
    else:
        assert migration.attempt(client, write, lambda: pending.pop(0), "writing") == outcome
    assert len(writes) == expected_writes and pending == []
    assert client.sleeps == [0.5, 1.0][:expected_writes - 1]


REPOINT_RELEASES = [release("web", 6, "b-new"), release("web", 5, "b-new"), release("web", 4, "b-new"), release("web", 3, "b-old"),
                    release("web", 1)]
NEW_REGISTRY = "10.2.0.7:5000"


def repoint_script(platform="1.12.3"):
    return [
        Exchange("GET", "/v1/", Reply(401, {"detail": "Authentication credentials were not provided."}, platform=platform)),
        Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([REPOINT_RELEASES[0]]))),
        Exchange("GET", path_of("web", "builds/b-new/"), Reply(200, build("web", IMAGE, "b-new", PROCFILE))),
        Exchange("GET", path_of("web"), Reply(200, app("web", structure={"web": 2}))),
        Exchange("GET", path_of("web", "containers/?page_size=100"), Reply(200, page([container("web", "web", 1, 6)]))),
        Exchange("GET", path_of("web", "releases/?page_size=100"), Reply(200, page(REPOINT_RELEASES))),
        # the release the migrated build made first is v4; its tag is not in the registry (say, pruned), v5's is
        Exchange("GET", "/v1/repositories/web/tags/v4", Reply(404, {"error": "Tag not found"}), base="http://" + NEW_REGISTRY),
        Exchange("GET", "/v1/repositories/web/tags/v5", Reply(200, "f00d"), base="http://" + NEW_REGISTRY),
    ]


def test_repoint_builds_from_the_new_registry_with_the_same_procfile(monkeypatch):
    source = NEW_REGISTRY + "/web:v5"
    script = Script(repoint_script() + [
        Exchange("POST", path_of("web", "builds/"), Reply(201, build("web", source, "b-local", PROCFILE), headers={"Deis-Release": "7"}),
                 body={"image": source, "procfile": PROCFILE})]).install(monkeypatch)
    needed, results = migration.repoint_apps(clients()[1], ["web"], NEW_REGISTRY, REGISTRY, concurrency=1)
    script.done()
    assert needed is True and results == [{"app": "web", "status": "repointed", "image": source, "reason": None, "release": 7}]


def test_repoint_check_mode_sends_nothing(monkeypatch):
    script = Script(repoint_script()).install(monkeypatch)
    results = migration.repoint_apps(clients()[1], ["web"], NEW_REGISTRY, REGISTRY, concurrency=1, check_mode=True)[1]
    script.done()
    assert results[0]["status"] == "repointed" and results[0]["image"] == NEW_REGISTRY + "/web:v5"


def test_repoint_is_idempotent(monkeypatch):
    source = NEW_REGISTRY + "/web:v5"
    Script([Exchange("GET", "/v1/", Reply(401, {})),
            Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 7, "b-local")]))),
            Exchange("GET", path_of("web", "builds/b-local/"), Reply(200, build("web", source, "b-local", PROCFILE)))]).install(monkeypatch)
    assert migration.repoint_apps(clients()[1], ["web"], NEW_REGISTRY, REGISTRY, concurrency=1)[1][0]["status"] == "already_done"


@pytest.mark.parametrize("platform", ["1.7.3", "1.11.2"])
def test_repoint_is_not_needed_before_v1_12(monkeypatch, platform):
    script = Script([Exchange("GET", "/v1/", Reply(401, {}, platform=platform))]).install(monkeypatch)
    needed, results = migration.repoint_apps(clients()[1], ["web"], NEW_REGISTRY, REGISTRY)
    script.done()
    assert needed is False and results[0]["status"] == "not_needed" and "own registry" in results[0]["reason"]
