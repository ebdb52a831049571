# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The pure decisions of the deis_* modules and the migrate_apps role, table by table."""

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_plan as plan

SECRET = "postgres://app:s3cr3t@db.internal/app"


@pytest.mark.parametrize("current, desired, purge, expected", [
    ({"values": {"A": "1"}}, {"values": {"A": "1", "B": None}}, False, {}),
    ({"values": {"A": "1", "C": "x"}}, {"values": {"A": 2}}, True, {"values": {"A": "2", "C": None}}),
    ({}, {"values": {"Q": 'say "hi"\nbye', "E": ""}}, False, {"values": {"Q": 'say "hi"\nbye', "E": ""}}),
    ({"cpu": {"web": 512}}, {"cpu": {"web": "512"}}, False, {}),
    ({"values": {"B": "True"}}, {"values": {"B": True}}, False, {}),
    ({"memory": {"web": "512M"}}, {"memory": {"web": "1G"}, "tags": {"env": "prod"}}, False, {"memory": {"web": "1G"}, "tags": {"env": "prod"}}),
    ({"tags": {"env": "prod"}}, {"values": {}}, True, {}),
])
def test_config_change(current, desired, purge, expected):
    assert plan.config_change(current, desired, purge) == expected


def test_config_change_applies_like_the_controller_merges():
    after = plan.apply_config_change({"values": {"A": "1", "B": "2"}}, {"values": {"A": None, "C": "3"}})
    assert after == {"values": {"B": "2", "C": "3"}, "memory": {}, "cpu": {}, "tags": {}}


@pytest.mark.parametrize("show_values", [False, True])
def test_config_output_hides_values_unless_asked(show_values):
    before = {"values": {"DATABASE_URL": SECRET, "KEEP": "same-value"}, "memory": {"web": "512M"}}
    change = {"values": {"DATABASE_URL": "postgres://new", "GONE": None, "NEW": "fresh"}}
    shown_before, shown_after, shown_change = plan.config_output(before, change, show_values)
    text = repr((shown_before, shown_after, shown_change))
    assert (SECRET in text) == show_values and ("postgres://new" in text) == show_values
    if not show_values:
        assert shown_before["values"] == {"DATABASE_URL": "(hidden)", "KEEP": "(hidden)"}
        assert shown_after["values"] == {"DATABASE_URL": "(changed)", "KEEP": "(hidden)", "NEW": "(changed)"}
        assert shown_change == {"values": {"DATABASE_URL": "(changed)", "GONE": None, "NEW": "(changed)"}}
        assert shown_after["memory"] == {"web": "512M"}


def test_redact_hides_every_secret_of_the_config():
    secrets = plan.secret_values({"values": {"A": SECRET, "B": "xy", "C": "token-123", "D": None}})
    assert secrets == [SECRET, "token-123"]
    assert plan.redact("bad value %s and token-123" % SECRET, secrets) == "bad value ******** and ********"


@pytest.mark.parametrize("current, desired, exact, expected", [
    ({"cmd": 1}, {"web": 2}, True, {"web": 2, "cmd": 0}),
    ({"web": 2, "cmd": 0}, {"web": 2}, True, {}),
    ({"web": 2, "worker": 1}, {"web": 2}, False, {}),
    ({}, {"web": 0}, True, {}),
    ({"web": "3"}, {"web": 1}, False, {"web": 1}),
])
def test_scale_change(current, desired, exact, expected):
    assert plan.scale_change(current, desired, exact) == expected


@pytest.mark.parametrize("current, desired, purge, expected", [
    # the controller keeps the spelling it was given (controller/api/models.py:994-1001): added as given, removed as stored
    (["a.example"], ["A.example.", "WWW.Example.ORG"], False, (["WWW.Example.ORG"], [])),
    (["WWW.Example.ORG"], ["www.example.org"], False, ([], [])),
    (["Old.Example.ORG", "keep.example"], ["keep.example"], True, ([], ["Old.Example.ORG"])),
    ([], ["app.old.test."], False, (["app.old.test"], [])),
])
def test_domain_changes_keep_the_spelling(current, desired, purge, expected):
    assert plan.domain_changes(current, desired, purge) == expected


def test_domains_present_ignores_case():
    assert plan.domains_present(["WWW.Example.ORG"], ["www.example.org", "other.test"]) == ["www.example.org"]


RELEASE = {"version": 4, "build": "b-4"}


@pytest.mark.parametrize("release, containers, structure, recorded, live", [
    (None, [], {}, None, False),
    ({"version": 1, "build": None}, [], {}, None, True),
    (RELEASE, [{"release": "v4"}, {"release": "v4"}], {"cmd": 2}, None, True),
    (RELEASE, [{"release": "v3"}], {"cmd": 1}, None, False),        # a failed publish after a deployed release
    (RELEASE, [], {}, None, False),                                 # a build never deployed: no default scale happened
    (RELEASE, [], {}, 4, False),                                    # (even when recorded: an empty structure cannot be deployed)
    (RELEASE, [], {"cmd": 0}, None, None),                          # scaled to 0: nothing to tell from
    (RELEASE, [], {"cmd": 0}, 4, True),                             # ... unless an earlier run saw release 4 answered 2xx
    (RELEASE, [], {"cmd": 0}, 3, None),
])
def test_release_live(release, containers, structure, recorded, live):
    assert plan.release_live(release, containers, structure, recorded)[0] is live


