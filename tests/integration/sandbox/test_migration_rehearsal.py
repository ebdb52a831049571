"""The migration rehearsal of `sandbox up --apps N` (tests/sandbox/lib/deis_sandbox/migration.py): the old cluster
seeded through the upstream controller's API, the new cluster's router, the faults, and the gates that tie the old
controller and registry to the nodes' platform.  One rehearsal (14 apps, its own state folder, ports and container
names) serves the module; the images are the ones `sandbox build` made."""
import contextlib
import http.client
import io
import json
import os
import socket
import stat
import subprocess
import sys
import tarfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from apihelpers import SANDBOX, free_port_block, serving

from deis_sandbox import cli, deisapi, faultproxy, migration, seeding, upstream, v1registry
from deis_sandbox.paths import MIGRATION_PORT_COUNT
from deis_sandbox.run import wait_until

APPS = 14
PREFIX = "deis-rehearsal-test-"


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory):
    """migration.up with 14 apps in a private state folder; the same environment for the sandbox CLI."""
    env = {"DEIS_SANDBOX_STATE": str(tmp_path_factory.mktemp("state")),
           "DEIS_SANDBOX_MIGRATION_PORT": str(free_port_block(MIGRATION_PORT_COUNT)),
           "DEIS_SANDBOX_CONTAINER_PREFIX": PREFIX}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        started = time.time()
        vars_file = migration.up(APPS, SANDBOX, publish_delay=0.2)
        creds = migration.credentials()
        status = migration.status()
        old = deisapi.Controller(status["old_controller"]["url"]).login("admin", creds["old"]["admin"])
        new = deisapi.Controller(status["new_controller"]["url"]).login("admin", creds["new"]["admin"])
        yield {"vars": migration.read_vars(vars_file), "vars_file": vars_file, "creds": creds, "status": status, "old": old,
               "new": new, "env": env, "seconds": time.time() - started,
               "plans": {plan["app"]: plan for plan in migration.read_json(migration.folder("seeded.json"))["plans"]}}
    finally:
        migration.down()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def fault(*args):
    """`sandbox fault ARGS` of a migration fault, as the CLI runs it (cli.migration_fault), on this rehearsal; what
    it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        cli.migration_fault(cli.parser().parse_args(["fault"] + list(args)))
    return printed.getvalue()


def get(url, host, path="/"):
    """(status, headers, body) of a GET to URL with a Host header."""
    address = url.split("//", 1)[1]
    connection = http.client.HTTPConnection(*address.split(":"), timeout=20)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


# the old cluster as seeded


def test_seeding_is_quick(rehearsal):
    """Containers started, 14 apps seeded, proxies, router and BIND up: the whole `up` in well under a minute."""
    assert rehearsal["seconds"] < 60


def test_old_cluster_holds_every_kind_of_app(rehearsal):
    """Owners, builds by `deis pull` and by git push (the builder hook), never deployed apps with and without
    config, shared apps, odd values, limits, tags, domains as typed, scaled apps: read back through the API."""
    old, registry = rehearsal["old"], rehearsal["vars"]["deis_old_registry"]
    apps = {app["id"]: app for app in old.apps()}
    assert len(apps) == APPS and set(seeding.FIXED_NAMES) <= set(apps)
    assert {app["owner"] for app in apps.values()} == set(seeding.OWNERS)
    kinds = {}
    for app in apps:
        builds, releases, config = old.builds(app), old.releases(app), old.config(app)
        if not builds:
            kind = "bare-config" if config["values"] else "bare"
            assert [release["build"] for release in releases] == [None] * len(releases)
        elif builds[0]["sha"]:
            # builder/rootfs/etc/confd/templates/builder:46,154: the short sha and the app name as image
            assert len(builds[0]["sha"]) == 8 and builds[0]["image"] == app
            kind = "dockerfile" if builds[0]["dockerfile"] else "git"
        else:
            assert builds[0]["image"].startswith("%s/acme/%s:1." % (registry, app))
            kind = "pull"
        assert kind == rehearsal["plans"][app]["kind"], app
        kinds.setdefault(kind, []).append(app)
    assert set(kinds) == {"git", "pull", "dockerfile", "bare", "bare-config"}
    values = [old.config(app)["values"] for app in apps]
    assert any(set(seeding.ODD_VALUES.items()) & set(found.items()) for found in values)
    assert any(found.get("EMPTY") == "" for found in values) or any("MULTILINE" in found for found in values)
    assert any(old.config(app)["memory"] for app in apps) and any(old.config(app)["tags"] for app in apps)
    domains = [domain for app in apps for domain in old.domains(app)]
    assert any(domain != domain.lower() for domain in domains)
    assert any(max(app["structure"].values() or [0]) > 1 for app in apps.values())
    shared = {app: old.perms(app) for app in apps}
    assert any(users for users in shared.values()) and "dave" in {user for users in shared.values() for user in users}


def test_every_published_release_is_in_the_old_registry(rehearsal):
    """Each release with a build was published by the recorder (v1.12.3 registry/dockerclient.py): `<app>:v<N>`
    is in the old registry, and the image still serves the app's page."""
    old, registry = rehearsal["old"], v1registry.V1Registry(rehearsal["vars"]["deis_old_registry"])
    records = upstream.records(rehearsal["status"]["old_controller"]["data_dir"])
    assert records and {record["outcome"] for record in records} == {"ok"}
    for app in rehearsal["plans"]:
        for release in old.releases(app):
            if release["build"]:
                assert registry.tag(app, "v%d" % release["version"]), (app, release["version"])
    app = next(app for app, plan in rehearsal["plans"].items() if plan["kind"] == "pull")
    latest = old.releases(app)[0]["version"]
    files = {}
    for layer in reversed(registry.ancestry(registry.tag(app, "v%d" % latest))):
        files.update(layer_files(registry.layer(layer)))
    assert b"<h1>%s</h1>" % app.encode() in files["app/index.html"]


