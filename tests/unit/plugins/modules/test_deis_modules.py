# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The deis_* modules run for real (AnsibleModule, its argument parsing, exit_json/fail_json) against a scripted controller:
config values never reach their output or their failures, warnings reach the user, and each module documents exactly the
options it accepts."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest

from ansible.module_utils import _internal, basic
from ansible.module_utils.common import warnings as module_warnings
from ansible_collections.deis.platform.tests.unit.plugins.deis_exchanges import (
    BASE, OLD, SERVER_ERROR, Exchange, Reply, Script, app, build, config, container, domain, page, path_of, read_app_exchanges, release, user)

SECRET = "sk_live_51HqPlantedSecretValue"
SECRET_CONFIG = config("web", values={"STRIPE_KEY": SECRET, "GREETING": 'He said "hi"\nbye'})
DEIS_MODULES = ("deis_app", "deis_apps_info", "deis_build", "deis_config", "deis_domain", "deis_login", "deis_migrate", "deis_repoint_builds",
                "deis_scale")
SPEC_KEYS = ("type", "default", "choices", "required", "elements", "aliases")


class Finished(Exception):
    def __init__(self, how, raw, printed):
        super().__init__(how)
        self.how, self.raw, self.printed = how, raw, printed


def run(monkeypatch, capsys, name, args, check_mode=False):
    """Run deis.platform.<name> with ARGS; Finished holds the raw exit/fail keyword arguments and the JSON the module printed."""
    params = dict(args, _ansible_check_mode=check_mode)
    monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": params}).encode())
    monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy")
    monkeypatch.setattr(module_warnings, "_global_warnings", {})
    # as on a target: once controller code is loaded (the action plugin tests), warnings would go to the Display instead
    monkeypatch.setattr(_internal, "is_controller", False)
    raw = {}
    for how in ("exit_json", "fail_json"):
        original = getattr(basic.AnsibleModule, how)

        def record(self, *positional, _how=how, _original=original, **kwargs):
            raw.update(how=_how, kwargs=json.loads(json.dumps(kwargs, default=str)), warnings=list(getattr(self, "_warnings", [])))
            return _original(self, *positional, **kwargs)
        monkeypatch.setattr(basic.AnsibleModule, how, record)
    module = importlib.import_module("ansible_collections.deis.platform.plugins.modules." + name)
    with pytest.raises(SystemExit):
        module.main()
    printed = json.loads(capsys.readouterr().out)
    return Finished(raw["how"], raw, printed)


def warnings_of(finished):
    """The warning texts of the printed result (WarningSummary objects in ansible-core 2.19+)."""
    return [item["event"]["msg"] if isinstance(item, dict) else item for item in finished.printed.get("warnings", [])]


def texts(finished):
    return json.dumps(finished.raw) + json.dumps(finished.printed)


def apps_info_script(app_ids=("web",), failing=None):
    exchanges = [Exchange("GET", "/v1/apps/?page_size=100", Reply(200, page([app(app_id) for app_id in app_ids])))]
    for app_id in app_ids:
        if app_id == failing:
            exchanges.append(Exchange("GET", path_of(app_id, "releases/?page_size=1"), Reply(404, {"detail": "Not found."})))
            continue
        exchanges += read_app_exchanges(app_id, None, release(app_id, 3, "b-" + app_id), build(app_id, "r:5000/%s:v3" % app_id, "b-" + app_id),
                                        dict(SECRET_CONFIG, app=app_id), ["www.%s.test" % app_id])
    return exchanges


CONNECTION = {"controller": BASE, "token": "t0ken"}


def test_apps_info_returns_keys_not_values(monkeypatch, capsys):
    Script(apps_info_script()).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_apps_info", CONNECTION)
    assert finished.how == "exit_json" and SECRET not in texts(finished) and "He said" not in texts(finished)
    assert finished.printed["apps"][0]["config"]["values"] == {"STRIPE_KEY": "(hidden)", "GREETING": "(hidden)"}
    assert finished.printed["apps"][0]["image"] == "r:5000/web:v3"


def test_apps_info_shows_values_when_asked(monkeypatch, capsys):
    Script(apps_info_script()).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_apps_info", dict(CONNECTION, show_values=True))
    assert finished.printed["apps"][0]["config"]["values"]["STRIPE_KEY"] == SECRET


