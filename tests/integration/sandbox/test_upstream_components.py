"""The real Deis v1 components of the sandbox (tests/sandbox/lib/deis_sandbox/upstream.py): the upstream
controllers v1.12.3, v1.13.4 and v1.7.3 and the deis-v1-lts docker-registry, built from shared/upstream/, and the
fault proxy.  Each test asserts a fact of upstream's code (deis/deis at the tag, controller/...; deis/docker-registry
deis-v1-lts) that the collection relies on.

Ports from DEIS_TEST_PORT_BASE (default 17100); containers named DEIS_TEST_CONTAINER_PREFIX (default
"deis-upstream-test-"); state under DEIS_TEST_DATA (default /tmp/deis-upstream-test).  The images are built on
first use (minutes, once); afterwards the module takes well under two minutes.
"""
import concurrent.futures
import functools
import http.client
import itertools
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sandbox", "lib"))
from deis_sandbox import faultproxy, upstream, v1registry  # noqa: E402  pylint: disable=wrong-import-position

PORT_BASE = int(os.environ.get("DEIS_TEST_PORT_BASE", "17100"))
PREFIX = os.environ.get("DEIS_TEST_CONTAINER_PREFIX", "deis-upstream-test-")
DATA_ROOT = os.environ.get("DEIS_TEST_DATA", "/tmp/deis-upstream-test")
DOMAIN = "example.test"
VERSIONS = ("v1.12.3", "v1.13.4", "v1.7.3")
# controller/api/__init__.py __version__ (1.4.0 at v1.7.3, 1.7.0 at v1.12.3 and v1.13.4), cut to major.minor by
# api/middleware.py:49 (DEIS_API_VERSION); deis/__init__.py __version__ via deis/middleware.py:58.
API_VERSIONS = {"v1.7.3": "1.4", "v1.12.3": "1.7", "v1.13.4": "1.7"}
PUBLISH_DELAY = {"v1.13.4": 1.0}  # one controller publishes slowly, to show one process overlapping requests
SEED_REPOSITORY = "web-seed"
SERVER_ERROR_PAGE = b"<h1>Server Error (500)</h1>"  # django/views/defaults.py server_error without a 500.html


class Answer:
    def __init__(self, status, headers, body, seconds):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    def json(self):
        return json.loads(self.body)


def call(endpoint, method, path, body=None, token=None, headers=None, timeout=120):
    """One request with http.client (no redirect following, header names as sent)."""
    host, port = endpoint.rsplit(":", 1)
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    if token:
        sent["Authorization"] = "token " + token
    started = time.time()
    connection = http.client.HTTPConnection(host.replace("http://", ""), int(port), timeout=timeout)
    try:
        connection.request(method, path, data, sent)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read(), time.time() - started)
    finally:
        connection.close()


class Controller:
    """A running upstream controller with its users (admin registered first, then bob, carol, dave)."""

    def __init__(self, version, endpoint, data_dir, start):
        self.version, self.endpoint, self.data_dir, self.start = version, endpoint, data_dir, start
        self.tokens = {}
        self.numbers = itertools.count(1)

    @property
    def minor(self):
        return int(self.version.split(".")[1])

    def call(self, method, path, body=None, user="admin", **kwargs):
        return call(self.endpoint, method, path, body, self.tokens.get(user), **kwargs)

    def register(self, username):
        answer = call(self.endpoint, "POST", "/v1/auth/register/",
                      {"username": username, "password": username + "-pw", "email": username + "@example.com"})
        assert answer.status == 201, answer.body
        login = call(self.endpoint, "POST", "/v1/auth/login/", {"username": username, "password": username + "-pw"})
        assert login.status == 200, login.body
        self.tokens[username] = login.json()["token"]
        return answer.json()

    def new_app(self, user="admin"):
        app = "app%d-%s" % (next(self.numbers), self.version.replace(".", "-").lstrip("v"))
        answer = self.call("POST", "/v1/apps/", {"id": app}, user=user)
        assert answer.status == 201, answer.body
        return app

    def records(self, app):
        return [record for record in upstream.records(self.data_dir) if record["app"] == app]


