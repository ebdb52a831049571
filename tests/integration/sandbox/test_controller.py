"""The Deis v1 controller simulator answers as deis-v1-facts.md section 4 says (no docker needed)."""
import re
import time

import pytest
from apihelpers import Api, serving
from simhelpers import free_port

from deis_sandbox import controller

DOMAIN = "oldcluster.sandbox.test"
ODD_VALUES = {
    "QUOTES": 'He said "hi" and \'bye\'',
    "NEWLINES": "one\ntwo\n\nfour\n",
    "UNICODE": "Gr\u00fc\u00dfe \u2603 \u96ea \U0001f680",
    "EQUALS_SPACES": " a=b  c = d== ",
    "EMPTY": "",
}


@pytest.fixture
def start(tmp_path):
    """start(**options) -> Api of a fresh controller on a free port (state in a temp dir)."""
    stack = []

    def make(state_dir=None, **options):
        server = controller.make_server(free_port(), str(state_dir or tmp_path / ("controller%d" % len(stack))), DOMAIN, **options)
        context = serving(server)
        stack.append(context)
        return Api(context.__enter__())
    yield make
    for context in reversed(stack):
        context.__exit__(None, None, None)


@pytest.fixture
def admin(start):
    return start().user("admin")


def git_build(api, app, procfile=None):
    """A deis-builder build (it has a sha, so the controller does not pull it)."""
    body = {"image": app, "sha": "a" * 40, "procfile": procfile or {"web": "node server.js", "worker": "node worker.js"}}
    answer = api.post("/v1/apps/%s/builds/" % app, body)
    assert answer.status == 201, answer
    return answer


def test_the_client_precheck_gets_401_and_healthz_ok(start):
    api = start()
    for path in ("/v1/", "/v1"):
        answer = api.get(path)
        assert answer.status == 401
        assert answer.data == {"detail": "Authentication credentials were not provided."}
        assert answer.headers["WWW-Authenticate"] == "Token"
    health = api.get("/healthz")
    assert (health.status, health.text) == (200, "OK")
    assert api.get("/v1/nothing-here").status == 404


def test_register_login_and_the_first_user_is_the_superuser(start):
    api = start()
    first = api.register("admin", first_name="Ad", last_name="Min")
    assert first.status == 201
    assert first.data["is_superuser"] is True and first.data["is_staff"] is True
    assert "password" not in first.data
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC$", first.data["date_joined"])
    second = api.register("alice")
    assert second.status == 201 and second.data["is_superuser"] is False
    assert api.register("alice").data == {"username": ["This field must be unique."]}
    assert api.register("", "x").status == 400
    token = api.login("alice").token
    assert re.match(r"^[0-9a-f]{40}$", token)
    assert api.login("alice").token == token
    wrong = api.post("/v1/auth/login/", {"username": "alice", "password": "nope"})
    assert (wrong.status, wrong.data) == (400, {"non_field_errors": ["Unable to log in with provided credentials."]})
    assert Api(api.base, token).get("/v1/apps").status == 200
    assert Api(api.base, token).get("/v1/").status == 200
    bad = Api(api.base, "f" * 40).get("/v1/apps")
    assert (bad.status, bad.data) == (401, {"detail": "Invalid token."})


def test_registration_modes(start, tmp_path):
    api = start(state_dir=tmp_path / "modes")
    admin = api.user("admin")
    controller.write_control(str(tmp_path / "modes"), registration_mode="disabled")
    refused = api.register("bob")
    assert (refused.status, refused.data) == (403, {"detail": "Registration is disabled"})
    controller.write_control(str(tmp_path / "modes"), registration_mode="admin_only")
    assert api.register("bob").data == {"detail": "You do not have permission to perform this action."}
    assert Api(api.base, admin.token).register("bob").status == 201
    assert Api(api.base, api.login("bob").token).register("carol").status == 403
    controller.write_control(str(tmp_path / "modes"), registration_mode="enabled")
    assert api.register("carol").status == 201
    started_disabled = start(registration_mode="disabled")
    assert started_disabled.register("dave").status == 403