def layer_files(layer):
    with tarfile.open(fileobj=io.BytesIO(layer)) as archive:
        return {member.name: archive.extractfile(member).read() for member in archive.getmembers() if member.isfile()}


def test_vars_file_and_clusters(rehearsal):
    """What migrate_apps reads, written 0600; the controllers are the upstream versions behind their proxies; the
    registries speak v1 only; the new cluster knows the operator and the old owners, not dave."""
    settings, status = rehearsal["vars"], rehearsal["status"]
    assert stat.S_IMODE(os.stat(rehearsal["vars_file"]).st_mode) == 0o600
    assert settings["deis_old_controller"] == status["old_controller"]["url"] != status["old_controller"]["backend"]
    assert (settings["deis_old_domain"], settings["deis_new_domain"]) == (migration.OLD_DOMAIN, migration.NEW_DOMAIN)
    assert rehearsal["old"].call("GET", "/v1/").headers["DEIS_PLATFORM_VERSION"] == "1.12.3"
    assert rehearsal["new"].call("GET", "/v1/").headers["DEIS_PLATFORM_VERSION"] == "1.13.4"
    for key in ("deis_old_registry", "deis_new_registry"):
        host, port = settings[key].split(":")
        assert get("http://%s:%s" % (host, port), settings[key], "/v1/_ping")[0] == 200
        assert get("http://%s:%s" % (host, port), settings[key], "/v2/")[0] == 404
    admins = rehearsal["new"].get("/v1/admin/perms/")["results"]
    assert [user["username"] for user in admins] == ["admin"]
    logins = {user: rehearsal["new"].call("POST", "/v1/auth/login/", {"username": user, "password": password}).status
              for user, password in rehearsal["creds"]["new"].items() if user != migration.SQUATTER}
    assert logins == {user: 200 for user in migration.NEW_USERS}
    assert rehearsal["new"].apps() == []


