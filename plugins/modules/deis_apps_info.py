#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_apps_info
short_description: Everything about the apps of a Deis v1 controller
description:
  - The C(deis apps:list) and C(deis apps:info) of the migration guide, for every app (all pages of the list) or the listed ones -
    owner, url, structure, domains, config keys, memory and cpu limits, tags, the latest release version and its build, image and Procfile.
  - Config values (database URLs, API keys) are not returned unless O(show_values=true); each key shows C((hidden)) instead.
  - Log in as an admin to see the apps of every user.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.attributes.info_module
  - deis.platform.deis_api
  - deis.platform.deis_api.transport
options:
  apps:
    description: Only these app ids; all apps when omitted.
    type: list
    elements: str
  concurrency:
    description: How many apps are read at the same time.
    type: int
    default: 8
  show_values:
    description: Return the config values themselves. They then appear in the task's output; use C(no_log) on the task.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Inventory of the old cluster
  deis.platform.deis_apps_info:
    controller: http://deis.oldcluster.example.org
    username: admin
    password: "{{ vault_old_password }}"
  register: old_apps
"""

RETURN = r"""
apps:
  description: One entry per app, sorted by id.
  type: list
  elements: dict
  returned: success
  contains:
    id: {description: App id., type: str}
    owner: {description: Owner., type: str}
    url: {description: Default host name C(<app>.<platform domain>)., type: str}
    structure: {description: Container count per process type., type: dict}
    domains: {description: Custom domains., type: list, elements: str}
    config: {description: "The values (each C((hidden)) unless O(show_values=true)), memory, cpu and tags dicts.", type: dict}
    release: {description: Latest release version (null without releases)., type: int}
    build: {description: UUID of the latest release's build (null without a build)., type: str}
    image: {description: Image of the latest release's build (null without a build)., type: str}
    procfile: {description: Procfile of that build., type: dict}
count:
  description: Number of apps returned.
  type: int
  returned: success
api_version:
  description: REST API version the controller announced.
  type: str
  returned: success
platform_version:
  description: Platform version the controller announced.
  type: str
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import read_apps
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import hide_values

ARGUMENT_SPEC = dict(connection_argument_spec(), apps={"type": "list", "elements": "str"}, concurrency={"type": "int", "default": 8},
                     show_values={"type": "bool", "default": False})


def work(module, clients):
    wanted = module.params["apps"]
    if wanted is not None:
        for app_id in wanted:
            check_app_id(app_id)
    client = client_from_params(module.params, clients)
    infos, errors = read_apps(client, wanted, module.params["concurrency"])
    if errors:
        # Only ids and the controller's messages: never the apps read so far (they hold config values).
        module.fail_json(msg="could not read %d app(s): %s" % (len(errors), "; ".join("%s: %s" % item for item in sorted(errors.items()))),
                         errors=errors)
    for info in infos:
        info["config"] = hide_values(info["config"], module.params["show_values"])
    return dict({"changed": False, "apps": infos, "count": len(infos)}, **client.versions)


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