def test_app_ids_are_validated_unique_or_generated(admin):
    created = admin.post("/v1/apps/", {"id": "happy-bandit"})
    assert created.status == 201
    assert created.data["url"] == "happy-bandit." + DOMAIN and created.headers["Location"] == created.data["url"]
    assert set(created.data) == {"uuid", "id", "owner", "url", "structure", "created", "updated"}
    assert created.data["owner"] == "admin" and created.data["structure"] == {}
    duplicate = admin.post("/v1/apps", {"id": "happy-bandit"})
    assert (duplicate.status, duplicate.data) == (400, {"id": ["This field must be unique."]})
    for bad, message in (("My_App", "App IDs can only contain [a-z0-9-]."), ("deis", "deis is a reserved name."),
                         ("a" * 65, "Ensure this field has no more than 64 characters.")):
        answer = admin.post("/v1/apps", {"id": bad})
        assert (answer.status, answer.data) == (400, {"id": [message]})
    generated = admin.post("/v1/apps", {})
    assert generated.status == 201 and re.match(r"^[a-z]+-[a-z]+$", generated.data["id"])
    releases = admin.get("/v1/apps/happy-bandit/releases/")
    assert [r["version"] for r in releases.data["results"]] == [1]
    assert releases.data["results"][0]["summary"] == "admin created initial release"
    assert admin.delete("/v1/apps/happy-bandit/").status == 204
    assert admin.get("/v1/apps/happy-bandit").data == {"detail": "Not found."}


def test_admin_sees_every_app_a_user_only_their_own(admin):
    alice = Api(admin.base).user("alice")
    bob = Api(admin.base).user("bob")
    assert alice.post("/v1/apps", {"id": "alices"}).status == 201
    assert bob.post("/v1/apps", {"id": "bobs"}).status == 201
    assert [a["id"] for a in admin.get("/v1/apps").data["results"]] == ["alices", "bobs"]
    assert [a["id"] for a in alice.get("/v1/apps").data["results"]] == ["alices"]
    assert alice.get("/v1/apps/bobs/").status == 403
    assert alice.get("/v1/apps/bobs/config/").status == 403
    assert alice.post("/v1/apps/bobs/", {"owner": "alice"}).status == 403
    moved = admin.post("/v1/apps/bobs/", {"owner": "alice"})
    assert (moved.status, moved.text) == (200, "")
    assert alice.get("/v1/apps/bobs").data["owner"] == "alice"
    assert admin.post("/v1/apps/bobs/", {"owner": "nobody"}).status == 404


def test_pagination_over_250_apps(admin):
    for number in range(250):
        assert admin.post("/v1/apps", {"id": "app-%03d" % number}).status == 201
    first = admin.get("/v1/apps").data
    assert first["count"] == 250 and len(first["results"]) == 100 and first["previous"] is None
    assert first["next"] == admin.base + "/v1/apps?page=2"
    second = admin.get(first["next"][len(admin.base):]).data
    assert second["previous"] == admin.base + "/v1/apps?page=1" and second["next"] == admin.base + "/v1/apps?page=3"
    third = admin.get("/v1/apps/?page=3").data
    assert len(third["results"]) == 50 and third["next"] is None
    ids = [a["id"] for page in (first, second, third) for a in page["results"]]
    assert ids == ["app-%03d" % n for n in range(250)]
    assert admin.get("/v1/apps?page=4").status == 404
    sized = admin.get("/v1/apps?page_size=120").data
    assert len(sized["results"]) == 120 and sized["next"] == admin.base + "/v1/apps?page_size=120&page=2"
    assert len(admin.get("/v1/apps?page_size=120&page=3").data["results"]) == 10
    assert admin.get("/v1/apps?page=last").data["results"][-1]["id"] == "app-249"