@pytest.fixture(scope="module")
def stack():
    """Two registries (the old cluster's, the controllers' own) and one controller per version."""
    os.makedirs(DATA_ROOT, exist_ok=True)
    data = tempfile.mkdtemp(prefix="run-", dir=DATA_ROOT)
    started = []
    try:
        started.append(PREFIX + "registry-old")
        old = upstream.start_registry(started[-1], PORT_BASE, os.path.join(data, "registry-old"))
        started.append(PREFIX + "registry")
        cluster = upstream.start_registry(started[-1], PORT_BASE + 1, os.path.join(data, "registry"))
        controllers = {}
        for offset, version in enumerate(VERSIONS):
            started.append(PREFIX + "controller-" + version.replace(".", "-"))
            folder = os.path.join(data, "controller-" + version)
            start = functools.partial(upstream.start_controller, started[-1], version, PORT_BASE + 10 + offset, DOMAIN,
                                      folder, registry=cluster, threads=4, publish_delay=PUBLISH_DELAY.get(version, 0))
            controllers[version] = Controller(version, start().replace("http://", ""), folder, start)
        seed = v1registry.make_image(SEED_REPOSITORY, "v1", {"app/index.html": b"seed v1\n"}, env=["PATH=/bin"],
                                     cmd=["/bin/busybox", "httpd", "-f"])
        v1registry.V1Registry(old).push(SEED_REPOSITORY, "v1", seed)
        yield {"old": old, "cluster": cluster, "controllers": controllers, "data": data}
    finally:
        for name in started:
            upstream.stop(name)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module")
def controllers(stack):
    for controller in stack["controllers"].values():
        first = controller.register("admin")
        # api/serializers.py (v1.12.3:122-123, v1.7.3:81): the first user registered becomes superuser.
        assert first["is_superuser"] is True
        for user in ("bob", "carol", "dave"):
            assert controller.register(user)["is_superuser"] is False
    return stack["controllers"]


@pytest.fixture(params=VERSIONS)
def controller(request, controllers):
    return controllers[request.param]


def seed_image(stack):
    return "%s/%s:v1" % (stack["old"], SEED_REPOSITORY)


def deployed_app(controller, stack):
    app = controller.new_app()
    answer = controller.call("POST", "/v1/apps/%s/builds/" % app, {"image": seed_image(stack)})
    assert answer.status == 201, answer.body
    return app


# controller


def test_v1_answers_401_with_version_headers(controller):
    answer = call(controller.endpoint, "GET", "/v1/")
    assert answer.status == 401
    assert answer.json() == {"detail": "Authentication credentials were not provided."}
    assert answer.headers["DEIS_API_VERSION"] == API_VERSIONS[controller.version]
    assert answer.headers["DEIS_PLATFORM_VERSION"] == controller.version.lstrip("v")


def test_healthz_exists_from_v1_13(controller):
    """deis/urls.py: `^healthz$` -> HealthCheckView "OK" only at v1.13.4 (deis/urls.py:21, api/views.py:29-36);
    earlier controllers have no such route (404).  shared/reference/deis-v1-facts.md section 4 says /healthz
    for every version: upstream wins."""
    answer = call(controller.endpoint, "GET", "/healthz")
    if controller.minor >= 13:
        assert (answer.status, answer.body) == (200, b"OK")
    else:
        assert answer.status == 404


def test_only_the_first_user_is_admin(controller):
    """api/permissions.py IsAdmin on /v1/admin/perms: the superuser lists admins, others get 403."""
    assert controller.call("GET", "/v1/admin/perms/", user="bob").status == 403
    answer = controller.call("GET", "/v1/admin/perms/")
    assert answer.status == 200
    assert [user["username"] for user in answer.json()["results"]] == ["admin"]


def test_login_gives_a_token_and_refuses_a_wrong_password(controller):
    """rest_framework.authtoken obtain_auth_token (api/urls.py auth/login/): 40 hex digits; 400 otherwise."""
    token = controller.tokens["carol"]
    assert len(token) == 40 and int(token, 16) >= 0
    wrong = call(controller.endpoint, "POST", "/v1/auth/login/", {"username": "carol", "password": "nope"})
    assert wrong.status == 400


