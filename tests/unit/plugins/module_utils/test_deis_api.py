# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The controller client's pure parts (error messages, id checks, session file) and the decision logic, no controller needed."""

from __future__ import annotations

import socket

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _deis_api as api


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_errors_are_retried_and_reported():
    sleeps = []
    client = api.DeisClient("http://127.0.0.1:%d" % free_port(), "t", retries=2, retry_delay=0.1, sleep=sleeps.append)
    with pytest.raises(api.DeisApiError) as caught:
        client.apps()
    assert caught.value.status is None and "cannot reach the controller" in str(caught.value) and sleeps == [0.1, 0.2]


def test_error_messages_of_json_and_html_bodies():
    assert api.error_message(b'{"detail": "Not found."}', "application/json") == "Not found."
    assert api.error_message(b'{"id": ["This field must be unique."]}', "application/json") == "id: This field must be unique."
    assert api.error_message(b"<h1>Server Error (500)</h1>", "text/html") == "Server Error (500)"


def test_app_ids_are_checked_before_any_request():
    client = api.DeisClient("http://127.0.0.1:1", "t", retries=0)
    with pytest.raises(ValueError):
        client.app("../etc")
    with pytest.raises(ValueError):
        client.app("Upper")


def test_missing_session_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("DEIS_PROFILE", raising=False)
    with pytest.raises(ValueError) as caught:
        api.client_from_options("http://127.0.0.1:1")
    assert "deis login" in str(caught.value)


def test_decisions():
    assert api.config_change({"values": {"A": "1"}}, {"values": {"A": "1", "B": None}}) == {}
    assert api.config_change({"values": {"A": "1", "C": "x"}}, {"values": {"A": 2}}, purge=True) == {"values": {"A": "2", "C": None}}
    assert api.scale_change({"cmd": 1}, {"web": 2}, exact=True) == {"web": 2, "cmd": 0}
    assert api.scale_change({"web": 2, "cmd": 0}, {"web": 2}, exact=True) == {}
    assert api.domain_changes(["a.example"], ["A.example.", "b.example"]) == (["b.example"], [])
    assert api.classify([{"id": "a"}, {"id": "b"}, {"id": "c"}], [{"id": "b", "owner": "me"}, {"id": "c", "owner": "x"}], "me") == \
        {"a": "create", "b": "update", "c": "conflict"}
    old = {"id": "app", "release": 4, "procfile": {}, "config": {"values": {"A": "1"}}, "domains": ["www.app.test"], "structure": {"cmd": 2}}
    desired = api.desired_from_old(old, "reg:5000", "old.test")
    assert desired["image"] == "reg:5000/app:v4" and desired["domains"] == ["www.app.test", "app.old.test"]
    assert api.migration_steps(desired, None, "me")["steps"] == ["create", "build", "config", "domains", "scale"]
    done = {"owner": "me", "image": "reg:5000/app:v4", "config": {"values": {"A": "1"}}, "domains": ["app.old.test", "www.app.test"],
            "structure": {"cmd": 2}}
    assert api.migration_steps(desired, done, "me") == {"action": "migrate", "steps": []}
    assert api.migration_steps(desired, dict(done, owner="x"), "me")["action"] == "skip"
    assert api.zone_snippet({"a.old.": "a.new"}, 0) == "a.old.    CNAME    a.new.\n"
