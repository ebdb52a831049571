#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_app
short_description: Create or delete a Deis v1 application
description:
  - Creates an app (like C(deis create APP --no-remote)) or deletes it (C(deis apps:destroy)) on a Deis v1 controller.
  - The app id is checked (lowercase letters, digits, C(-)) before any request.
  - When the answer to the create or delete request is lost (timeout, 5xx), the app is read again instead of sending the request twice.
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
  state:
    description: Whether the app should exist.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: deis.platform.deis_build
  - module: deis.platform.deis_migrate
"""

EXAMPLES = r"""
- name: Create the app on the new cluster
  deis.platform.deis_app:
    controller: http://deis.newcluster.example.org
    username: admin
    password: "{{ vault_deis_password }}"
    app: happy-bandit
"""

RETURN = r"""
app:
  description: The app as the controller shows it (id, owner, url, structure, ...); null when absent.
  type: dict
  returned: success
  sample: {"id": "happy-bandit", "owner": "admin", "url": "happy-bandit.newcluster.example.org", "structure": {}}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import attempt
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module

ARGUMENT_SPEC = dict(connection_argument_spec(), app={"type": "str", "required": True},
                     state={"type": "str", "choices": ["present", "absent"], "default": "present"})


def work(module, clients):
    app_id, state = check_app_id(module.params["app"]), module.params["state"]
    client = client_from_params(module.params, clients)
    before = client.app(app_id)
    changed = (before is None) == (state == "present")
    after = before
    if changed and not module.check_mode:
        if state == "present":
            attempt(client, lambda: client.create_app(app_id), lambda: client.app(app_id) is not None, "creating %s" % app_id)
            after = client.app(app_id)
        else:
            attempt(client, lambda: client.delete_app(app_id), lambda: client.app(app_id) is None, "deleting %s" % app_id)
            after = None
    elif changed:
        after = {"id": app_id} if state == "present" else None
    return {"changed": changed, "app": after, "diff": {"before": {"app": app_id if before else None}, "after": {"app": app_id if after else None}}}


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
