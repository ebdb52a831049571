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
    description: Environment values (C(config:set)); null unsets a key.
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
  description: values, memory, cpu and tags after the task.
  type: dict
  returned: success
change:
  description: What was (or in check mode would be) sent; empty when nothing differs.
  type: dict
  returned: success
release:
  description: Version of the release the change made; null when nothing changed or in check mode.
  type: int
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_api import (
    CONFIG_FIELDS, apply_config_change, check_app_id, client_from_params, config_change, connection_argument_spec, run_module)


def work(module):
    app_id = check_app_id(module.params["app"])
    client = client_from_params(module.params)
    current = client.config(app_id)
    before = {field: dict(current.get(field) or {}) for field in CONFIG_FIELDS}
    change = config_change(before, {field: module.params[field] for field in CONFIG_FIELDS}, module.params["purge"])
    release = None
    if change and not module.check_mode:
        release = client.set_config(app_id, change)
    after = apply_config_change(before, change)
    return {"changed": bool(change), "config": after, "change": change, "release": release, "diff": {"before": before, "after": after}}


def main():
    spec = connection_argument_spec()
    spec.update(app={"type": "str", "required": True}, purge={"type": "bool", "default": False},
                **{field: {"type": "dict"} for field in CONFIG_FIELDS})
    run_module(AnsibleModule(argument_spec=spec, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