def test_config_round_trip_odd_values_null_unsets_and_releases_count_up(admin):
    admin.post("/v1/apps", {"id": "odd"})
    answer = admin.post("/v1/apps/odd/config/", {"values": dict(ODD_VALUES, NUMBER=5, FLAG=True)})
    assert answer.status == 201
    assert (answer.headers["Deis-Release"], answer.headers["X-Deis-Release"]) == ("2", "2")
    assert answer.data["values"] == dict(ODD_VALUES, NUMBER="5", FLAG="True")
    config = admin.get("/v1/apps/odd/config").data
    assert config["values"] == answer.data["values"]
    assert set(config) == {"owner", "app", "values", "memory", "cpu", "tags", "created", "updated", "uuid"}
    limits = admin.post("/v1/apps/odd/config", {"memory": {"web": "512M"}, "cpu": {"web": "512"}, "tags": {"environ": "prod"}})
    assert limits.headers["Deis-Release"] == "3"
    assert (limits.data["memory"], limits.data["cpu"], limits.data["tags"]) == ({"web": "512M"}, {"web": 512}, {"environ": "prod"})
    unset = admin.post("/v1/apps/odd/config", {"values": {"NEWLINES": None, "FLAG": None}, "memory": {"web": None}})
    assert unset.headers["Deis-Release"] == "4"
    assert "NEWLINES" not in unset.data["values"] and "FLAG" not in unset.data["values"]
    assert unset.data["values"]["UNICODE"] == ODD_VALUES["UNICODE"] and unset.data["memory"] == {}
    releases = admin.get("/v1/apps/odd/releases").data
    assert [r["version"] for r in releases["results"]] == [4, 3, 2, 1]
    # Release.save() appends the limits part without a separator.
    assert releases["results"][0]["summary"] == "admin deleted FLAG, NEWLINESadmin changed limits for memory"
    assert releases["results"][1]["summary"] == "admin changed limits for memory, cpu and admin added tag environ"
    assert releases["results"][0]["config"] == unset.data["uuid"] and releases["results"][0]["build"] is None
    v2 = admin.get("/v1/apps/odd/releases/v2/")
    assert v2.status == 200 and v2.data["version"] == 2 and v2.data["summary"] == "admin added EMPTY, EQUALS_SPACES, FLAG, NEWLINES, NUMBER, QUOTES, UNICODE"
    assert set(v2.data) == {"app", "build", "config", "created", "owner", "summary", "updated", "uuid", "version"}
    assert admin.get("/v1/apps/odd/releases/v9").status == 404
    for bad in ({"values": {"1BAD": "x"}}, {"memory": {"web": "lots"}}, {"cpu": {"web": 2000}}, {"tags": {"bad tag": "x"}}):
        assert admin.post("/v1/apps/odd/config", bad).status == 400
    assert admin.get("/v1/apps/odd/releases").data["count"] == 4


def test_builds_without_a_registry_pull(admin):
    admin.post("/v1/apps", {"id": "gitapp"})
    build = git_build(admin, "gitapp")
    assert build.headers["Deis-Release"] == "2"
    assert set(build.data) == {"owner", "app", "image", "sha", "procfile", "dockerfile", "created", "updated", "uuid"}
    assert admin.get("/v1/apps/gitapp").data["structure"] == {"web": 1}
    assert admin.get("/v1/apps/gitapp/builds/%s/" % build.data["uuid"]).data == build.data
    assert admin.get("/v1/apps/gitapp/releases/v2").data["summary"] == "admin deployed aaaaaaa"
    assert admin.post("/v1/apps/gitapp/builds", {}).data == {"image": ["This field is required."]}
    off_loopback = admin.post("/v1/apps/gitapp/builds", {"image": "quay.io/acme/app:1.0"})
    assert (off_loopback.status, off_loopback.text) == (500, "<h1>Server Error (500)</h1>")
    assert off_loopback.headers["Content-Type"].startswith("text/html")
    assert admin.get("/v1/apps/gitapp/releases").data["count"] == 2


def test_domains(admin):
    admin.post("/v1/apps", {"id": "shop"})
    admin.post("/v1/apps", {"id": "blog"})
    added = admin.post("/v1/apps/shop/domains/", {"domain": "www.shop.example.test"})
    assert added.status == 201
    assert set(added.data) == {"app", "created", "domain", "owner", "updated", "uuid"}
    assert admin.post("/v1/apps/shop/domains", {"domain": "shop.example.test."}).data["domain"] == "shop.example.test"
    taken = admin.post("/v1/apps/blog/domains", {"domain": "www.shop.example.test"})
    assert (taken.status, taken.data) == (400, {"domain": ["The domain www.shop.example.test is already in use by another app"]})
    assert admin.post("/v1/apps/blog/domains", {"domain": "bad_domain!"}).data == {"domain": ["Hostname does not look valid."]}
    listed = admin.get("/v1/apps/shop/domains").data
    assert [d["domain"] for d in listed["results"]] == ["www.shop.example.test", "shop.example.test"]
    assert admin.delete("/v1/apps/shop/domains/www.shop.example.test").status == 204
    assert admin.delete("/v1/apps/shop/domains/www.shop.example.test").status == 404
    assert admin.get("/v1/apps/shop/domains").data["count"] == 1
    assert admin.get("/v1/apps/shop/releases").data["count"] == 1


def test_scale_sets_the_structure(admin):
    admin.post("/v1/apps", {"id": "scaled"})
    assert admin.post("/v1/apps/scaled/scale", {"web": 2}).data == {"detail": "No build associated with this release"}
    git_build(admin, "scaled")
    answer = admin.post("/v1/apps/scaled/scale/", {"web": 3, "worker": "2"})
    assert (answer.status, answer.text) == (204, "")
    assert admin.get("/v1/apps/scaled").data["structure"] == {"web": 3, "worker": 2}
    assert admin.post("/v1/apps/scaled/scale", {"worker": 0}).status == 204
    assert admin.get("/v1/apps/scaled").data["structure"] == {"web": 3, "worker": 0}
    containers = admin.get("/v1/apps/scaled/containers/").data
    assert containers["count"] == 3 and containers["results"][0]["release"] == "v2"
    assert admin.post("/v1/apps/scaled/scale", {"db": 1}).data == {"detail": "Container type db does not exist in application"}
    assert admin.post("/v1/apps/scaled/scale", {"web": -1}).status == 400
    assert admin.post("/v1/apps/scaled/scale", {"web": "many"}).status == 400
    assert admin.get("/v1/apps/scaled/releases").data["count"] == 2