def test_create_app_has_an_initial_release_without_build(controller):
    """App.create (api/models.py): a Config and release v1 with no build; url = id + "." + DEIS_DOMAIN."""
    app = controller.new_app()
    detail = controller.call("GET", "/v1/apps/%s/" % app).json()
    assert (detail["owner"], detail["url"]) == ("admin", "%s.%s" % (app, DOMAIN))
    releases = controller.call("GET", "/v1/apps/%s/releases/" % app).json()["results"]
    assert [(r["version"], r["build"]) for r in releases] == [(1, None)]


def test_pull_build_publishes_the_source_image(controller, stack):
    """POST builds with an image the old registry holds: 201 + Deis-Release (api/views.py ReleasableViewSet
    get_success_headers); the recorder saw the source image and the release is in the cluster's registry with its
    ENV layer (v1.12+ registry/dockerclient.py:38-53; v1.7.3 api/models.py:733-752 + registry/private.py:15-64)."""
    app = controller.new_app()
    answer = controller.call("POST", "/v1/apps/%s/builds/" % app, {"image": seed_image(stack)})
    assert answer.status == 201, answer.body
    assert answer.headers["Deis-Release"] == "2"
    record = controller.records(app)[-1]
    assert (record["version"], record["outcome"], record["pulled"]) == (2, "ok", seed_image(stack))
    if controller.minor >= 12:
        assert record["source"] == seed_image(stack)
    cluster = v1registry.V1Registry(stack["cluster"])
    image_id = cluster.tag(app, "v2")
    assert image_id is not None
    env = json.loads(cluster.image_json(image_id))["config"]["Env"]
    assert "DEIS_APP=%s" % app in env and "DEIS_RELEASE=v2" in env


def test_failed_pull_keeps_build_and_release_rows(controller, stack):
    """An image the registry does not hold: v1.12+ let DockerException escape (registry/dockerclient.py:102-108,
    api/models.py Release.new catches only EnvironmentError) -> Django's 500 page; v1.7.3 raises RuntimeError
    "GET Image Error" (registry/private.py:104-110) -> 503 (api/views.py BaseDeisViewSet.create).  Build and
    release rows were written before the publish and no transaction undoes them."""
    app = deployed_app(controller, stack)
    missing = "%s/%s:v404" % (stack["old"], SEED_REPOSITORY)
    answer = controller.call("POST", "/v1/apps/%s/builds/" % app, {"image": missing})
    if controller.minor >= 12:
        assert answer.status == 500
        assert answer.headers["Content-Type"].startswith("text/html")
        assert answer.body == SERVER_ERROR_PAGE
    else:
        assert answer.status == 503
        assert answer.json()["detail"].startswith("GET Image Error (404: ")
    builds = controller.call("GET", "/v1/apps/%s/builds/" % app).json()["results"]
    assert [build["image"] for build in builds] == [missing, seed_image(stack)]
    releases = controller.call("GET", "/v1/apps/%s/releases/" % app).json()["results"]
    assert [(r["version"], r["build"]) for r in releases][:2] == [(3, builds[0]["uuid"]), (2, builds[1]["uuid"])]
    assert controller.records(app)[-1]["outcome"] == "failed"
    # The failed build is now the app's build: the next release (config:set) publishes it again and fails alike.
    again = controller.call("POST", "/v1/apps/%s/config/" % app, {"values": {"AFTER": "failure"}})
    assert again.status == answer.status
    assert [record["outcome"] for record in controller.records(app)][-2:] == ["failed", "failed"]


def test_unreachable_registry_fails_like_a_missing_image(controller):
    """A `deis pull` image whose registry is gone (nothing listens): v1.12+ the pull fails in the stream
    (DockerException, 500); v1.7.3 the cluster registry's import fails (its answer is ignored,
    api/models.py:739-743) and the tag lookup gives 503 GET Image Error."""
    app = controller.new_app()
    gone = "127.0.0.1:%d/%s:v1" % (PORT_BASE + 30, SEED_REPOSITORY)
    answer = controller.call("POST", "/v1/apps/%s/builds/" % app, {"image": gone})
    assert answer.status == (500 if controller.minor >= 12 else 503)
    assert controller.records(app)[-1]["outcome"] == "failed"


