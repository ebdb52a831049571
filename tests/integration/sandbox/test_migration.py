"""The rest of the migration rehearsal: the real registry with its seeded tags (docker), builds that
pull from it, the new cluster's router, BIND with a TSIG-signed nsupdate, and `migration.up`."""
import json
import os
import subprocess
import sys

import pytest
from apihelpers import SANDBOX, Api, free_port_block, request, serving
from simhelpers import free_port

from deis_sandbox import controller, dns, migration, registry, router


@pytest.fixture(scope="module")
def docker_engine():
    if subprocess.run(["docker", "info"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False).returncode != 0:
        pytest.fail("the docker engine does not answer: tests/run starts dockerd")


@pytest.fixture(scope="module")
def registry_endpoint(docker_engine, tmp_path_factory):
    """A real docker-registry with the app image pushed by the docker engine and web-app:v2..v3 tagged."""
    folder, port = str(tmp_path_factory.mktemp("registry")), free_port()
    endpoint = "127.0.0.1:%d" % port
    registry.start(folder, port)
    try:
        registry.push_base(endpoint, registry.app_image())
        registry.seed_tags(endpoint, [("web-app", "v%d" % n, ["DEIS_APP=web-app", "DEIS_RELEASE=v%d" % n], "2016-03-01T09:00:00Z")
                                      for n in (2, 3)])
        yield folder, port, endpoint
    finally:
        registry.stop(folder)


def test_release_tags_resolve_and_have_their_own_digests(registry_endpoint):
    endpoint = registry_endpoint[2]
    statuses = [registry.manifest(endpoint, "web-app", tag)[0] for tag in ("v2", "v3", "v4")]
    assert statuses == [200, 200, 404]
    digests = {registry.manifest(endpoint, "web-app", tag)[1]["config"]["digest"] for tag in ("v2", "v3")}
    assert len(digests) == 2
    catalog = request("http://%s/v2/_catalog" % endpoint).data["repositories"]
    assert "web-app" in catalog and registry.BASE_REPOSITORY in catalog


def test_builds_pull_from_the_registry_and_fail_like_the_controller(registry_endpoint, tmp_path):
    folder, port, endpoint = registry_endpoint
    with serving(controller.make_server(free_port(), str(tmp_path), migration.NEW_DOMAIN)) as base:
        admin = Api(base).user("admin")
        admin.post("/v1/apps", {"id": "web-app"})
        built = admin.post("/v1/apps/web-app/builds/", {"image": endpoint + "/web-app:v3", "procfile": {"web": "httpd"}})
        assert built.status == 201
        assert (built.headers["Deis-Release"], built.headers["X-Deis-Release"]) == ("2", "2")
        assert admin.get("/v1/apps/web-app").data["structure"] == {"cmd": 1}
        again = admin.post("/v1/apps/web-app/builds/", {"image": endpoint + "/web-app:v3"})
        assert (again.status, again.headers["Deis-Release"]) == (201, "3")
        assert admin.get("/v1/apps/web-app/releases/v3").data["summary"] == "admin deployed %s/web-app:v3" % endpoint
        missing = admin.post("/v1/apps/web-app/builds/", {"image": endpoint + "/web-app:v9"})
        assert (missing.status, missing.text) == (500, "<h1>Server Error (500)</h1>")
        registry.stop(folder)
        try:
            unreachable = admin.post("/v1/apps/web-app/builds/", {"image": endpoint + "/web-app:v3"})
            assert (unreachable.status, unreachable.text) == (500, "<h1>Server Error (500)</h1>")
            # A config change republishes the image build: it needs the registry too.
            assert admin.post("/v1/apps/web-app/config", {"values": {"A": "1"}}).status == 500
        finally:
            registry.start(folder, port)
        assert admin.get("/v1/apps/web-app/releases").data["count"] == 3
        assert admin.post("/v1/apps/web-app/config", {"values": {"A": "1"}}).headers["Deis-Release"] == "4"


def test_router_routes_by_host_to_the_apps_current_release(tmp_path):
    with serving(controller.make_server(free_port(), str(tmp_path), migration.NEW_DOMAIN)) as base:
        admin = Api(base).user("admin")
        admin.post("/v1/apps", {"id": "happy-bandit"})
        admin.post("/v1/apps/happy-bandit/domains", {"domain": "www.shop.example.test"})
        state_file = str(tmp_path / controller.STATE_FILE)
        with serving(router.RouterServer(free_port(), state_file, migration.NEW_DOMAIN)) as router_url:
            def get(host):
                return request(router_url + "/", headers={"Host": host})
            routed = get("happy-bandit." + migration.NEW_DOMAIN)
            assert (routed.status, routed.text) == (200, "app=happy-bandit release=v1\n")
            assert get("WWW.Shop.example.test:80").text == "app=happy-bandit release=v1\n"
            assert get("happy-bandit." + migration.OLD_DOMAIN).status == 404
            assert get("nobody." + migration.NEW_DOMAIN).status == 404
            admin.post("/v1/apps/happy-bandit/config", {"values": {"A": "b"}})
            assert get("happy-bandit." + migration.NEW_DOMAIN).text == "app=happy-bandit release=v2\n"


def test_nsupdate_adds_a_cname_that_bind_answers(tmp_path):
    port, zone = free_port(), migration.OLD_DOMAIN
    folder = str(tmp_path)
    dns.start(folder, port, zone, migration.DNS_KEY_NAME)
    try:
        script = ("server 127.0.0.1 %d\nzone %s\nupdate add happy-bandit.%s. 60 CNAME happy-bandit.%s.\nsend\n"
                  % (port, zone, zone, migration.NEW_DOMAIN))
        update = subprocess.run(["nsupdate", "-k", dns.key_path(folder)], input=script, text=True, capture_output=True, check=False)
        assert update.returncode == 0, update.stderr
        answer = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+short", "happy-bandit." + zone, "CNAME"],
                                text=True, capture_output=True, check=False)
        assert answer.stdout == "happy-bandit.%s.\n" % migration.NEW_DOMAIN
        unsigned = subprocess.run(["nsupdate"], input=script.replace("happy-bandit", "rogue"), text=True, capture_output=True, check=False)
        assert unsigned.returncode != 0 and "REFUSED" in unsigned.stdout + unsigned.stderr
    finally:
        dns.stop(folder)


