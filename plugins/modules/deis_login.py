#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_login
short_description: Register with and/or log in to a Deis v1 controller
description:
  - Checks that O(controller) is a Deis controller (C(GET /v1/) answers 401, as the deis client checks), logs in and returns the token,
    the API and platform versions and whether the user is an admin.
  - With O(register=true) the user is registered first when the controller does not know it yet (the first user becomes admin).
  - Can write the deis client's session file (C(~/.deis/client.json)) with mode 0600.
  - The returned token is a secret - set C(no_log) on the task that registers it.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.deis_api
  - deis.platform.deis_api.transport
attributes:
  check_mode:
    support: full
    description: Logs in (that changes nothing) but neither registers nor writes the session file.
  diff_mode:
    support: none
    description: Nothing to compare.
options:
  controller:
    required: true
  username:
    required: true
  password:
    required: true
  register:
    description: Register O(username) when logging in fails because the user does not exist.
    type: bool
    default: false
  email:
    description: E-mail address for O(register).
    type: str
  session_file:
    description: Write the session file here (mode 0600), for example C(~/.deis/client.json); not written when omitted.
    type: path
"""

EXAMPLES = r"""
- name: Log in to the new cluster
  deis.platform.deis_login:
    controller: http://deis.newcluster.example.org
    username: admin
    password: "{{ vault_deis_password }}"
    session_file: ~/.deis/client.json
  register: new_login
  no_log: true
"""

RETURN = r"""
token:
  description: The API token (a secret).
  type: str
  returned: success
api_version:
  description: REST API version from the C(DEIS_API_VERSION) (or older C(X_DEIS_API_VERSION)) header; null for Deis v1.0.
  type: str
  returned: success
  sample: "1.7"
platform_version:
  description: Platform version from the C(DEIS_PLATFORM_VERSION) (or C(X_DEIS_PLATFORM_VERSION)) header.
  type: str
  returned: success
  sample: 1.13.4
is_admin:
  description: Whether the user is an admin; null when the controller does not tell.
  type: bool
  returned: success
registered:
  description: Whether the user was registered by the task.
  type: bool
  returned: success
session_file:
  description: Path of the session file, when written.
  type: str
  returned: when O(session_file) is set
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import DeisApiError, DeisClient
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import attempt
from ansible_collections.deis.platform.plugins.module_utils._deis_module import (
    connection_argument_spec, run_module, session_content, transport_options, write_session)


def argument_spec():
    spec = connection_argument_spec()
    for name in ("controller", "username", "password"):
        spec[name]["required"] = True
    spec.update(register={"type": "bool", "default": False}, email={"type": "str"}, session_file={"type": "path"})
    return spec


ARGUMENT_SPEC = argument_spec()


def logged_in(client, username, password):
    """True after a successful login, False when the controller refuses the credentials (400)."""
    try:
        client.login(username, password)
    except DeisApiError as error:
        if error.status == 400:
            return False
        raise
    return True


def work(module, clients):
    params = module.params
    client = DeisClient(params["controller"], None, **transport_options(params))
    clients.append(client)
    client.probe()
    registered = False
    if not logged_in(client, params["username"], params["password"]):
        if not params["register"]:
            client.login(params["username"], params["password"])
        if module.check_mode:
            return {"changed": True, "registered": True, "token": None, "is_admin": None, **client.versions}
        attempt(client, lambda: client.register(params["username"], params["password"], params["email"] or ""),
                lambda: logged_in(client, params["username"], params["password"]), "registering %s" % params["username"])
        registered = True
        client.login(params["username"], params["password"])
    result = {"changed": registered, "registered": registered, "token": client.token, "is_admin": client.is_admin(params["username"])}
    result.update(client.versions)
    if params["session_file"]:
        path = params["session_file"]
        content = session_content(client.url, params["username"], client.token, params["validate_certs"])
        if module.check_mode:
            result["changed"] = result["changed"] or not os.path.exists(path)
        elif write_session(path, content):
            result["changed"] = True
        result["session_file"] = path
    return result


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