def test_apps_info_failure_names_apps_not_values(monkeypatch, capsys):
    Script(apps_info_script(("api", "web"), failing="web")).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_apps_info", CONNECTION)
    assert finished.how == "fail_json" and SECRET not in texts(finished)
    assert "could not read 1 app(s): web:" in finished.printed["msg"] and "apps" not in finished.printed


def config_script(answer):
    return [Exchange("GET", path_of("web", "config/"), Reply(200, config("web", values={"GREETING": "hello", "OLD": "x"}))),
            Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 4, "b1")]))),
            Exchange("POST", path_of("web", "config/"), answer, body={"values": {"STRIPE_KEY": SECRET, "OLD": None}})]


def test_config_shows_keys_changed_never_values(monkeypatch, capsys):
    Script(config_script(Reply(201, SECRET_CONFIG, headers={"Deis-Release": "5"}))).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_config", dict(CONNECTION, app="web", values={"STRIPE_KEY": SECRET, "OLD": None}))
    assert finished.how == "exit_json" and SECRET not in texts(finished)
    assert finished.raw["kwargs"]["diff"] == {"before": {"values": {"GREETING": "(hidden)", "OLD": "(hidden)"}, "memory": {}, "cpu": {}, "tags": {}},
                                              "after": {"values": {"GREETING": "(hidden)", "STRIPE_KEY": "(changed)"}, "memory": {}, "cpu": {}, "tags": {}}}
    assert finished.raw["kwargs"]["change"] == {"values": {"STRIPE_KEY": "(changed)", "OLD": None}} and finished.printed["release"] == 5


def test_config_failure_shows_no_value(monkeypatch, capsys):
    # A 500 and no new release on re-reading: sent again; a 400 then ends it.
    Script(config_script(Reply(500, SERVER_ERROR)) + [
        Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 4, "b1")]))),
        Exchange("POST", path_of("web", "config/"), Reply(400, {"values": ["Config keys must start with a letter or underscore and only contain [A-z0-9_]"]}))
    ]).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_config", dict(CONNECTION, app="web", values={"STRIPE_KEY": SECRET, "OLD": None}, retry_delay=0))
    assert finished.how == "fail_json" and SECRET not in texts(finished) and "answered 400" in finished.printed["msg"]


def test_config_check_mode_sends_nothing(monkeypatch, capsys):
    script = Script(config_script(None)[:1]).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_config", dict(CONNECTION, app="web", values={"GREETING": "hello"}), check_mode=True)
    script.done()
    assert finished.printed["changed"] is False


def migrate_script():
    old = [Exchange("GET", "/v1/apps/?page_size=100", Reply(200, page([app("web", "admin", {"cmd": 1}, "old.test")])), base=OLD),
           Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 3, "b1")])), base=OLD),
           Exchange("GET", path_of("web", "builds/b1/"), Reply(200, build("web", "x", "b1")), base=OLD),
           Exchange("GET", path_of("web", "config/"), Reply(200, SECRET_CONFIG), base=OLD),
           Exchange("GET", path_of("web", "domains/?page_size=100"), Reply(200, page([])), base=OLD),
           Exchange("GET", path_of("web", "perms/"), Reply(200, {"users": []}), base=OLD)]
    new = [Exchange("GET", "/v1/users/?page_size=100", Reply(200, page([user("admin", superuser=True)]))),
           Exchange("GET", path_of("web"), Reply(404, {"detail": "Not found."})),
           Exchange("POST", "/v1/apps/", Reply(201, app("web"))),
           Exchange("GET", path_of("web"), Reply(200, app("web")))]
    new += read_app_exchanges("web", None, release("web", 1), None, config("web"), [], perms=[])
    new += [Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 1)]))),
            Exchange("POST", path_of("web", "builds/"), Reply(201, build("web", "reg:5000/web:v3", "b2"), headers={"Deis-Release": "2"})),
            Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 2, "b2")]))),
            # the controller refuses the values, quoting one of them
            Exchange("POST", path_of("web", "config/"), Reply(400, {"values": ["cannot store %s" % SECRET]}))]
    return old + new


