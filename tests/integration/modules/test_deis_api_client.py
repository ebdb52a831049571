# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller client against the sandbox controller (in-process, on a free port)."""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_api as api

SANDBOX_LIB = os.path.join(os.path.dirname(__file__), "..", "..", "sandbox", "lib")
sys.path.insert(0, os.path.abspath(SANDBOX_LIB))
from deis_sandbox import controller  # noqa: E402  pylint: disable=wrong-import-position


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Serving:
    """An http.server in a thread."""

    def __init__(self, server):
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        self.url = "http://127.0.0.1:%d" % server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


class RegistryHandler(BaseHTTPRequestHandler):
    """Answers every manifest request with 200, like a registry holding every tag."""

    def do_GET(self):  # noqa: N802
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", controller.MANIFEST_V2)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return


@pytest.fixture(name="registry")
def registry_fixture():
    serving = Serving(ThreadingHTTPServer(("127.0.0.1", free_port()), RegistryHandler))
    yield serving.url.split("//")[1]
    serving.close()


def start_controller(tmp_path, name, version="1.13.4", **knobs):
    server = controller.make_server(free_port(), str(tmp_path / name), name + ".test", version, **knobs)
    return Serving(server)


@pytest.fixture(name="new")
def new_fixture(tmp_path):
    serving = start_controller(tmp_path, "new")
    yield serving
    serving.close()


def admin_client(url, username="admin", password="pw-admin"):
    client = api.DeisClient(url, retry_delay=0.01)
    client.register(username, password, username + "@example.test")
    client.login(username, password)
    return client


def test_probe_identifies_a_controller_and_reads_version_headers(new):
    client = api.DeisClient(new.url)
    versions = client.probe()
    assert (versions["status"], versions["api_version"], versions["platform_version"]) == (401, "1.7", "1.13.4")


def test_older_x_deis_headers_are_read(tmp_path):
    serving = start_controller(tmp_path, "old", "1.5.0")
    try:
        versions = api.DeisClient(serving.url).probe()
        assert (versions["api_version"], versions["platform_version"]) == ("1.2", "1.5.0")
    finally:
        serving.close()


def test_probe_of_something_else_says_so(registry):
    with pytest.raises(api.DeisApiError) as caught:
        api.DeisClient("http://" + registry, retries=0).probe()
    assert "does not appear to be a valid Deis controller" in str(caught.value)


def test_wrong_password_is_a_clear_error(new):
    admin_client(new.url)
    with pytest.raises(api.DeisApiError) as caught:
        api.DeisClient(new.url).login("admin", "wrong")
    assert caught.value.status == 400
    assert "check the username and password" in str(caught.value) and "wrong" not in str(caught.value)


def test_pagination_is_followed_past_100_apps(new):
    client = admin_client(new.url)
    for number in range(130):
        client.create_app("app-%03d" % number)
    apps = client.apps()
    assert len(apps) == 130 and len({app["id"] for app in apps}) == 130


def test_retries_injected_5xx_then_gives_the_status_and_message(tmp_path):
    serving = start_controller(tmp_path, "faulty", error_fraction=0.5, seed=3)
    try:
        client = api.DeisClient(serving.url, retries=12, retry_delay=0.001)
        client.register("admin", "pw", "a@example.test")
        client.login("admin", "pw")
        for number in range(20):
            client.create_app("app-%d" % number)
        assert len(client.apps()) == 20
        controller.write_control(str(tmp_path / "faulty"), error_fraction=1.0)
        sleeps = []
        client = api.DeisClient(serving.url, client.token, retries=3, retry_delay=0.5, sleep=sleeps.append)
        with pytest.raises(api.DeisApiError) as caught:
            client.apps()
        assert caught.value.status in (500, 503) and sleeps == [0.5, 1.0, 2.0]
        assert "Server Error (500)" in str(caught.value) or "503 Service Temporarily Unavailable" in str(caught.value)
    finally:
        serving.close()


def test_failed_build_answers_500_with_the_page(new):
    client = admin_client(new.url)
    client.retries = 0
    client.create_app("web")
    with pytest.raises(api.DeisApiError) as caught:
        client.create_build("web", "127.0.0.1:%d/web:v1" % free_port())
    assert caught.value.status == 500 and "Server Error (500)" in caught.value.message


def test_session_file_is_written_0600_and_read_back(tmp_path, new, monkeypatch):
    client = admin_client(new.url)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DEIS_PROFILE", "ops")
    path = api.session_path()
    assert path == str(tmp_path / ".deis" / "ops.json")
    assert api.write_session(path, api.session_content(new.url, "admin", client.token, True)) is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert api.write_session(path, api.session_content(new.url, "admin", client.token, True)) is False
    assert json.load(open(path, encoding="utf-8"))["token"] == client.token
    reused = api.client_from_options()
    assert reused.url == new.url and reused.apps() == []


def test_config_with_odd_values_round_trips(new, registry):
    client = admin_client(new.url)
    client.create_app("odd")
    client.create_build("odd", registry + "/odd:v2", {"web": "run web"})
    values = {"Q": 'He said "hi"', "NL": "a\nb", "U": "Gr\u00fc\u00dfe \u2603 \U0001f680", "EMPTY": ""}
    change = api.config_change(client.config("odd"), {"values": values, "memory": {"web": "512M"}, "cpu": {"web": 512}, "tags": {"tier": "x"}})
    client.set_config("odd", change)
    config = client.config("odd")
    assert config["values"] == values and config["cpu"] == {"web": 512} and config["tags"] == {"tier": "x"}
    assert api.config_change(config, {"values": values, "cpu": {"web": "512"}}) == {}
    client.set_config("odd", api.config_change(config, {"values": {"NL": None}}))
    assert "NL" not in client.config("odd")["values"]


def test_migrate_apps_copies_everything_and_a_rerun_is_already_done(tmp_path, new, registry):
    old_serving = start_controller(tmp_path, "old", "1.12.3")
    try:
        old = admin_client(old_serving.url)
        for name in ("one", "two"):
            old.create_app(name)
        taken = admin_client(new.url, "someone", "pw-x")
        mine = api.DeisClient(new.url, retry_delay=0.01)
        mine.register("admin2", "pw", "b@example.test")
        mine.login("admin2", "pw")
        taken.create_app("two")
        for name in ("one", "two"):
            old.create_build(name, registry + "/%s:v2" % name, {"web": "w", "worker": "k"})
            old.set_config(name, {"values": {"MULTI": "x\ny"}, "tags": {"tier": "a"}})
            old.add_domain(name, "www.%s.example.test" % name)
            old.scale(name, {"web": 2, "worker": 1})
        results = api.migrate_apps(old, mine, ["one", "two"], registry, "old.test", "admin2", concurrency=2)
        by_app = {item["app"]: item for item in results}
        assert by_app["one"]["status"] == "migrated", by_app["one"]
        assert by_app["two"]["status"] == "skipped" and "name taken by another user" in by_app["two"]["reason"]
        info = api.read_app(mine, "one")
        assert info["image"] == registry + "/one:v3" and info["config"]["values"] == {"MULTI": "x\ny"}
        assert info["domains"] == ["one.old.test", "www.one.example.test"] and api.running(info["structure"]) == api.running(old.app("one")["structure"])
        again = api.migrate_apps(old, mine, ["one", "two"], registry, "old.test", "admin2")
        assert [item["status"] for item in again] == ["already_done", "skipped"]
    finally:
        old_serving.close()