def test_config_keeps_odd_values_and_pulls_again(controller, stack):
    """Config values are stored as given (api/models.py Config.save merges, None unsets); the new release publishes
    the build again: v1.12+ pull the external image once more (registry/dockerclient.py:38-42), v1.7.3 re-imports
    it through the cluster's registry (api/models.py:733-749)."""
    app = deployed_app(controller, stack)
    values = {"QUOTED": "it's \"quoted\"", "NEWLINE": "line1\nline2", "UNICODE": "gr\u00fc\u00dfe \u2713",
              "EQUALS": "a=b=c", "EMPTY": ""}
    answer = controller.call("POST", "/v1/apps/%s/config/" % app, {"values": values})
    assert answer.status == 201, answer.body
    assert answer.headers["Deis-Release"] == "3"
    assert controller.call("GET", "/v1/apps/%s/config/" % app).json()["values"] == values
    last = controller.records(app)[-1]
    assert (last["version"], last["outcome"], last["pulled"]) == (3, "ok", seed_image(stack))


def test_config_of_a_never_deployed_app_publishes_nothing(controller):
    """Release.publish raises EnvironmentError for a release without build, which Release.new swallows
    (api/models.py v1.12.3:872-882): the config release is created and nothing is pulled."""
    app = controller.new_app()
    answer = controller.call("POST", "/v1/apps/%s/config/" % app, {"values": {"DATABASE_URL": "postgres://db/x"}})
    assert (answer.status, answer.headers["Deis-Release"]) == (201, "2")
    assert not controller.records(app)


def test_domains_keep_case_and_unknown_delete_is_500(controller):
    """DomainSerializer.validate_domain returns the value unchanged (api/serializers.py); DomainViewSet.get_object
    uses qs.get() (api/views.py), so an unknown domain raises DoesNotExist -> 500."""
    app = controller.new_app()
    added = controller.call("POST", "/v1/apps/%s/domains/" % app, {"domain": "Shop.Example.COM"})
    assert added.status == 201, added.body
    listed = controller.call("GET", "/v1/apps/%s/domains/" % app).json()["results"]
    assert [domain["domain"] for domain in listed] == ["Shop.Example.COM"]
    assert controller.call("DELETE", "/v1/apps/%s/domains/unknown.example.com" % app).status == 500
    assert controller.call("DELETE", "/v1/apps/%s/domains/Shop.Example.COM" % app).status == 204


def test_owner_transfer(controller):
    """POST /v1/apps/<id> {"owner"} -> AppViewSet.update, 200 with an empty body (api/views.py v1.12.3:238-247;
    routed from v1.11.0, api/urls.py); v1.7.3 routes only GET and DELETE there -> 405."""
    app = controller.new_app()
    answer = controller.call("POST", "/v1/apps/%s" % app, {"owner": "bob"})
    if controller.minor < 11:
        assert answer.status == 405
        return
    assert (answer.status, answer.body) == (200, b"")
    assert controller.call("GET", "/v1/apps/%s/" % app, user="bob").json()["owner"] == "bob"


def test_perms_share_an_app(controller):
    """AppPermsViewSet (api/views.py): owner or admin grants use_app; the user then sees and lists the app."""
    app = controller.new_app()
    assert controller.call("GET", "/v1/apps/%s/" % app, user="carol").status == 403
    assert controller.call("POST", "/v1/apps/%s/perms/" % app, {"username": "carol"}).status == 201
    assert controller.call("GET", "/v1/apps/%s/perms/" % app).json() == {"users": ["carol"]}
    assert controller.call("GET", "/v1/apps/%s/" % app, user="carol").status == 200
    listed = controller.call("GET", "/v1/apps?page_size=1000", user="carol").json()["results"]
    assert app in [entry["id"] for entry in listed]


def test_pagination_and_page_size(controller):
    """REST_FRAMEWORK PAGINATE_BY 100 (deis/settings.py); PAGINATE_BY_PARAM 'page_size' from v1.10.0 only
    (v1.12.3 settings.py:204; absent at v1.7.3), so v1.7.3 pages by 100 whatever page_size says."""
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        created = list(pool.map(lambda number: controller.new_app(user="dave"), range(105)))
    first = controller.call("GET", "/v1/apps", user="dave").json()
    assert (first["count"], len(first["results"])) == (105, 100)
    assert first["next"] is not None
    asked = controller.call("GET", "/v1/apps?page_size=200", user="dave").json()
    if controller.minor >= 10:
        assert (len(asked["results"]), asked["next"]) == (105, None)
        assert sorted(entry["id"] for entry in asked["results"]) == sorted(created)
    else:
        assert len(asked["results"]) == 100


