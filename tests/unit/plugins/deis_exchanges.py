# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A scripted Deis controller for unit tests: it replaces ansible.module_utils.urls.Request.open (the function that sends
every request of the collection's controller client) and answers each request from a list of expected exchanges, in order.

Each exchange names the method and path it expects (and the JSON body, when given) and the answer: a status with a body
shaped like upstream's serializers (see the builders below), or an exception to raise (a timeout, a refused connection).
A request that is not the next expected one fails the test, so a test also proves what was NOT sent (a second POST).

Body shapes, from deis/deis v1.12.3 controller/api/serializers.py: AppSerializer fields uuid, id, owner, url, structure,
created, updated (:137-149); BuildSerializer owner, app, image, sha, procfile, dockerfile, created, updated, uuid (:152-166);
ReleaseSerializer and ConfigSerializer every model field (:169-183, :233-243; the model fields in controller/api/models.py:786-797,
832-845); ContainerSerializer owner, app, release ("v<N>"), type, num, state, created, updated, uuid (:246-261); DomainSerializer
uuid, owner, created, updated, app, domain (:277-288); UserSerializer (:97-105, password write-only). Lists are DRF 3.0 pages
{count, next, previous, results}; perms/ answers {"users": [...]} (controller/api/views.py:428-433); every answer carries
DEIS_API_VERSION and DEIS_PLATFORM_VERSION (controller/api/middleware.py). Error pages: DRF {"detail": ...}; Django's 500
page with DEBUG off is ``<h1>Server Error (500)</h1>``.
"""

from __future__ import annotations

import http.client
import io
import json
import urllib.error
import urllib.parse

from ansible.module_utils import urls

BASE = "http://deis.new.test"
OLD = "http://deis.old.test"
CREATED = "2026-01-02T03:04:05UTC"
SERVER_ERROR = b"<h1>Server Error (500)</h1>"


class Reply:
    """An answer: STATUS, a JSON BODY (or bytes), extra HEADERS."""

    def __init__(self, status, body=None, headers=None, platform="1.12.3", api="1.7"):
        self.status, self.body, self.headers = status, body, dict(headers or {})
        if platform:
            self.headers.setdefault("DEIS_PLATFORM_VERSION", platform)
        if api:
            self.headers.setdefault("DEIS_API_VERSION", api)

    def raw(self):
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body).encode("utf-8")

    def content_type(self):
        if isinstance(self.body, bytes):
            return "text/html; charset=utf-8"
        return "application/json"


class Exchange:
    """One expected request and its answer (a Reply or an exception instance)."""

    def __init__(self, method, path, reply, body=None, base=BASE):
        self.method, self.url, self.reply, self.body = method, path if "://" in path else base + path, reply, body


class Call:
    """What was sent."""

    def __init__(self, opener, method, url, data, headers, timeout):
        self.opener, self.method, self.url, self.headers, self.timeout = opener, method, url, dict(headers or {}), timeout
        self.body = json.loads(data.decode("utf-8")) if data else None


class FakeResponse(io.BytesIO):
    def __init__(self, status, headers, raw):
        super().__init__(raw)
        self.status, self.headers = status, headers


def message(reply):
    headers = http.client.HTTPMessage()
    headers["Content-Type"] = reply.content_type()
    for name, value in reply.headers.items():
        headers[name] = str(value)
    return headers


class Script:
    """The scripted controller; install() it with pytest's monkeypatch."""

    def __init__(self, exchanges=None):
        self.exchanges = list(exchanges or [])
        self.calls = []

    def add(self, *exchanges):
        self.exchanges.extend(exchanges)
        return self

    def install(self, monkeypatch):
        script = self

        def send(opener, method, url, data=None, headers=None, timeout=None, **_kwargs):
            return script.answer(opener, method, url, data, headers, timeout)
        monkeypatch.setattr(urls.Request, "open", send)
        return self

    def answer(self, opener, method, url, data, headers, timeout):
        call = Call(opener, method, url, data, headers, timeout)
        self.calls.append(call)
        assert self.exchanges, "unexpected request %s %s (the script is finished)" % (method, url)
        expected = self.exchanges.pop(0)
        assert (method, url) == (expected.method, expected.url), "expected %s %s, got %s %s" % (expected.method, expected.url, method, url)
        if expected.body is not None:
            assert call.body == expected.body, "body of %s %s" % (method, url)
        reply = expected.reply
        if isinstance(reply, BaseException):
            raise reply
        if reply.status >= 300:
            raise urllib.error.HTTPError(url, reply.status, "answer", message(reply), io.BytesIO(reply.raw()))
        return FakeResponse(reply.status, message(reply), reply.raw())

    def done(self):
        assert not self.exchanges, "requests never sent: %s" % ["%s %s" % (item.method, item.url) for item in self.exchanges]


