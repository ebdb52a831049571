# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The migrate_apps role's filters, and the role's own task files run by ansible-playbook on localhost (the router test
against a closed loopback port, the reports, the final verdict): the decisions come out of the filters, not out of Jinja."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from ansible_collections.deis.platform.plugins.filter.deis_migration import FilterModule

FILTERS = FilterModule().filters()
RESULTS = [
    {"app": "api", "status": "migrated", "release": 3, "steps": ["create", "build"], "reason": None, "owner": "admin", "new_owner": "admin",
     "not_shared": []},
    {"app": "empty", "status": "not_deployed", "release": 2, "steps": [], "reason": None, "owner": "bob", "new_owner": "admin",
     "not_shared": []},
    {"app": "taken", "status": "skipped", "release": None, "steps": [], "reason": "name taken by another user (eve) on the new cluster",
     "owner": "admin", "new_owner": "eve", "not_shared": []},
]


def test_the_filters_the_role_uses():
    assert sorted(FILTERS) == ["deis_cname_records", "deis_decommission_blockers", "deis_repoint_needed", "deis_report_lines", "deis_report_rows",
                               "deis_router_tested", "deis_router_verdicts", "deis_run_failures"]
    assert [item["app"] for item in FILTERS["deis_router_tested"](RESULTS)] == ["api"]
    # the role passes its defaults: an empty status list and an empty pattern mean "any answer below 500"
    verdicts = FILTERS["deis_router_verdicts"]([{"item": {"app": "api"}, "status": 404}], [], "")
    assert verdicts == {"api": {"ok": True, "status": 404, "reason": None}}
    assert FILTERS["deis_cname_records"](RESULTS, "old.test", "new.test") == {"api.old.test": "api.new.test", "empty.old.test": "empty.new.test"}
    assert FILTERS["deis_decommission_blockers"](RESULTS[:2], verdicts) == []
    assert FILTERS["deis_repoint_needed"]("1.12.3") is True


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  vars:
    deis_migrate_report_path: "{report}"
  tasks:
    - name: Router test
      ansible.builtin.include_tasks: "{role}/tasks/test.yml"
    - name: DNS
      ansible.builtin.include_tasks: "{role}/tasks/dns.yml"
    - name: Report
      ansible.builtin.include_tasks: "{role}/tasks/report.yml"
"""


def test_role_tasks_judge_report_and_fail_through_the_filters(tmp_path):
    root = next(path for path in sys.path if os.path.isdir(os.path.join(path, "ansible_collections", "deis", "platform")))
    role = os.path.join(root, "ansible_collections", "deis", "platform", "roles", "migrate_apps")
    report = tmp_path / "report"
    report.mkdir()
    (tmp_path / "play.yml").write_text(PLAYBOOK.format(report=report, role=role))
    variables = {
        "deis_migrate_result": {"results": RESULTS, "summary": {"migrated": 1, "not_deployed": 1, "skipped": 1},
                                "users": {"known": True, "present": ["admin"], "missing": ["bob"], "registered": []}},
        "deis_router_url": "http://127.0.0.1:%d" % closed_port(), "deis_new_domain": "new.test", "deis_old_domain": "old.test",
        "deis_old_controller": "http://deis.old.test", "deis_new_controller": "http://deis.new.test", "deis_validate_certs": True,
        "deis_ca_path": "", "deis_client_cert": "", "deis_client_key": "", "deis_migrate_test_path": "/", "deis_migrate_test_status": [],
        "deis_migrate_test_pattern": "", "deis_migrate_test_timeout": 5, "deis_dns_ttl": 300, "deis_dns_apply": False,
        "deis_dns_server": "127.0.0.1", "deis_dns_port": 53, "deis_dns_zone": "", "deis_dns_key_name": "", "deis_dns_key_secret": "",
        "deis_dns_key_algorithm": "hmac-sha256",
    }
    (tmp_path / "vars.json").write_text(json.dumps(variables))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="false",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    run = subprocess.run([playbook, str(tmp_path / "play.yml"), "-e", "@" + str(tmp_path / "vars.json")], env=env, cwd=str(tmp_path),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    # api has no router answering: the run fails, naming it; the other apps are not router-tested
    assert run.returncode == 2, run.stdout
    assert "api: router test failed (no answer: " in run.stdout
    written = json.loads((report / "report.json").read_text())
    rows = {row["app"]: row for row in written["apps"]}
    assert rows["api"]["router"]["ok"] is False and rows["empty"]["router"] is None and rows["taken"]["router"] is None
    assert written["users"]["missing"] == ["bob"]
    text = (report / "report.txt").read_text()
    assert "users missing on the new cluster (passwords cannot be migrated): bob" in text
    assert "owner=admin (old owner bob is not a user of the new cluster)" in text
    assert (report / "cnames.zone").read_text() == "api.old.test.      300    CNAME    api.new.test.\nempty.old.test.    300    CNAME    empty.new.test.\n"
    for name in ("report.json", "report.txt"):
        assert oct(os.stat(report / name).st_mode & 0o777) == "0o600"


def test_every_filter_is_documented():
    root = next(path for path in sys.path if os.path.isdir(os.path.join(path, "ansible_collections", "deis", "platform")))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_NOCOLOR="1")
    names = ["deis.platform." + name for name in sorted(FILTERS)]
    doc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-doc"), "-t", "filter", "--json"] + names,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    assert doc.returncode == 0, doc.stderr
    docs = json.loads(doc.stdout)
    assert {name: docs[name]["doc"]["name"] for name in names} == {name: name.split(".")[-1] for name in names}