OLD = {"id": "web", "owner": "alice", "release": 7, "image": "old:5000/web:v7", "procfile": {"web": "node server.js"},
       "config": {"values": {"A": "1"}, "memory": {}, "cpu": {}, "tags": {}}, "domains": ["WWW.Web.test"], "structure": {"web": 2, "worker": 0},
       "perms": ["bob", "carol"]}
NEVER = dict(OLD, release=1, image=None, procfile={}, structure={}, perms=[])


def test_desired_from_old():
    desired = plan.desired_from_old(OLD, "reg:5000", "old.test")
    assert desired["image"] == "reg:5000/web:v7" and desired["domains"] == ["WWW.Web.test", "web.old.test"]
    assert desired["structure"] == {"web": 2} and desired["owner"] == "alice" and desired["perms"] == ["bob", "carol"]
    never = plan.desired_from_old(NEVER, "reg:5000", "old.test")
    assert never["image"] is None and never["structure"] == {}


def new_state(**changes):
    state = {"owner": "alice", "image": "reg:5000/web:v7", "live": True, "config": OLD["config"], "domains": ["web.old.test", "www.web.test"],
             "structure": {"web": 2}, "perms": ["bob"]}
    state.update(changes)
    return state


USERS = {"admin", "alice", "bob"}


@pytest.mark.parametrize("old, new, users, can_transfer, expected", [
    (OLD, None, USERS, True, ["create", "build", "config", "domains", "scale", "perms", "owner"]),
    (NEVER, None, USERS, True, ["create", "config", "domains", "owner"]),
    (NEVER, None, None, True, ["create", "config", "domains"]),
    (OLD, new_state(), USERS, True, []),
    (OLD, new_state(owner="admin"), {"admin", "bob"}, True, []),                      # alice is no user there: the admin keeps it
    (OLD, new_state(owner="admin"), USERS, False, []),                                # the controller cannot transfer (before v1.11)
    (OLD, new_state(owner="admin"), USERS, True, ["owner"]),
    (OLD, new_state(live=False), USERS, True, ["build", "scale"]),                    # build.image alone is not trusted
    (OLD, new_state(live=None), USERS, True, ["build", "scale"]),
    (OLD, new_state(image="reg:5000/web:v6"), USERS, True, ["build", "scale"]),
    (OLD, new_state(structure={"web": 1, "cmd": 1}), USERS, True, ["scale"]),
    (OLD, new_state(perms=[]), USERS, True, ["perms"]),
    (OLD, new_state(domains=["web.old.test"]), USERS, True, ["domains"]),
])
def test_migration_steps(old, new, users, can_transfer, expected):
    desired = plan.desired_from_old(old, "reg:5000", "old.test")
    assert plan.migration_steps(desired, new, "admin", users, can_transfer) == {"action": "migrate", "steps": expected}


@pytest.mark.parametrize("owner, skipped", [("admin", False), ("alice", False), ("mallory", True), (None, True)])
def test_an_app_is_ours_when_the_admin_or_the_old_owner_owns_it(owner, skipped):
    desired = plan.desired_from_old(OLD, "reg:5000", "old.test")
    decision = plan.migration_steps(desired, new_state(owner=owner), "admin", USERS)
    assert (decision["action"] == "skip") == skipped


@pytest.mark.parametrize("old_owner, users, can_transfer, expected", [
    ("alice", {"alice"}, True, "alice"), ("alice", set(), True, "admin"), ("alice", {"alice"}, False, "admin"),
    ("alice", {"alice"}, None, "alice"), ("alice", None, True, None), (None, {"alice"}, True, "admin"),
])
def test_owner_target(old_owner, users, can_transfer, expected):
    assert plan.owner_target(old_owner, "admin", users, can_transfer) == expected


@pytest.mark.parametrize("perms, users, owner, expected", [
    (["bob", "carol", "alice"], {"bob", "alice"}, "alice", (["bob"], ["carol"])),
    (["bob"], None, None, ([], ["bob"])),
    ([], {"bob"}, "admin", ([], [])),
])
def test_share_targets(perms, users, owner, expected):
    assert plan.share_targets(perms, users, owner) == expected


@pytest.mark.parametrize("version, transfer, repoint", [
    ("1.7.3", False, False), ("1.10.0", False, False), ("1.11.0", True, False), ("1.11.2", True, False),
    ("1.12.0", True, True), ("v1.12.3", True, True), ("1.13.4", True, True), (None, None, None), ("dev", None, None),
])
def test_what_a_version_can_and_needs(version, transfer, repoint):
    assert plan.transfer_supported(version) is transfer
    assert plan.repoint_needed(version) is repoint