# -- upstream-shaped bodies --------------------------------------------------------------------------

def page(results, next_url=None):
    return {"count": len(results), "next": next_url, "previous": None, "results": list(results)}


def app(app_id, owner="admin", structure=None, domain="new.test"):
    return {"uuid": "app-%s" % app_id, "id": app_id, "owner": owner, "url": "%s.%s" % (app_id, domain), "structure": structure or {},
            "created": CREATED, "updated": CREATED}


def build(app_id, image, uuid, procfile=None, owner="admin", sha=""):
    return {"owner": owner, "app": app_id, "image": image, "sha": sha, "procfile": procfile or {}, "dockerfile": "",
            "created": CREATED, "updated": CREATED, "uuid": uuid}


def release(app_id, version, build_uuid=None, owner="admin"):
    return {"uuid": "rel-%s-%d" % (app_id, version), "app": app_id, "owner": owner, "version": version, "summary": "",
            "config": "cfg-%s-%d" % (app_id, version), "build": build_uuid, "created": CREATED, "updated": CREATED}


def config(app_id, values=None, memory=None, cpu=None, tags=None, owner="admin"):
    return {"uuid": "cfg-%s" % app_id, "app": app_id, "owner": owner, "values": values or {}, "memory": memory or {}, "cpu": cpu or {},
            "tags": tags or {}, "created": CREATED, "updated": CREATED}


def container(app_id, kind, num, version, owner="admin"):
    return {"owner": owner, "app": app_id, "release": "v%d" % version, "type": kind, "num": num, "state": "up",
            "created": CREATED, "updated": CREATED, "uuid": "ctr-%s-%s-%d" % (app_id, kind, num)}


def domain(app_id, name, owner="admin"):
    return {"uuid": "dom-%s" % name, "owner": owner, "created": CREATED, "updated": CREATED, "app": app_id, "domain": name}


def user(username, email="", superuser=False):
    return {"email": email, "username": username, "first_name": "", "last_name": "", "is_superuser": superuser, "is_staff": superuser,
            "groups": [], "user_permissions": [], "last_login": CREATED, "date_joined": CREATED, "is_active": True}


def path_of(app_id, suffix=""):
    return "/v1/apps/%s/%s" % (app_id, suffix)


def read_app_exchanges(app_id, app_body, latest_release=None, build_body=None, config_body=None, domains=(), perms=None,
                       containers=None, base=BASE):
    """The GETs of _deis_migration.read_app, in its order (perms and containers when given)."""
    exchanges = []
    if app_body is not None:
        exchanges.append(Exchange("GET", path_of(app_id), Reply(200, app_body), base=base))
    exchanges.append(Exchange("GET", path_of(app_id, "releases/?page_size=1"), Reply(200, page([latest_release] if latest_release else [])),
                              base=base))
    if latest_release and latest_release.get("build"):
        exchanges.append(Exchange("GET", path_of(app_id, "builds/%s/" % latest_release["build"]), Reply(200, build_body), base=base))
    exchanges.append(Exchange("GET", path_of(app_id, "config/"), Reply(200, config_body or config(app_id)), base=base))
    exchanges.append(Exchange("GET", path_of(app_id, "domains/?page_size=100"),
                              Reply(200, page([domain(app_id, name) for name in domains])), base=base))
    if perms is not None:
        exchanges.append(Exchange("GET", path_of(app_id, "perms/"), Reply(200, {"users": list(perms)}), base=base))
    if containers is not None:
        exchanges.append(Exchange("GET", path_of(app_id, "containers/?page_size=100"), Reply(200, page(containers)), base=base))
    return exchanges


def quote(value):
    return urllib.parse.quote(value, safe="")