@pytest.mark.parametrize("version, expected", [
    ("1.0.2", {}),
    ("1.5.1", {"X_DEIS_API_VERSION": "1.2", "X_DEIS_PLATFORM_VERSION": "1.5.1"}),
    ("1.7.3", {"DEIS_API_VERSION": "1.4", "X_DEIS_API_VERSION": "1.4", "DEIS_PLATFORM_VERSION": "1.7.3", "X_DEIS_PLATFORM_VERSION": "1.7.3"}),
    ("1.12.3", {"DEIS_API_VERSION": "1.7", "X_DEIS_API_VERSION": "1.7", "DEIS_PLATFORM_VERSION": "1.12.3", "X_DEIS_PLATFORM_VERSION": "1.12.3"}),
    ("1.13.4", {"DEIS_API_VERSION": "1.7", "X_DEIS_API_VERSION": "1.7", "DEIS_PLATFORM_VERSION": "1.13.4", "X_DEIS_PLATFORM_VERSION": "1.13.4"}),
])
def test_version_headers_per_platform_version(start, version, expected):
    api = start(platform_version=version)
    answer = api.get("/v1/")
    shown = {name: value for name, value in answer.headers.items() if "DEIS" in name.upper() and "VERSION" in name.upper()}
    assert shown == expected


def test_version_request_check_answers_405_on_a_major_mismatch(start):
    new = start(platform_version="1.13.4").user("admin")
    mismatch = new.get("/v1/apps", headers={"Deis-Version": "2"})
    assert mismatch.status == 405
    assert mismatch.data == {"error": "Client and server versions do not match. Client version: 2 Server version: 1"}
    assert new.get("/v1/apps", headers={"Deis-Version": "1"}).status == 200
    assert new.get("/v1/apps", headers={"X-Deis-Version": "2"}).status == 200
    old = start(platform_version="1.5.1").user("admin")
    assert old.get("/v1/apps", headers={"X-Deis-Version": "2"}).status == 405
    assert old.get("/v1/apps", headers={"X-Deis-Version": "1"}).status == 200
    old.post("/v1/apps", {"id": "one"})
    config = old.post("/v1/apps/one/config", {"values": {"A": "b"}})
    assert config.headers["X-Deis-Release"] == "2" and "Deis-Release" not in config.headers
    first = start(platform_version="1.0.2")
    assert first.get("/v1/", headers={"X-Deis-Version": "1.1"}).data["error"].endswith("Client version: 1.1 Server version: 1.0")
    assert first.get("/v1/", headers={"X-Deis-Version": "1.0"}).status == 401


def test_fault_fraction_fails_some_requests_and_zero_none(start, tmp_path):
    admin = start(state_dir=tmp_path / "faulty").user("admin")
    controller.write_control(str(tmp_path / "faulty"), error_fraction=0.5)
    statuses = [admin.get("/v1/apps").status for count in range(200)]
    failed = [status for status in statuses if status != 200]
    assert set(failed) == {500, 503} and set(statuses) - set(failed) == {200}
    assert 50 <= len(failed) <= 150
    assert all(admin.get("/healthz").status == 200 for count in range(20))
    controller.write_control(str(tmp_path / "faulty"), error_fraction=0)
    assert all(admin.get("/v1/apps").status == 200 for count in range(100))


def test_latency_knob_delays_answers(start):
    api = start(latency_ms=150)
    began = time.monotonic()
    assert api.get("/healthz").status == 200
    assert time.monotonic() - began >= 0.15


def test_state_survives_a_restart(start, tmp_path):
    first = start(state_dir=tmp_path / "kept").user("admin")
    first.post("/v1/apps", {"id": "kept-app"})
    first.post("/v1/apps/kept-app/config", {"values": {"K": "v\u00e9"}})
    again = start(state_dir=tmp_path / "kept")
    same_user = Api(again.base, first.token)
    assert same_user.get("/v1/apps/kept-app/config").data["values"] == {"K": "v\u00e9"}
    assert same_user.get("/v1/apps/kept-app/releases").data["count"] == 2