def test_repoint_candidates_are_the_releases_of_the_build_oldest_first():
    releases = [{"version": 6, "build": "b2"}, {"version": 5, "build": "b2"}, {"version": 4, "build": "b2"}, {"version": 3, "build": "b1"},
                {"version": 1, "build": None}]
    assert plan.repoint_candidates(releases, "b2") == [4, 5, 6]
    assert plan.on_registry("10.0.0.5:5000/web:v4", "10.0.0.5:5000") and not plan.on_registry("10.0.0.50:5000/web:v4", "10.0.0.5:5000")


@pytest.mark.parametrize("answer, statuses, pattern, ok", [
    ({"status": 200}, None, None, True),
    ({"status": 404, "content": "Not Found"}, None, None, True),       # the app answers: a 404 of its own is its business
    ({"status": 302}, None, None, True),
    ({"status": 499}, None, None, True),
    ({"status": 502}, None, None, False),
    ({"status": 503}, None, None, False),
    ({"status": -1, "msg": "Request failed: <urlopen error timed out>"}, None, None, False),
    ({"status": 302}, [200], None, False),
    ({"status": 302}, [200, 302], None, True),
    ({"status": 500}, [500], None, True),
    ({"status": 200, "content": "<h1>Welcome</h1>"}, None, "Welcome", True),
    ({"status": 200, "content": "<h1>Hello</h1>"}, None, "Welcome", False),
    ({"status": 200, "content": "powered by Deis release=v3"}, None, None, True),
])
def test_router_verdict_judges_the_status(answer, statuses, pattern, ok):
    assert plan.router_verdict(answer, statuses, pattern)["ok"] is ok


RESULTS = [
    {"app": "api", "status": "migrated", "release": 3, "steps": ["create", "build"], "reason": None, "owner": "alice", "new_owner": "alice"},
    {"app": "blog", "status": "already_done", "release": 5, "steps": [], "reason": None, "owner": "bob", "new_owner": "admin",
     "not_shared": ["carol"]},
    {"app": "empty", "status": "not_deployed", "release": 2, "steps": ["create", "config"], "reason": None},
    {"app": "taken", "status": "skipped", "release": None, "steps": [], "reason": "name taken by another user (mallory) on the new cluster"},
    {"app": "broken", "status": "failed", "release": None, "steps": ["create", "build"], "reason": "release v2 was made but not deployed"},
]
VERDICTS = {"api": {"ok": True, "status": 200, "reason": None}, "blog": {"ok": False, "status": 503, "reason": "status 503"}}


def test_router_tests_only_apps_with_a_build():
    assert [item["app"] for item in RESULTS if plan.needs_router_test(item)] == ["api", "blog"]
    answers = [{"item": {"app": "api"}, "status": 200}, {"item": {"app": "blog"}, "status": 503}]
    assert {app: verdict["ok"] for app, verdict in plan.router_verdicts(answers).items()} == {"api": True, "blog": False}


def test_report_rows_lines_and_failures():
    rows = plan.report_rows(RESULTS, VERDICTS)
    assert [row["router"] for row in rows] == [VERDICTS["api"], VERDICTS["blog"], None, None, None]
    lines = [plan.report_line(row) for row in rows]
    assert lines[0] == "api" + " " * 37 + " migrated      v3 steps=create,build router=ok"
    assert "router=FAILED 503 (status 503)" in lines[1] and "owner=admin (old owner bob is not a user of the new cluster)" in lines[1]
    assert "not shared with (no such user on the new cluster): carol" in lines[1]
    assert lines[3].endswith("reason: name taken by another user (mallory) on the new cluster")
    assert plan.run_failures(rows) == ["blog: router test failed (status 503)", "broken: failed (release v2 was made but not deployed)"]


def test_cname_records_cover_every_app_on_the_new_cluster():
    assert plan.cname_records(RESULTS, "old.test", "new.test") == {
        "api.old.test": "api.new.test", "blog.old.test": "blog.new.test", "empty.old.test": "empty.new.test"}


@pytest.mark.parametrize("results, verdicts, repointed, expected", [
    (RESULTS[:3], dict(VERDICTS, blog={"ok": True}), None, []),
    (RESULTS[:3], VERDICTS, None, ["blog: router test failed (status 503)"]),
    (RESULTS[:1], {}, None, ["api: router test missing"]),
    (RESULTS, dict(VERDICTS, blog={"ok": True}), None,
     ["taken: skipped (name taken by another user (mallory) on the new cluster)", "broken: failed (release v2 was made but not deployed)"]),
    (RESULTS[:1], VERDICTS, [{"app": "api", "status": "repointed"}], []),
    (RESULTS[:1], VERDICTS, [{"app": "api", "status": "not_needed"}], []),
    (RESULTS[:1], VERDICTS, [{"app": "api", "status": "failed", "reason": "no tag"}], ["api: build still on the old registry (no tag)"]),
])
def test_decommission_blockers(results, verdicts, repointed, expected):
    assert plan.decommission_blockers(results, verdicts, repointed) == expected


def test_summary_counts_every_status():
    assert plan.summary(RESULTS) == {"migrated": 1, "already_done": 1, "not_deployed": 1, "skipped": 1, "failed": 1}
