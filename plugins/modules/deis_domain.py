#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_domain
short_description: Attach or detach custom domains of a Deis v1 app
description:
  - Like C(deis domains:add) / C(deis domains:remove); only the domains that are missing (or present, for O(state=absent)) are touched.
  - Domains are compared without case and without a trailing dot (they are DNS names); the controller keeps the spelling it was
    given, so a domain is added as written in O(domains) and removed with the spelling the controller holds.
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
  domains:
    description: Host names, for example C(happy-bandit.oldcluster.example.org).
    type: list
    elements: str
    required: true
    aliases: [domain]
  state:
    description: Whether the domains should be attached.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description: With O(state=present), also detach the app's domains that O(domains) does not list.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Keep the old name working on the new cluster
  deis.platform.deis_domain:
    controller: http://deis.newcluster.example.org
    token: "{{ new_token }}"
    app: happy-bandit
    domains: [happy-bandit.oldcluster.example.org]
"""

RETURN = r"""
domains:
  description: The app's domains after the task.
  type: list
  elements: str
  returned: success
added:
  description: Domains attached by the task.
  type: list
  elements: str
  returned: success
removed:
  description: Domains detached by the task.
  type: list
  elements: str
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import attempt
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import domain_changes, domains_present

ARGUMENT_SPEC = dict(connection_argument_spec(), app={"type": "str", "required": True},
                     domains={"type": "list", "elements": "str", "required": True, "aliases": ["domain"]},
                     state={"type": "str", "choices": ["present", "absent"], "default": "present"}, purge={"type": "bool", "default": False})


def work(module, clients):
    app_id, wanted = check_app_id(module.params["app"]), module.params["domains"]
    client = client_from_params(module.params, clients)
    before = sorted(client.domains(app_id))
    if module.params["state"] == "present":
        add, remove = domain_changes(before, wanted, module.params["purge"])
    else:
        add, remove = [], sorted(domains_present(wanted, before))
    if not module.check_mode:
        for domain in add:
            attempt(client, lambda name=domain: client.add_domain(app_id, name),
                    lambda name=domain: bool(domains_present(client.domains(app_id), [name])), "adding %s" % domain)
        for domain in remove:
            attempt(client, lambda name=domain: client.remove_domain(app_id, name),
                    lambda name=domain: name not in client.domains(app_id), "removing %s" % domain)
    after = sorted((set(before) | set(add)) - set(remove))
    return {"changed": bool(add or remove), "domains": after, "added": add, "removed": remove,
            "diff": {"before": "\n".join(before) + "\n", "after": "\n".join(after) + "\n"}}


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