def test_git_push_build_through_the_builder_hook(controller, stack):
    """deis-builder's POST /v1/hooks/build (api/views.py BuildHookViewSet, X-Deis-Builder-Auth = BUILDER_KEY, else
    api/permissions.py HasBuilderAuth fails and DRF answers 401 as no authenticator succeeded): the builder pushed
    the image to the cluster's registry as <app>:git-<sha>, and the publish reads it from there (v1.12+
    deis_registry, api/models.py Release.publish + registry/dockerclient.py:38-39)."""
    app = controller.new_app()
    sha = "0123456789abcdef0123456789abcdef01234567"
    cluster = v1registry.V1Registry(stack["cluster"])
    cluster.push(app, "git-" + sha, v1registry.make_image(app, "git-" + sha, {"app/Procfile": b"web: run\n"}))
    body = {"receive_user": "admin", "receive_repo": app, "image": app, "sha": sha,
            "procfile": {"web": "run"}, "dockerfile": ""}
    refused = call(controller.endpoint, "POST", "/v1/hooks/build/", body, headers={"X-Deis-Builder-Auth": "wrong"})
    assert refused.status == 401
    answer = call(controller.endpoint, "POST", "/v1/hooks/build/", body,
                  headers={"X-Deis-Builder-Auth": upstream.DEFAULT_BUILDER_KEY})
    assert answer.status == 200, answer.body
    assert answer.json() == {"release": {"version": 2}, "domains": ["%s.%s" % (app, DOMAIN)]}
    record = controller.records(app)[-1]
    assert (record["outcome"], record["target"]) == ("ok", "%s:v2" % app)
    if controller.minor >= 12:
        assert (record["deis_registry"], record["pulled"]) == (True, "%s/%s:git-%s" % (stack["cluster"], app, sha))


def test_one_process_overlaps_slow_publishes(controllers, stack):
    """gunicorn with one gthread worker (the mock scheduler's state is per process, scheduler/mock.py:7-8) still
    serves requests side by side: four builds that each wait the 1 s publish delay finish together."""
    controller = controllers["v1.13.4"]
    apps = [controller.new_app() for number in range(4)]
    started = time.time()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda app: controller.call("POST", "/v1/apps/%s/builds/" % app,
                                                            {"image": seed_image(stack)}), apps))
    elapsed = time.time() - started
    assert [answer.status for answer in answers] == [201] * 4
    assert all(controller.records(app)[-1]["seconds"] >= PUBLISH_DELAY["v1.13.4"] for app in apps)
    assert elapsed < 4 * PUBLISH_DELAY["v1.13.4"], "builds did not overlap: %.1f s" % elapsed


def test_restart_keeps_the_database(controllers):
    """State lives in the data folder (sqlite3, deis/local_settings.py): a new container on the same folder keeps
    users, tokens and apps, and does not rebuild the schema."""
    controller = controllers["v1.12.3"]
    app = controller.new_app(user="bob")
    controller.start()
    assert controller.call("GET", "/v1/apps/%s/" % app, user="bob").json()["owner"] == "bob"


# registry


def test_registry_speaks_v1_only(stack):
    """docker_registry/app.py:27-28 /_ping and /v1/_ping; no /v2/ route (Flask 404)."""
    for path in ("/_ping", "/v1/_ping"):
        answer = call(stack["old"], "GET", path)
        assert (answer.status, answer.json()) == (200, {})
        assert answer.headers["X-Docker-Registry-Standalone"] == "True"
    assert call(stack["old"], "GET", "/v2/").status == 404


def test_registry_tag_lookup(stack):
    """tags.py:105-119: the image id as a JSON string, or 404 {"error": "Tag not found"}."""
    found = call(stack["old"], "GET", "/v1/repositories/%s/tags/v1" % SEED_REPOSITORY)
    assert found.status == 200 and len(found.json()) == 64
    missing = call(stack["old"], "GET", "/v1/repositories/%s/tags/v9" % SEED_REPOSITORY)
    assert (missing.status, missing.json()) == (404, {"error": "Tag not found"})