def test_migrate_never_prints_a_config_value_even_in_a_failure(monkeypatch, capsys):
    Script(migrate_script()).install(monkeypatch)
    args = {"old_controller": OLD, "old_token": "old", "new_controller": BASE, "new_username": "admin", "new_token": "new",
            "registry": "reg:5000", "old_domain": "old.test", "concurrency": 1}
    finished = run(monkeypatch, capsys, "deis_migrate", args)
    assert finished.how == "exit_json" and SECRET not in texts(finished) and "He said" not in texts(finished)
    result = finished.printed["results"][0]
    assert result["status"] == "failed" and "cannot store ********" in result["reason"]
    assert any("app web failed" in warning for warning in warnings_of(finished))
    assert "accepted_release" not in result


def test_plain_http_credentials_are_warned_about(monkeypatch, capsys):
    Script([Exchange("GET", path_of("web"), Reply(200, app("web")))]).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_app", dict(CONNECTION, app="web"))
    assert finished.printed["changed"] is False
    assert warnings_of(finished) == ["the API token goes to http://deis.new.test over plain http: use https (and ca_path for a private CA)"]


def test_build_again_when_the_latest_release_with_the_image_runs_nowhere(monkeypatch, capsys):
    image = "reg:5000/web:v3"
    script = Script([Exchange("GET", path_of("web", "releases/?page_size=1"), Reply(200, page([release("web", 3, "b2")]))),
                     Exchange("GET", path_of("web", "builds/b2/"), Reply(200, build("web", image, "b2"))),
                     Exchange("GET", path_of("web"), Reply(200, app("web", structure={"cmd": 1}))),
                     Exchange("GET", path_of("web", "containers/?page_size=100"), Reply(200, page([container("web", "cmd", 1, 2)])))])
    script.install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_build", dict(CONNECTION, app="web", image=image), check_mode=True)
    script.done()
    assert finished.printed["changed"] is True and "no container runs the latest release v3" in finished.printed["reason"]


def test_domain_removal_uses_the_stored_spelling(monkeypatch, capsys):
    script = Script([Exchange("GET", path_of("web", "domains/?page_size=100"), Reply(200, page([domain("web", "WWW.Example.ORG")]))),
                     Exchange("DELETE", path_of("web", "domains/WWW.Example.ORG"), Reply(204))]).install(monkeypatch)
    finished = run(monkeypatch, capsys, "deis_domain", dict(CONNECTION, app="web", domains=["www.example.org"], state="absent"))
    script.done()
    assert finished.printed["removed"] == ["WWW.Example.ORG"]


def documented_options():
    """{module: options} as ansible-doc renders them, doc fragments merged."""
    root = next(path for path in sys.path if os.path.isdir(os.path.join(path, "ansible_collections", "deis", "platform")))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_NOCOLOR="1")
    ansible_doc = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    names = ["deis.platform." + name for name in DEIS_MODULES]
    result = subprocess.run([ansible_doc, "-t", "module", "--json"] + names, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    return {name.split(".")[-1]: docs[name]["doc"].get("options") or {} for name in names}


def normalised(option):
    values = {key: option.get(key) for key in SPEC_KEYS}
    values["type"] = values["type"] or "str"
    values["required"] = bool(values["required"])
    values["aliases"] = sorted(values["aliases"] or [])
    if values["type"] == "float" and values["default"] is not None:
        values["default"] = float(values["default"])
    return values


@pytest.fixture(scope="module", name="docs")
def docs_fixture():
    return documented_options()


@pytest.mark.parametrize("name", DEIS_MODULES)
def test_documented_options_match_the_argument_spec(name, docs):
    spec = importlib.import_module("ansible_collections.deis.platform.plugins.modules." + name).ARGUMENT_SPEC
    assert sorted(docs[name]) == sorted(spec)
    for option, settings in spec.items():
        assert normalised(docs[name][option]) == normalised(settings), "option %s of %s" % (option, name)


@pytest.mark.parametrize("name", DEIS_MODULES)
def test_secrets_are_no_log(name):
    spec = importlib.import_module("ansible_collections.deis.platform.plugins.modules." + name).ARGUMENT_SPEC
    for option in ("password", "token", "old_password", "old_token", "new_password", "new_token", "values"):
        if option in spec:
            assert spec[option].get("no_log") is True, option