def test_migration_up_seeds_the_old_cluster_and_is_idempotent(monkeypatch, tmp_path, docker_engine):
    monkeypatch.setenv("DEIS_SANDBOX_STATE", str(tmp_path))
    monkeypatch.setenv("DEIS_SANDBOX_MIGRATION_PORT", str(free_port_block(5)))
    try:
        vars_file = migration.up(8, SANDBOX)
        settings = read_vars(vars_file)
        old = Api(settings["deis_old_controller"]).login(settings["deis_old_username"], settings["deis_old_password"])
        apps = old.get("/v1/apps").data["results"]
        assert len(apps) == 8 and apps[0]["id"] == "happy-bandit" and apps[0]["url"] == "happy-bandit.oldcluster.sandbox.test"
        assert {"admin", "alice", "bob", "carol"} <= {app["owner"] for app in apps}
        assert any(app["structure"].get("web", 0) > 1 or app["structure"].get("cmd", 0) > 1 for app in apps)
        odd = set(migration.ODD_VALUES.values())
        found_odd = found_limits = found_domains = 0
        for app in apps:
            releases = old.get("/v1/apps/%s/releases" % app["id"]).data
            assert 2 <= releases["count"] <= 4
            latest = releases["results"][0]
            if latest["build"]:
                tagged = registry.manifest(settings["deis_old_registry"], app["id"], "v%d" % latest["version"])[0]
                assert tagged == 200
            config = old.get("/v1/apps/%s/config" % app["id"]).data
            found_odd += bool(odd & set(config["values"].values()))
            found_limits += bool(config["memory"])
            found_domains += old.get("/v1/apps/%s/domains" % app["id"]).data["count"]
        assert found_odd and found_limits and found_domains
        new = Api(settings["deis_new_controller"]).login(settings["deis_new_username"], settings["deis_new_password"])
        assert new.get("/v1/apps").data["count"] == 0
        assert new.get("/v1/").headers["DEIS_PLATFORM_VERSION"] == "1.13.4"
        assert old.get("/v1/").headers["DEIS_PLATFORM_VERSION"] == "1.12.3"
        assert request(settings["deis_router_url"], headers={"Host": "happy-bandit." + settings["deis_new_domain"]}).status == 404
        assert settings["deis_dns_key_algorithm"] == "hmac-sha256" and settings["deis_dns_zone"] == migration.OLD_DOMAIN
        state_file = os.path.join(migration.controller_dir("old"), controller.STATE_FILE)
        before = os.stat(state_file).st_mtime_ns, status_pids()
        assert migration.up(8, SANDBOX) == vars_file
        assert (os.stat(state_file).st_mtime_ns, status_pids()) == before
        migration.take_app_name("happy-bandit")
        taken = new.get("/v1/apps/happy-bandit").data
        assert taken["owner"] == migration.SQUATTER
        assert new.post("/v1/apps", {"id": "happy-bandit"}).data == {"id": ["This field must be unique."]}
        migration.set_error_fraction("new", 1)
        assert new.get("/v1/apps").status in (500, 503)
        migration.set_error_fraction("new", 0)
        assert new.get("/v1/apps").status == 200
        assert migration.down() == 5
    finally:
        migration.down()


def read_vars(path):
    """The vars file: `name: JSON value` lines (YAML too)."""
    with open(path, encoding="utf-8") as handle:
        return {name: json.loads(value) for name, value in (line.split(": ", 1) for line in handle if not line.startswith("#"))}


def status_pids():
    current = migration.status()
    return [current[name]["pid"] for name in ("old_controller", "new_controller", "registry", "router", "dns")]


@pytest.mark.parametrize("argv", [["up", "--apps", "-1"], ["up", "--apps", "many"], ["fault", "controller-errors", "old", "1.5"],
                                  ["fault", "controller-errors", "both", "0.5"], ["fault", "app-name-taken", "Not_An_App"]])
def test_bad_options_give_one_line_and_exit_2(argv):
    result = subprocess.run([sys.executable, SANDBOX] + argv, capture_output=True, text=True, check=False)
    assert result.returncode == 2 and result.stderr.startswith("sandbox: error: ") and result.stderr.count("\n") == 1
