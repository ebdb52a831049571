# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller client against the real Deis v1 controllers (tests/sandbox/lib/deis_sandbox/upstream.py: deis/deis
controller/ at v1.12.3 and v1.13.4, each with its own deis-v1-lts registry), one fault proxy in front of the new one.
Ports from a free block; containers named deis-apiclient-test-*; the images are the ones `sandbox build` made."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import sys
import tempfile

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_api as api

SANDBOX_LIB = os.path.join(os.path.dirname(__file__), "..", "..", "sandbox", "lib")
sys.path.insert(0, os.path.abspath(SANDBOX_LIB))
from deis_sandbox import faultproxy, upstream, v1registry  # noqa: E402  pylint: disable=wrong-import-position

PREFIX = "deis-apiclient-test-"
OLD_DOMAIN = "old.test"


def free_port_block(count):
    for base in range(23000, 60000, 16):
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module", name="stack")
def stack_fixture():
    """Old v1.12.3 controller + its registry (holding web:v1), new v1.13.4 controller + its registry, a proxy."""
    base, data = free_port_block(6), tempfile.mkdtemp(prefix="deis-apiclient-")
    names = [PREFIX + name for name in ("old-registry", "new-registry", "old", "new")]
    try:
        old_registry = upstream.start_registry(names[0], base, os.path.join(data, "old-registry"))
        new_registry = upstream.start_registry(names[1], base + 1, os.path.join(data, "new-registry"))
        old = upstream.start_controller(names[2], "v1.12.3", base + 2, OLD_DOMAIN, os.path.join(data, "old"),
                                        registry=old_registry, threads=4)
        new = upstream.start_controller(names[3], "v1.13.4", base + 3, "new.test", os.path.join(data, "new"),
                                        registry=new_registry, threads=4)
        knobs = faultproxy.start(base + 4, base + 3, os.path.join(data, "proxy"), faultproxy.NGINX_VERSIONS["v1.13.4"])
        image = v1registry.make_image("acme/web", "1.0", {"app/index.html": b"<h1>web</h1>\n"})
        v1registry.V1Registry(old_registry).push("acme/web", "1.0", image)
        yield {"old": old, "new": new, "old_registry": old_registry, "new_registry": new_registry,
               "proxy": "http://127.0.0.1:%d" % (base + 4), "knobs": knobs, "source": old_registry + "/acme/web:1.0"}
    finally:
        faultproxy.stop(os.path.join(data, "proxy"))
        for name in names:
            upstream.stop(name)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(scope="module", name="old_admin")
def old_admin_fixture(stack):
    return admin_client(stack["old"])


@pytest.fixture(scope="module", name="new_admin")
def new_admin_fixture(stack):
    return admin_client(stack["new"])


def admin_client(url, username="admin", password="pw-admin"):
    """The first user registered is the controller's superuser (api/serializers.py UserSerializer.create)."""
    client = api.DeisClient(url, retry_delay=0.01)
    client.register(username, password, username + "@example.test")
    client.login(username, password)
    return client


def test_probe_identifies_a_controller_and_reads_version_headers(stack):
    """api/middleware.py APIVersionMiddleware, deis/middleware.py PlatformVersionMiddleware: on every answer."""
    for url, platform in ((stack["new"], "1.13.4"), (stack["old"], "1.12.3")):
        versions = api.DeisClient(url).probe()
        assert (versions["status"], versions["api_version"], versions["platform_version"]) == (401, "1.7", platform)


def test_probe_of_something_else_says_so(stack):
    with pytest.raises(api.DeisApiError) as caught:
        api.DeisClient("http://" + stack["old_registry"], retries=0).probe()
    assert "does not appear to be a valid Deis controller" in str(caught.value)


def test_wrong_password_is_a_clear_error(stack, new_admin):
    with pytest.raises(api.DeisApiError) as caught:
        api.DeisClient(stack["new"]).login("admin", "wrong")
    assert caught.value.status == 400
    assert "check the username and password" in str(caught.value) and "wrong" not in str(caught.value)


