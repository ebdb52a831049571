# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Node-side modules keep their argument spec in the action plugin and their documentation in the module stub:
the two must describe the same options (ansible-test's validate-modules cannot see an action plugin's spec)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
ACTION_DIR = os.path.join(REPO_ROOT, "plugins", "action")
NODE_MODULES = sorted(name[:-3] for name in os.listdir(ACTION_DIR) if name.endswith(".py") and not name.startswith("_"))
SPEC_KEYS = ("type", "default", "choices", "required", "elements")


def documented_options():
    """{module: options} as ansible-doc renders them, doc fragments merged."""
    # tests/unit/conftest.py put a folder holding ansible_collections/deis/platform on sys.path.
    root = next(path for path in sys.path if os.path.isdir(os.path.join(path, "ansible_collections", "deis", "platform")))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_NOCOLOR="1")
    ansible_doc = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    names = ["deis.platform." + name for name in NODE_MODULES]
    result = subprocess.run([ansible_doc, "-t", "module", "--json"] + names, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 0, result.stderr
    docs = json.loads(result.stdout)
    return {name.split(".")[-1]: docs[name]["doc"].get("options") or {} for name in names}


def normalised(option):
    """The parts of an option that the argument spec and the documentation both state, with Ansible's defaults filled in."""
    values = {key: option.get(key) for key in SPEC_KEYS}
    values["type"] = values["type"] or "str"
    values["required"] = bool(values["required"])
    return values


@pytest.fixture(scope="module", name="docs")
def docs_fixture():
    return documented_options()


def test_every_action_plugin_has_a_module_stub():
    stubs = {name[:-3] for name in os.listdir(os.path.join(REPO_ROOT, "plugins", "modules"))}
    assert set(NODE_MODULES) <= stubs


@pytest.mark.parametrize("module", NODE_MODULES)
def test_documented_options_match_the_action_plugin_spec(module, docs):
    action = importlib.import_module("ansible_collections.deis.platform.plugins.action." + module).ActionModule
    spec = {name: normalised(option) for name, option in action.ARGUMENT_SPEC.items()}
    documented = {name: normalised(option) for name, option in docs[module].items()}
    assert sorted(documented) == sorted(spec), "options documented vs. accepted by the action plugin"
    for name, option in spec.items():
        assert documented[name] == option, "option %s of %s" % (name, module)
