# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What the deis_* modules share: the deis client's session file and a client from the options."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_module as glue
from ansible_collections.deis.platform.tests.unit.plugins.deis_exchanges import BASE, Exchange, Reply, Script, page


def test_missing_session_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DEIS_PROFILE", raising=False)
    with pytest.raises(ValueError) as caught:
        glue.client_from_options("http://127.0.0.1:1")
    assert "deis login" in str(caught.value) and str(tmp_path / ".deis" / "client.json") in str(caught.value)


def test_session_file_is_written_0600_once_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("DEIS_PROFILE", "ops")
    path = glue.session_path()
    assert path == str(tmp_path / ".deis" / "ops.json")
    content = glue.session_content(BASE, "admin", "t0ken", True)
    assert content == {"username": "admin", "ssl_verify": True, "controller": BASE, "token": "t0ken", "response_limit": 100}
    assert glue.write_session(path, content) is True
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    assert glue.write_session(path, content) is False
    script = Script([Exchange("GET", "/v1/apps/?page_size=100", Reply(200, page([])))]).install(monkeypatch)
    client = glue.client_from_options()
    assert client.url == BASE and client.apps() == [] and script.calls[0].headers["Authorization"] == "token t0ken"


def test_a_session_for_another_controller_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DEIS_PROFILE", raising=False)
    glue.write_session(glue.session_path(), glue.session_content(BASE, "admin", "t0ken", True))
    with pytest.raises(ValueError) as caught:
        glue.client_from_options("http://deis.other.test")
    assert "is for %s, not http://deis.other.test" % BASE in str(caught.value)


@pytest.mark.parametrize("content", ["{not json", json.dumps({"controller": BASE}), json.dumps([1])])
def test_an_unusable_session_file_says_so(tmp_path, content):
    path = tmp_path / "client.json"
    path.write_text(content)
    with pytest.raises(ValueError):
        glue.read_session(str(path))


def test_transport_options_reach_the_client(monkeypatch):
    Script([Exchange("POST", "/v1/auth/login/", Reply(200, {"token": "t0ken"}))]).install(monkeypatch)
    params = dict({name: spec.get("default") for name, spec in glue.connection_argument_spec().items()},
                  controller=BASE, username="admin", password="pw", timeout=12.0, long_timeout=1800.0, retries=1)
    clients = []
    client = glue.client_from_params(params, clients)
    assert clients == [client] and client.token == "t0ken"
    assert (client.timeout, client.long_timeout, client.retries) == (12.0, 1800.0, 1)
    assert client.warnings == ["the password of admin goes to %s over plain http: use https (and ca_path for a private CA)" % BASE]
