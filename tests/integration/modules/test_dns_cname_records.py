# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""dns_cname_records run as Ansible runs a module, against a real BIND (the sandbox's, on a free port)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from ansible_collections.deis.platform.plugins.module_utils import _dns_zone

SANDBOX_LIB = os.path.join(os.path.dirname(__file__), "..", "..", "sandbox", "lib")
sys.path.insert(0, os.path.abspath(SANDBOX_LIB))
from deis_sandbox import dns  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS_ROOT = os.path.abspath(os.path.join(os.path.dirname(_dns_zone.__file__), *[".."] * 5))
MODULE = os.path.join(COLLECTIONS_ROOT, "ansible_collections", "deis", "platform", "plugins", "modules", "dns_cname_records.py")
ZONE = "oldcluster.unit.test"
NEW = "newcluster.unit.test"
KEY_NAME = "unit-key"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def bind(tmp_path_factory):
    folder, port = str(tmp_path_factory.mktemp("bind")), free_port()
    dns.start(folder, port, ZONE, KEY_NAME)
    try:
        yield {"port": port, "secret": dns.key_secret(folder)}
    finally:
        dns.stop(folder)


def run_module(tmp_path, check_mode=False, **args):
    args_file = tmp_path / "args.json"
    args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check_mode)}))
    env = dict(os.environ, PYTHONPATH=COLLECTIONS_ROOT)
    done = subprocess.run([sys.executable, MODULE, str(args_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, env=env, timeout=60, check=False)
    return json.loads(done.stdout)


def applied(bind, **args):
    return dict({"apply": True, "server": "127.0.0.1", "port": bind["port"], "zone": ZONE, "key_name": KEY_NAME,
                 "key_secret": bind["secret"], "ttl": 60}, **args)


def dig(bind, name):
    answer = subprocess.run(["dig", "@127.0.0.1", "-p", str(bind["port"]), "+short", name, "CNAME"],
                            stdout=subprocess.PIPE, text=True, check=True)
    return answer.stdout.strip()


def records(*apps):
    return {"%s.%s" % (app, ZONE): "%s.%s" % (app, NEW) for app in apps}


def test_check_mode_reports_the_update_and_sends_nothing(bind, tmp_path):
    result = run_module(tmp_path, check_mode=True, **applied(bind, records=records("happy-bandit")))
    assert result["changed"] is True and result["updated"] == ["happy-bandit.%s." % ZONE]
    assert dig(bind, "happy-bandit." + ZONE) == ""


def test_apply_writes_the_records_and_a_second_run_changes_nothing(bind, tmp_path):
    wanted = records(*("app-%d" % number for number in range(60)))
    first = run_module(tmp_path, **applied(bind, records=wanted))
    assert first["changed"] is True and len(first["updated"]) == 60, first
    assert dig(bind, "app-59." + ZONE) == "app-59.%s." % NEW
    second = run_module(tmp_path, **applied(bind, records=wanted))
    assert second["changed"] is False and second["updated"] == [], second


def test_a_record_pointing_elsewhere_is_replaced_with_a_diff(bind, tmp_path):
    run_module(tmp_path, **applied(bind, records={"moved." + ZONE: "moved.elsewhere.test"}))
    result = run_module(tmp_path, **applied(bind, records=records("moved")))
    assert result["updated"] == ["moved.%s." % ZONE]
    assert result["diff"][0]["before"] == "moved.%s. CNAME moved.elsewhere.test.\n" % ZONE
    assert dig(bind, "moved." + ZONE) == "moved.%s." % NEW


def test_a_wrong_key_fails_with_nsupdate_s_reason_and_no_secret(bind, tmp_path):
    wrong = "c2VjcmV0LXRoYXQtYmluZC1kb2VzLW5vdC1rbm93MQ=="
    args = applied(bind, records=records("refused"))
    args["key_secret"] = wrong
    result = run_module(tmp_path, **args)
    assert result.get("failed") is True
    assert result["msg"].startswith("nsupdate failed for zone %s at 127.0.0.1:%d: " % (ZONE, bind["port"])), result["msg"]
    assert wrong not in json.dumps(result)
    assert dig(bind, "refused." + ZONE) == ""


def test_a_server_that_does_not_answer_fails_before_any_update(tmp_path):
    port = free_port()
    result = run_module(tmp_path, apply=True, server="127.0.0.1", port=port, zone=ZONE, key_name=KEY_NAME,
                        key_secret="c2VjcmV0", timeout=1, records=records("nobody"))
    assert result.get("failed") is True
    assert result["msg"].startswith("dig could not ask 127.0.0.1:%d" % port), result["msg"]


def test_the_zone_snippet_file_is_written_once(tmp_path):
    path = str(tmp_path / "dns" / "cnames.zone")
    first = run_module(tmp_path, records=records("happy-bandit"), path=path, ttl=120)
    assert first["changed"] is True and first["file_changed"] is True
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == first["snippet"]
    name = "happy-bandit.%s." % ZONE
    assert first["snippet"] == "%s    120    CNAME    happy-bandit.%s.\n" % (name, NEW)
    second = run_module(tmp_path, records=records("happy-bandit"), path=path, ttl=120)
    assert second["changed"] is False