def test_a_second_up_changes_nothing(rehearsal):
    before = container_ids(), migration.status()["router"]["pid"], os.stat(migration.folder("seeded.json")).st_mtime_ns
    assert migration.up(APPS, SANDBOX, publish_delay=0.2) == rehearsal["vars_file"]
    assert (container_ids(), migration.status()["router"]["pid"], os.stat(migration.folder("seeded.json")).st_mtime_ns) == before


def container_ids():
    return [subprocess.run(["docker", "inspect", "--format", "{{.Id}}", migration.container(name)], capture_output=True,
                           text=True, check=True).stdout for name in migration.CONTAINERS]


# the new cluster's router


@pytest.fixture(scope="module")
def deployed(rehearsal):
    """happy-bandit built on the new controller from the old registry's release image, as `deis pull` does."""
    new, app = rehearsal["new"], "happy-bandit"
    version = rehearsal["old"].releases(app)[0]["version"]
    new.call("POST", "/v1/apps/", {"id": app}, expect=201)
    image = "%s/%s:v%d" % (rehearsal["vars"]["deis_old_registry"], app, version)
    new.call("POST", "/v1/apps/%s/builds/" % app, {"image": image, "procfile": seeding.GIT_PROCFILE}, expect=201)
    new.call("POST", "/v1/apps/%s/domains/" % app, {"domain": "Shop.Example.COM"}, expect=201)
    return app


def test_router_answers_a_running_app_under_every_name(rehearsal, deployed):
    """server_name ~^<app>\\.(?<domain>.+)$ takes the new and the old domain; custom domains match without regard to
    case; the app answers with its own page (its image's), nothing sandbox-made."""
    router = rehearsal["vars"]["deis_router_url"]
    hosts = ("%s.%s" % (deployed, migration.NEW_DOMAIN), "%s.%s:80" % (deployed.upper(), migration.OLD_DOMAIN),
             "shop.example.com")
    pages = [get(router, host) for host in hosts]
    assert [page[0] for page in pages] == [200, 200, 200]
    assert pages[0][2] == pages[1][2] == pages[2][2] and b"<h1>%s</h1>" % deployed.encode() in pages[0][2]
    assert pages[0][1]["Server"] == "nginx/1.10.1"


def test_router_answers_like_nginx_for_the_rest(rehearsal, deployed):
    """Unknown host: the default server's 404 and /health-check 200; an app without a web/cmd container: 503."""
    router, new = rehearsal["vars"]["deis_router_url"], rehearsal["new"]
    status, headers, body = get(router, "nobody.example.test")
    assert (status, headers["Content-Type"]) == (404, "text/html")
    assert body.endswith(b"<hr><center>nginx/1.10.1</center>\r\n</body>\r\n</html>\r\n")
    assert get(router, "nobody.example.test", "/health-check")[:3:2] == (200, b"")
    new.call("POST", "/v1/apps/", {"id": "empty-app"}, expect=201)
    assert get(router, "empty-app." + migration.NEW_DOMAIN)[0] == 503
    # publisher.go:18 publishes web and cmd containers only: an app running workers alone is not routed
    new.call("POST", "/v1/apps/%s/scale/" % deployed, {"web": 0, "cmd": 0, "worker": 2}, expect=204)
    try:
        assert get(router, "%s.%s" % (deployed, migration.NEW_DOMAIN))[0] == 503
    finally:
        new.call("POST", "/v1/apps/%s/scale/" % deployed, {"web": 1, "worker": 0}, expect=204)
    assert get(router, "%s.%s" % (deployed, migration.NEW_DOMAIN))[0] == 200


# faults


def test_controller_errors_before_and_after_the_controller(rehearsal):
    """controller-errors new 1: every request 5xx, about half refused by the proxy (no app made) and half after the
    controller made it (the app exists)."""
    new = rehearsal["new"]
    fault("controller-errors", "new", "1")
    try:
        answers = {"flaky-%d" % number: new.call("POST", "/v1/apps/", {"id": "flaky-%d" % number}).status
                   for number in range(16)}
    finally:
        fault("controller-errors", "new", "0")
    assert set(answers.values()) <= {502, 503} and {502, 503} <= set(answers.values())
    made = {app["id"] for app in new.apps()}
    assert {app for app, status in answers.items() if status == 502} <= made
    assert not {app for app, status in answers.items() if status == 503} & made


