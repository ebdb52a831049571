# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller client's transport: retries of reads only, writes sent once, the token kept on the controller's host,
timeouts, TLS options, plain-http warnings and pagination. The sending function (Request.open) is scripted."""

from __future__ import annotations

import socket
import urllib.error

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_client as client_module
from ansible_collections.deis.platform.tests.unit.plugins.deis_exchanges import (
    BASE, SERVER_ERROR, Exchange, Reply, Script, app, page, path_of, user)

TOKEN = "t0ken-5ecret"
NO_ANSWER = {
    "timeout": socket.timeout("timed out"),
    "refused": urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")),
    "reset": ConnectionResetError(104, "Connection reset by peer"),
    "500": Reply(500, SERVER_ERROR),
    "502": Reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "503": Reply(503, b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"),
}


def client(url=BASE, token=TOKEN, sleeps=None, **kwargs):
    return client_module.DeisClient(url, token, sleep=(sleeps.append if sleeps is not None else lambda seconds: None), **kwargs)


@pytest.mark.parametrize("failure", sorted(NO_ANSWER))
def test_reads_are_retried_with_backoff(monkeypatch, failure):
    script = Script([Exchange("GET", path_of("web"), NO_ANSWER[failure]), Exchange("GET", path_of("web"), NO_ANSWER[failure]),
                     Exchange("GET", path_of("web"), Reply(200, app("web")))]).install(monkeypatch)
    sleeps = []
    assert client(sleeps=sleeps).app("web")["id"] == "web"
    assert sleeps == [0.5, 1.0]
    script.done()


def test_reads_give_up_after_the_retries_with_the_status_and_message(monkeypatch):
    Script([Exchange("GET", "/v1/apps/?page_size=100", NO_ANSWER["500"])] * 3).install(monkeypatch)
    with pytest.raises(client_module.DeisApiError) as caught:
        client(retries=2).apps()
    assert caught.value.status == 500 and "Server Error (500)" in str(caught.value) and not caught.value.uncertain


WRITES = {
    "create app": (lambda c: c.create_app("web"), "POST", "/v1/apps/"),
    "build": (lambda c: c.create_build("web", "reg:5000/web:v3"), "POST", path_of("web", "builds/")),
    "config": (lambda c: c.set_config("web", {"values": {"A": "1"}}), "POST", path_of("web", "config/")),
    "scale": (lambda c: c.scale("web", {"cmd": 2}), "POST", path_of("web", "scale/")),
    "domain": (lambda c: c.add_domain("web", "www.example.test"), "POST", path_of("web", "domains/")),
    "remove domain": (lambda c: c.remove_domain("web", "www.example.test"), "DELETE", path_of("web", "domains/www.example.test")),
    "share": (lambda c: c.share("web", "alice"), "POST", path_of("web", "perms/")),
    "transfer": (lambda c: c.transfer_app("web", "alice"), "POST", path_of("web")),
    "delete app": (lambda c: c.delete_app("web"), "DELETE", path_of("web")),
}


@pytest.mark.parametrize("failure", sorted(NO_ANSWER))
@pytest.mark.parametrize("write", sorted(WRITES))
def test_writes_are_sent_once_and_an_unanswered_one_is_uncertain(monkeypatch, write, failure):
    call, method, path = WRITES[write]
    script = Script([Exchange(method, path, NO_ANSWER[failure])]).install(monkeypatch)
    sleeps = []
    with pytest.raises(client_module.DeisApiError) as caught:
        call(client(sleeps=sleeps))
    assert caught.value.uncertain and sleeps == [] and len(script.calls) == 1
    script.done()


def test_a_refused_write_is_certain(monkeypatch):
    Script([Exchange("POST", "/v1/apps/", Reply(400, {"id": ["App with this id already exists."]}))]).install(monkeypatch)
    with pytest.raises(client_module.DeisApiError) as caught:
        client().create_app("web")
    assert caught.value.status == 400 and not caught.value.uncertain
    assert str(caught.value) == "POST %s/v1/apps/ answered 400: id: App with this id already exists." % BASE


def test_login_is_repeatable(monkeypatch):
    # auth/login/ answers the user's existing token (DRF 3.0.5 rest_framework/authtoken/views.py:19 get_or_create).
    script = Script([Exchange("POST", "/v1/auth/login/", NO_ANSWER["503"]),
                     Exchange("POST", "/v1/auth/login/", Reply(200, {"token": TOKEN}), body={"username": "admin", "password": "pw"})])
    script.install(monkeypatch)
    assert client(token=None).login("admin", "pw") == TOKEN
    assert "Authorization" not in script.calls[0].headers
    script.done()


def test_a_redirect_to_another_host_never_carries_the_token(monkeypatch):
    script = Script([Exchange("GET", "/v1/apps/?page_size=100", Reply(302, b"", headers={"Location": "http://collector.example/v1/apps/"}))])
    script.install(monkeypatch)
    with pytest.raises(client_module.DeisApiError) as caught:
        client().apps()
    assert "another host: not followed" in str(caught.value)
    assert [call.url for call in script.calls] == [BASE + "/v1/apps/?page_size=100"]
    # urllib itself follows nothing and would keep Authorization off a redirect anyway.
    opener = script.calls[0].opener
    assert opener.follow_redirects == "none" and opener.unredirected_headers == ["Authorization"]
    assert script.calls[0].headers["Authorization"] == "token " + TOKEN


@pytest.mark.parametrize("location, followed", [
    ("/v1/apps/web/", True),
    ("http://deis.new.test/v1/apps/web/", True),
    ("https://deis.new.test/v1/apps/web/", True),
    ("http://deis.new.test:8080/v1/apps/web/", False),
    ("http://other.test/v1/apps/web/", False),
])
def test_redirects_are_followed_only_on_the_controllers_host(monkeypatch, location, followed):
    target = location if "://" in location else BASE + location
    exchanges = [Exchange("GET", path_of("web"), Reply(301, b"", headers={"Location": location}))]
    if followed:
        exchanges.append(Exchange("GET", target, Reply(200, app("web"))))
    script = Script(exchanges).install(monkeypatch)
    if followed:
        assert client().app("web")["id"] == "web"
        assert script.calls[1].headers["Authorization"] == "token " + TOKEN
    else:
        with pytest.raises(client_module.DeisApiError):
            client().app("web")
    script.done()


def test_https_never_redirects_down_to_http(monkeypatch):
    https = "https://deis.new.test"
    Script([Exchange("GET", path_of("web"), Reply(302, b"", headers={"Location": BASE + path_of("web")}), base=https)]).install(monkeypatch)
    with pytest.raises(client_module.DeisApiError):
        client(url=https).app("web")


def test_a_redirected_write_is_not_sent_again_as_another_method(monkeypatch):
    script = Script([Exchange("POST", "/v1/apps/", Reply(302, b"", headers={"Location": "/v1/apps/web/"}))]).install(monkeypatch)
    with pytest.raises(client_module.DeisApiError) as caught:
        client().create_app("web")
    assert "not re-sent" in str(caught.value) and len(script.calls) == 1


@pytest.mark.parametrize("call, method, path, long", [
    (lambda c: c.create_build("web", "reg:5000/web:v3"), "POST", path_of("web", "builds/"), True),
    (lambda c: c.set_config("web", {"values": {"A": "1"}}), "POST", path_of("web", "config/"), True),
    (lambda c: c.scale("web", {"cmd": 1}), "POST", path_of("web", "scale/"), True),
    (lambda c: c.create_app("web"), "POST", "/v1/apps/", False),
    (lambda c: c.add_domain("web", "a.test"), "POST", path_of("web", "domains/"), False),
    (lambda c: c.app("web"), "GET", path_of("web"), False),
])
def test_builds_config_and_scale_wait_long(monkeypatch, call, method, path, long):
    script = Script([Exchange(method, path, Reply(201 if method == "POST" else 200, {}, headers={"Deis-Release": "4"}))]).install(monkeypatch)
    call(client(timeout=30, long_timeout=1200))
    assert script.calls[0].timeout == (1200 if long else 30)


def test_the_default_long_timeout_is_upstreams_gunicorn_timeout():
    # v1.12.3 controller/templates/gconf.py:12 `timeout = 1200`
    assert client().long_timeout == 1200 and client().timeout == 30


def test_tls_options_reach_the_context_and_the_opener(monkeypatch):
    made = []
    monkeypatch.setattr(client_module, "make_context", lambda **kwargs: made.append(kwargs) or "context")
    deis = client(url="https://deis.new.test", ca_path="/etc/ca.pem", client_cert="/etc/me.pem", client_key="/etc/me.key",
                  validate_certs=True, use_proxy=False)
    assert made == [{"cafile": "/etc/ca.pem", "validate_certs": True, "client_cert": "/etc/me.pem", "client_key": "/etc/me.key"}]
    assert deis.opener.context == "context" and deis.opener.use_proxy is False and deis.opener.use_netrc is False


@pytest.mark.parametrize("url, warned", [("http://deis.new.test", True), ("https://deis.new.test", False)])
def test_credentials_over_plain_http_are_warned_about(monkeypatch, url, warned):
    Script([Exchange("POST", "/v1/auth/login/", Reply(200, {"token": TOKEN}), base=url),
            Exchange("GET", path_of("web"), Reply(200, app("web")), base=url)]).install(monkeypatch)
    deis = client(url=url, token=None)
    deis.login("admin", "pw")
    deis.app("web")
    assert bool(deis.warnings) == warned
    if warned:
        assert deis.warnings == ["the password of admin goes to http://deis.new.test over plain http: use https (and ca_path for a private CA)",
                                 "the API token goes to http://deis.new.test over plain http: use https (and ca_path for a private CA)"]


def test_pagination_follows_next_on_the_configured_host(monkeypatch):
    first = page([app("app-%03d" % number) for number in range(100)], next_url="http://10.0.0.9:8000/v1/apps/?page=2&page_size=100")
    second = page([app("app-%03d" % number) for number in range(100, 130)])
    script = Script([Exchange("GET", "/v1/apps/?page_size=100", Reply(200, first)),
                     Exchange("GET", "/v1/apps/?page=2&page_size=100", Reply(200, second))]).install(monkeypatch)
    assert len(client().apps()) == 130
    script.done()


def test_app_ids_are_checked_before_any_request(monkeypatch):
    script = Script([]).install(monkeypatch)
    for bad in ("../etc", "Upper", "a b", ""):
        with pytest.raises(ValueError):
            client().app(bad)
    assert script.calls == []


def test_users_is_none_for_a_non_admin(monkeypatch):
    Script([Exchange("GET", "/v1/users/?page_size=100", Reply(403, {"detail": "You do not have permission to perform this action."}))]).install(monkeypatch)
    assert client().users() is None


def test_users_of_an_admin(monkeypatch):
    Script([Exchange("GET", "/v1/users/?page_size=100", Reply(200, page([user("admin", superuser=True), user("alice")])))]).install(monkeypatch)
    assert [item["username"] for item in client().users()] == ["admin", "alice"]


def test_versions_come_from_any_answer(monkeypatch):
    Script([Exchange("GET", path_of("web"), Reply(200, app("web"), platform="1.13.4"))]).install(monkeypatch)
    deis = client()
    deis.app("web")
    assert deis.versions == {"api_version": "1.7", "platform_version": "1.13.4"}


@pytest.mark.parametrize("body, content_type, expected", [
    (b'{"detail": "Not found."}', "application/json", "Not found."),
    (b'{"id": ["This field must be unique."]}', "application/json", "id: This field must be unique."),
    (b'{"non_field_errors": ["bad"], "domain": ["x"]}', "application/json", "domain: x; bad"),
    (b'{"error": "Config changes already in progress."}', "application/json", "Config changes already in progress."),
    (SERVER_ERROR, "text/html", "Server Error (500)"),
    (b"", "text/html", "(empty answer)"),
])
def test_error_messages(body, content_type, expected):
    assert client_module.error_message(body, content_type) == expected


@pytest.mark.parametrize("reply, expected", [(Reply(200, {"name": "web", "tags": ["v3"]}), True), (Reply(404, {"error": "Tag not found"}), False)])
def test_registry_tags(monkeypatch, reply, expected):
    # docker-registry deis-v1-lts docker_registry/tags.py:105-121
    Script([Exchange("GET", "/v1/repositories/web/tags/v3", reply, base="http://10.1.2.3:5000")]).install(monkeypatch)
    assert client_module.RegistryV1("10.1.2.3:5000").has_tag("web", "v3") is expected


def test_registry_without_an_answer(monkeypatch):
    Script([Exchange("GET", "/v1/repositories/web/tags/v3", NO_ANSWER["refused"], base="http://10.1.2.3:5000")]).install(monkeypatch)
    with pytest.raises(client_module.DeisApiError) as caught:
        client_module.RegistryV1("10.1.2.3:5000").has_tag("web", "v3")
    assert "no answer from the registry" in str(caught.value)