def test_pagination_is_followed_past_100_apps(stack, old_admin):
    """PAGINATE_BY 100 (deis/settings.py): 130 apps are two pages."""
    for number in range(130):
        old_admin.create_app("page-%03d" % number)
    apps = old_admin.apps()
    assert len({app["id"] for app in apps if app["id"].startswith("page-")}) == 130


def test_reads_are_retried_after_5xx_then_give_the_status_and_page(stack, new_admin):
    """The proxy in front of the controller answers every request 503 (nginx's page): GETs are retried with a
    doubling delay, then the status and the page's title are the error."""
    faultproxy.write_knobs(stack["knobs"], {"fail_before": {"fraction": 1, "status": 503}})
    try:
        sleeps = []
        client = api.DeisClient(stack["proxy"], new_admin.token, retries=3, retry_delay=0.5, sleep=sleeps.append)
        with pytest.raises(api.DeisApiError) as caught:
            client.apps()
    finally:
        faultproxy.write_knobs(stack["knobs"], {})
    assert caught.value.status == 503 and sleeps == [0.5, 1.0, 2.0]
    assert "503 Service Temporarily Unavailable" in str(caught.value)
    assert api.DeisClient(stack["proxy"], new_admin.token).apps() is not None


def test_failed_build_answers_500_with_the_page(stack, new_admin):
    """A pull that finds nothing: DockerException escapes Release.new (v1.13.4 api/models.py, registry/dockerclient.py)
    and Django answers its 500 page."""
    client = api.DeisClient(stack["new"], new_admin.token, retries=0)
    client.create_app("web")
    with pytest.raises(api.DeisApiError) as caught:
        client.create_build("web", "%s/acme/web:9.9" % stack["old_registry"])
    assert caught.value.status == 500 and "Server Error (500)" in caught.value.message


def test_session_file_is_written_0600_and_read_back(tmp_path, stack, new_admin, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DEIS_PROFILE", "ops")
    path = api.session_path()
    assert path == str(tmp_path / ".deis" / "ops.json")
    assert api.write_session(path, api.session_content(stack["new"], "admin", new_admin.token, True)) is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert api.write_session(path, api.session_content(stack["new"], "admin", new_admin.token, True)) is False
    with open(path, encoding="utf-8") as handle:
        assert json.load(handle)["token"] == new_admin.token
    reused = api.client_from_options()
    assert reused.url == stack["new"] and isinstance(reused.apps(), list)


def test_config_with_odd_values_round_trips(stack, new_admin):
    """Config.save merges and None unsets (api/models.py); values are stored as given, cpu as int."""
    client = new_admin
    client.create_app("odd")
    client.create_build("odd", stack["source"], {"web": "run web"})
    values = {"Q": 'He said "hi"', "NL": "a\nb", "U": "Gr\u00fc\u00dfe \u2603 \U0001f680", "EMPTY": "", "EQ": "a=b=c"}
    change = api.config_change(client.config("odd"), {"values": values, "memory": {"web": "512M"}, "cpu": {"web": 512},
                                                      "tags": {"tier": "x"}})
    client.set_config("odd", change)
    config = client.config("odd")
    assert config["values"] == values and config["cpu"] == {"web": 512} and config["tags"] == {"tier": "x"}
    assert api.config_change(config, {"values": values, "cpu": {"web": "512"}}) == {}
    client.set_config("odd", api.config_change(config, {"values": {"NL": None}}))
    assert "NL" not in client.config("odd")["values"]


def test_domains_keep_their_case(stack, new_admin):
    """DomainSerializer.validate_domain returns the value as given (api/serializers.py)."""
    new_admin.create_app("cased")
    new_admin.add_domain("cased", "Shop.Example.COM")
    assert new_admin.domains("cased") == ["Shop.Example.COM"]