def test_controller_slow_delays_only_matching_answers(rehearsal):
    new = rehearsal["new"]
    fault("controller-slow", "new", "1.5", "^/v1/apps/?$", "--times", "1")
    try:
        timings = []
        for path in ("/v1/apps/", "/v1/apps/", "/v1/users/"):
            started = time.time()
            assert new.call("GET", path).status == 200
            timings.append(time.time() - started)
    finally:
        fault("controller-errors", "new", "0")
        faultproxy.write_knobs(faultproxy.knobs_path(migration.proxy_dir("new")), {})
    assert timings[0] >= 1.5 > timings[1] and timings[2] < 1.5


def test_registry_stop_start_and_drop(rehearsal):
    """registry-stop: nothing listens; registry-start: it answers with its images; registry-drop: the newest release
    tag is gone and a build of it fails like a real pull (500, the recorder's failed record); clear puts it back."""
    settings, new = rehearsal["vars"], rehearsal["new"]
    host, port = settings["deis_old_registry"].split(":")
    fault("registry-stop")
    with pytest.raises(OSError):
        socket.create_connection((host, int(port)), timeout=2).close()
    fault("registry-start")
    app = "api-v2"
    version = rehearsal["old"].releases(app)[0]["version"]
    assert v1registry.V1Registry(settings["deis_old_registry"]).tag(app, "v%d" % version)
    assert fault("registry-drop", app).strip() == "dropped %s:v%d" % (app, version)
    assert v1registry.V1Registry(settings["deis_old_registry"]).tag(app, "v%d" % version) is None
    new.call("POST", "/v1/apps/", {"id": app}, expect=201)
    image = "%s/%s:v%d" % (settings["deis_old_registry"], app, version)
    assert new.call("POST", "/v1/apps/%s/builds/" % app, {"image": image}).status == 500
    record = upstream.records(rehearsal["status"]["new_controller"]["data_dir"])[-1]
    assert (record["app"], record["source"], record["outcome"]) == (app, image, "failed")
    migration.reset_faults()
    assert v1registry.V1Registry(settings["deis_old_registry"]).tag(app, "v%d" % version)


def test_app_name_taken_and_cleared(rehearsal):
    new = rehearsal["new"]
    fault("app-name-taken", "2048-game")
    assert new.app("2048-game")["owner"] == migration.SQUATTER
    migration.reset_faults()
    assert new.call("GET", "/v1/apps/2048-game/").status == 404


# gates: the old cluster follows the nodes' platform (up --deis)


def set_unit(etcd_client, unit, running):
    value = {"loadState": "loaded", "activeState": "active" if running else "inactive",
             "subState": "running" if running else "dead", "machineState": {"ID": "b51f358a"}, "unitHash": "0" * 40}
    etcd_client.set("/_coreos.com/fleet/state/" + unit, json.dumps(value))


