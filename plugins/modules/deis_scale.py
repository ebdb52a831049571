#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_scale
short_description: Scale the process types of a Deis v1 app
description:
  - Like C(deis scale web=2 worker=1); nothing is sent when the app already runs the wanted counts.
  - The request waits up to O(long_timeout) (containers start inside it). When its answer is lost (timeout, 5xx), the app is read
    again and the request is sent again only when the counts are not there.
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
  structure:
    description: Container count per process type, for example C(web=2) and C(worker=1) as a dict.
    type: dict
    required: true
  exact:
    description: Scale process types that O(structure) does not name to 0.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Run the structure the old cluster ran
  deis.platform.deis_scale:
    controller: http://deis.newcluster.example.org
    token: "{{ new_token }}"
    app: happy-bandit
    structure: {web: 3, worker: 1}
    exact: true
"""

RETURN = r"""
structure:
  description: The app's structure after the task (process types with 0 containers left out).
  type: dict
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import attempt
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import running, scale_change

ARGUMENT_SPEC = dict(connection_argument_spec(), app={"type": "str", "required": True}, structure={"type": "dict", "required": True},
                     exact={"type": "bool", "default": False})


def work(module, clients):
    app_id = check_app_id(module.params["app"])
    try:
        wanted = {str(kind): int(count) for kind, count in module.params["structure"].items()}
    except (TypeError, ValueError):
        raise ValueError("structure must map process types to container counts, for example {web: 2}")
    client = client_from_params(module.params, clients)

    def current():
        return running((client.get(client.app_path(app_id)) or {}).get("structure"))
    before = current()
    change = scale_change(before, wanted, module.params["exact"])
    if change and not module.check_mode:
        attempt(client, lambda: client.scale(app_id, change), lambda: not scale_change(current(), wanted, module.params["exact"]),
                "scaling %s" % app_id)
    after = running(dict(before, **change))
    return {"changed": bool(change), "structure": after, "diff": {"before": before, "after": after}}


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