# fault proxy


@pytest.fixture
def proxy(controllers):
    folder = tempfile.mkdtemp(prefix="proxy-", dir=DATA_ROOT)
    controller = controllers["v1.12.3"]
    port = PORT_BASE + 20
    knobs = faultproxy.start(port, int(controller.endpoint.rsplit(":", 1)[1]), folder)
    try:
        yield {"endpoint": "127.0.0.1:%d" % port, "knobs": knobs, "log": os.path.join(folder, "proxy.jsonl"),
               "controller": controller}
    finally:
        faultproxy.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def test_proxy_passes_answers_unchanged(proxy):
    direct = call(proxy["controller"].endpoint, "GET", "/v1/")
    proxied = call(proxy["endpoint"], "GET", "/v1/")
    assert (proxied.status, proxied.body) == (direct.status, direct.body)
    for header in ("DEIS_API_VERSION", "DEIS_PLATFORM_VERSION", "WWW-Authenticate", "Content-Type"):
        assert proxied.headers[header] == direct.headers[header]


def test_proxy_refuses_before_forwarding(proxy):
    faultproxy.write_knobs(proxy["knobs"], {"fail_before": {"fraction": 1, "status": 503, "method": "POST"}})
    controller = proxy["controller"]
    answer = call(proxy["endpoint"], "POST", "/v1/apps/", {"id": "refused-app"}, controller.tokens["admin"])
    assert answer.status == 503 and b"<center>nginx/1.9.6</center>" in answer.body
    assert controller.call("GET", "/v1/apps/refused-app/").status == 404


def test_proxy_fails_after_the_controller_did_the_work(proxy):
    faultproxy.write_knobs(proxy["knobs"], {"fail_after": {"fraction": 1, "status": 502, "method": "POST"}})
    controller = proxy["controller"]
    answer = call(proxy["endpoint"], "POST", "/v1/apps/", {"id": "lost-answer-app"}, controller.tokens["admin"])
    assert answer.status == 502
    assert controller.call("GET", "/v1/apps/lost-answer-app/").status == 200


def test_proxy_error_fraction(proxy):
    faultproxy.write_knobs(proxy["knobs"], {"fail_before": {"fraction": 0.25, "status": 503}, "seed": 11})
    statuses = [call(proxy["endpoint"], "GET", "/v1/").status for number in range(80)]
    injected = statuses.count(503)
    assert 8 <= injected <= 32, injected  # 80 draws at 25 %: far outside 8..32 only when the fraction is ignored
    assert statuses.count(401) == 80 - injected
    assert sum(1 for entry in faultproxy.read_log(proxy["log"]) if entry["fault"] == "fail_before") == injected


def test_proxy_slows_matching_requests(proxy):
    faultproxy.write_knobs(proxy["knobs"], {"slow": [{"method": "GET", "path": "^/v1/$", "seconds": 2, "times": 1}]})
    slow = call(proxy["endpoint"], "GET", "/v1/")
    fast = call(proxy["endpoint"], "GET", "/v1/")
    other = call(proxy["endpoint"], "GET", "/v1/apps")
    assert slow.status == fast.status == other.status == 401
    assert slow.seconds >= 2 > fast.seconds and other.seconds < 2


def test_proxy_keeps_redirects(tmp_path):
    """A 302 and its Location pass unchanged (the proxy never follows redirects)."""
    class Redirect(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://other.example.test/v1/apps")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass
    target = http.server.ThreadingHTTPServer(("127.0.0.1", PORT_BASE + 22), Redirect)
    threading.Thread(target=target.serve_forever, daemon=True).start()
    try:
        faultproxy.start(PORT_BASE + 21, PORT_BASE + 22, str(tmp_path))
        answer = call("127.0.0.1:%d" % (PORT_BASE + 21), "GET", "/v1/apps")
        assert (answer.status, answer.headers["Location"]) == (302, "http://other.example.test/v1/apps")
    finally:
        faultproxy.stop(str(tmp_path))
        target.shutdown()
