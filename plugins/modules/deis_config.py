#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_config
short_description: Set environment values, limits and tags of a Deis v1 app
description:
  - Like C(deis config:set), C(deis limits:set) and C(deis tags:set) in one request; only keys that differ are sent, so a task
    that changes nothing makes no new release.
  - Values are sent as JSON, so quotes, newlines, C(=), shell characters and unicode arrive unchanged.
  - A key set to null is unset.
  - Values are secrets - O(values) is C(no_log), and the result and the diff show each key with C((hidden)), or C((changed))
    for the keys the task sets, unless O(show_values=true).
  - The request waits up to O(long_timeout) (the controller makes and deploys a release inside it). When its answer is lost
    (timeout, 5xx), the releases are read again instead of sending the change twice.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.attributes
  - deis.platform.deis_api
  - deis.platform.deis_api.transport
options:
  app:
    description: The app id.
    type: str
    required: true
  values:
    description: Environment values (C(config:set)); null unsets a key. Never printed.
    type: dict
  memory:
    description: Memory limits per process type, for example C(web=512M) as a dict; null unsets.
    type: dict
  cpu:
    description: CPU shares per process type (0-1024); null unsets.
    type: dict
  tags:
    description: Scheduler tags, for example C(environ=prod) as a dict; null unsets.
    type: dict
  purge:
    description: Unset the keys of each given field (O(values), O(memory), O(cpu), O(tags)) that the task does not name.
    type: bool
    default: false
  show_values:
    description: Show the values themselves in the result and the diff (they then appear in the output).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Copy configuration
  deis.platform.deis_config:
    controller: http://deis.newcluster.example.org
    token: "{{ new_token }}"
    app: happy-bandit
    values:
      GREETING: 'He said "hello"'
      OLD_FLAG: null
    memory: {web: 512M}
    tags: {environ: prod}
"""

RETURN = r"""
config:
  description: values (each C((hidden)), or C((changed)) when the task set it, unless O(show_values=true)), memory, cpu and tags after the task.
  type: dict
  returned: success
change:
  description:
    - What was (or in check mode would be) sent, values shown as C((changed)) (null for an unset key) unless O(show_values=true).
    - Empty when nothing differs.
  type: dict
  returned: success
release:
  description: Version of the release the change made; null when nothing changed or in check mode.
  type: int
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import attempt, deployed_release, latest_version
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import CONFIG_FIELDS, config_change, config_output

ARGUMENT_SPEC = dict(connection_argument_spec(), app={"type": "str", "required": True}, purge={"type": "bool", "default": False},
                     values={"type": "dict", "no_log": True}, memory={"type": "dict"}, cpu={"type": "dict"}, tags={"type": "dict"},
                     show_values={"type": "bool", "default": False})


def work(module, clients):
    app_id = check_app_id(module.params["app"])
    client = client_from_params(module.params, clients)
    current = client.config(app_id)
    before = {field: dict(current.get(field) or {}) for field in CONFIG_FIELDS}
    change = config_change(before, {field: module.params[field] for field in CONFIG_FIELDS}, module.params["purge"])
    release = None
    if change and not module.check_mode:
        previous = latest_version(client, app_id)
        release = attempt(client, lambda: client.set_config(app_id, change), lambda: deployed_release(client, app_id, previous),
                          "the config of %s" % app_id)
        release = release or latest_version(client, app_id)
    shown_before, shown_after, shown_change = config_output(before, change, module.params["show_values"])
    return {"changed": bool(change), "config": shown_after, "change": shown_change, "release": release,
            "diff": {"before": shown_before, "after": shown_after}}


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