def refuses(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except (ConnectionRefusedError, ConnectionResetError):
        return True


class Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_gated_proxy_follows_the_controller_unit(etcd, etcd_client, tmp_path):
    """Open before the unit ever ran; closed while it is stopped or gone; open again while it runs."""
    port = free_port_block(2)
    with serving(ThreadingHTTPServer(("127.0.0.1", port + 1), Hello)):
        faultproxy.start(port, port + 1, str(tmp_path), gate_etcd=etcd, gate_units=migration.CONTROLLER_UNITS)
        try:
            wait_until(lambda: not refuses(port), 10, 0.1, what="the gated proxy to listen")
            set_unit(etcd_client, "deis-router@1.service", False)  # other units do not count
            set_unit(etcd_client, "deis-controller.service", True)
            time.sleep(1.2)
            assert not refuses(port)
            set_unit(etcd_client, "deis-controller.service", False)
            wait_until(lambda: refuses(port), 10, 0.1, what="the port to close with the unit stopped")
            set_unit(etcd_client, "deis-controller.service", True)
            wait_until(lambda: not refuses(port), 10, 0.1, what="the port to open with the unit running")
            etcd_client.delete("/_coreos.com/fleet/state/deis-controller.service")
            wait_until(lambda: refuses(port), 10, 0.1, what="the port to close with the unit gone")
        finally:
            faultproxy.stop(str(tmp_path))


def test_unreachable_etcd_leaves_the_gate_as_it_was(etcd, etcd_client):
    silent = faultproxy.PlatformGate("http://127.0.0.1:%d" % free_port_block(1), migration.CONTROLLER_UNITS)
    assert silent.is_open() and not silent.seen_running
    set_unit(etcd_client, "deis-controller.service", False)
    gate = faultproxy.PlatformGate(etcd, migration.CONTROLLER_UNITS)
    gate.seen_running = True
    assert not gate.is_open()
    gate.url = silent.url
    assert not gate.is_open()


def test_old_registry_stops_and_starts_with_the_registry_units(rehearsal, etcd, etcd_client):
    settings = rehearsal["vars"]
    port = int(settings["deis_old_registry"].split(":")[1])
    gate = subprocess.Popen([sys.executable, SANDBOX, "_registry-gate", "--etcd", etcd], env=dict(os.environ, **rehearsal["env"]),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        set_unit(etcd_client, "deis-registry@1.service", True)
        time.sleep(1.2)
        assert upstream.running(migration.container("registry"))
        set_unit(etcd_client, "deis-registry@1.service", False)
        wait_until(lambda: not upstream.running(migration.container("registry")), 20, 0.2, what="the registry to stop")
        assert refuses(port)
        set_unit(etcd_client, "deis-registry@1.service", True)
        wait_until(lambda: not refuses(port), 60, 0.2, what="the registry to start")
        assert get("http://" + settings["deis_old_registry"], settings["deis_old_registry"], "/v1/_ping")[0] == 200
    finally:
        gate.terminate()
        gate.wait(10)
        migration.restart_registry()


# the other versions


def test_old_v1_7_3_and_new_v1_12_3(tmp_path, monkeypatch):
    """up --old-deis v1.7.3 --new-deis v1.12.3: the v1.7.3 controller seeds the same kinds of apps (its publish goes
    through its registry's import, registry/private.py) and every release with a build is in its registry."""
    monkeypatch.setenv("DEIS_SANDBOX_STATE", str(tmp_path))
    monkeypatch.setenv("DEIS_SANDBOX_MIGRATION_PORT", str(free_port_block(MIGRATION_PORT_COUNT)))
    monkeypatch.setenv("DEIS_SANDBOX_CONTAINER_PREFIX", "deis-rehearsal-v173-test-")
    try:
        settings = migration.read_vars(migration.up(8, SANDBOX, old_version="v1.7.3", new_version="v1.12.3"))
        creds = migration.credentials()
        old = deisapi.Controller(settings["deis_old_controller"]).login("admin", creds["old"]["admin"])
        new = deisapi.Controller(settings["deis_new_controller"]).login("admin", creds["new"]["admin"])
        assert old.call("GET", "/v1/").headers["DEIS_PLATFORM_VERSION"] == "1.7.3"
        assert new.call("GET", "/v1/").headers["DEIS_PLATFORM_VERSION"] == "1.12.3"
        registry = v1registry.V1Registry(settings["deis_old_registry"])
        apps = old.apps()
        assert len(apps) == 8
        published = [(app["id"], release["version"]) for app in apps for release in old.releases(app["id"]) if release["build"]]
        assert published and all(registry.tag(app, "v%d" % version) for app, version in published)
        assert get(settings["deis_router_url"], "nobody.example.test")[2].endswith(b"nginx/1.9.6</center>\r\n</body>\r\n</html>\r\n")
    finally:
        migration.down()
