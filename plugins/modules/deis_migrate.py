#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_migrate
short_description: Migrate many apps from an old Deis v1 cluster to a new one
description:
  - The "migration upgrade" of the Deis guide for many apps in one task, with at most O(concurrency) apps at a time.
  - "Per app, on the new cluster: create it, build from C(<registry>/<app>:v<latest release>) (with the old build's Procfile), copy the
    config values, limits and tags, attach the custom domains and C(<app>.<old_domain>), scale to the old structure, share it with the
    users it was shared with, and give it to its old owner."
  - An app that never had a build on the old cluster gets its config, limits, tags, domains and sharing but no build; it is reported
    as C(not_deployed).
  - Owners are kept when a user of the same name exists on the new cluster (and the new controller, v1.11 or later, can transfer apps);
    otherwise the app stays with O(new_username) and the result says so. Passwords cannot be migrated - with O(register_users=true)
    missing users are registered with generated passwords written to O(passwords_file).
  - Only missing steps are done, so a re-run reports C(already_done) and duplicates nothing. A build counts only once the new
    controller deployed it - a release whose pull failed is built again on the next run.
  - Writes are never repeated blindly - after a timeout or a 5xx the app is read again and the step is sent again only when it did not
    take effect.
  - An app that exists on the new cluster but belongs to another user (neither O(new_username) nor the app's old owner) is C(skipped)
    and never touched. One app failing never stops the others.
  - Config values are never part of the result, nor of a failure message.
  - The new cluster must reach the old cluster's registry.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.deis_api.transport
attributes:
  check_mode:
    support: full
    description: Reads both clusters and reports what each app would get (the plan).
  diff_mode:
    support: none
    description: Nothing to compare.
options:
  old_controller:
    description: URL of the old cluster's controller.
    type: str
    required: true
  old_username:
    description: Admin user of the old cluster (an admin sees the apps and users of every user).
    type: str
  old_password:
    description: Password of O(old_username).
    type: str
  old_token:
    description: API token for the old cluster, instead of O(old_username)/O(old_password).
    type: str
  new_controller:
    description: URL of the new cluster's controller.
    type: str
    required: true
  new_username:
    description: Admin user of the new cluster; it creates the apps (and keeps those whose owner has no user there).
    type: str
    required: true
  new_password:
    description: Password of O(new_username).
    type: str
  new_token:
    description: API token of O(new_username) on the new cluster, instead of O(new_password).
    type: str
  registry:
    description: The old cluster's registry as the new cluster reaches it, C(host:port), for example C(registry.oldcluster.example.org:5000).
    type: str
    required: true
  old_domain:
    description: Platform domain of the old cluster; C(<app>.<old_domain>) is attached to each migrated app.
    type: str
    required: true
  apps:
    description: Only these app ids; every app of the old cluster when omitted.
    type: list
    elements: str
  concurrency:
    description: How many apps are migrated at the same time.
    type: int
    default: 8
  record:
    description:
      - JSON file (mode 0600) where the release versions the new controller accepted (answered 2xx) are kept between runs.
      - An app scaled to 0 runs no container that would show its latest release was deployed; the record then tells. Without it
        such an app is built again on every run.
    type: path
  register_users:
    description: Register the owners and sharing users that the new cluster lacks, with generated passwords.
    type: bool
    default: false
  passwords_file:
    description: "JSON file (mode 0600) of the generated passwords, C({user: password}); required with O(register_users=true)."
    type: path
seealso:
  - module: deis.platform.deis_apps_info
  - module: deis.platform.deis_repoint_builds
  - module: deis.platform.dns_cname_records
"""

EXAMPLES = r"""
- name: Migrate every app
  deis.platform.deis_migrate:
    old_controller: http://deis.oldcluster.example.org
    old_username: admin
    old_password: "{{ vault_old_password }}"
    new_controller: https://deis.newcluster.example.org
    new_username: admin
    new_password: "{{ vault_new_password }}"
    registry: 10.21.1.5:5000
    old_domain: oldcluster.example.org
    record: "{{ playbook_dir }}/migration/accepted-releases.json"
  register: migration
"""

RETURN = r"""
results:
  description: One entry per app, sorted by id.
  type: list
  elements: dict
  returned: success
  contains:
    app: {description: App id., type: str}
    status:
      description:
        - C(migrated), C(already_done), C(not_deployed) (no build on the old cluster), C(skipped) or C(failed).
        - In check mode C(migrated) means it would be migrated.
      type: str
    reason: {description: Why the app was skipped or failed., type: str}
    steps: {description: "Steps done (or planned in check mode): create, build, config, domains, scale, perms, owner.", type: list, elements: str}
    changed: {description: Whether the app was changed., type: bool}
    release: {description: Latest release version on the new cluster afterwards., type: int}
    old_release: {description: Latest release version on the old cluster., type: int}
    image: {description: Image the app is built from on the new cluster (null when not deployed)., type: str}
    domains: {description: Domains the app must have on the new cluster., type: list, elements: str}
    structure: {description: Structure of the app on the old cluster., type: dict}
    owner: {description: Owner on the old cluster., type: str}
    new_owner: {description: Owner on the new cluster afterwards., type: str}
    shared_with: {description: Users the app is shared with on the new cluster afterwards., type: list, elements: str}
    not_shared: {description: Users the app was shared with on the old cluster that the new cluster lacks., type: list, elements: str}
summary:
  description: Number of apps per status.
  type: dict
  returned: success
  sample: {"migrated": 118, "already_done": 0, "not_deployed": 10, "skipped": 1, "failed": 1}
users:
  description:
    - Owners and sharing users of the old apps - C(present) on the new cluster, C(missing) there, C(registered) by the task.
    - C(known) is false when the new login is not an admin and cannot list users (owners and sharing are then not replicated).
  type: dict
  returned: success
  sample: {"known": true, "present": ["admin", "alice"], "missing": ["bob"], "registered": []}
"""

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import migrate_apps, write_private_json
from ansible_collections.deis.platform.plugins.module_utils._deis_module import (
    client_from_options, run_module, transport_argument_spec, transport_options)
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import summary

ARGUMENT_SPEC = {
    "old_controller": {"type": "str", "required": True}, "old_username": {"type": "str"},
    "old_password": {"type": "str", "no_log": True}, "old_token": {"type": "str", "no_log": True},
    "new_controller": {"type": "str", "required": True}, "new_username": {"type": "str", "required": True},
    "new_password": {"type": "str", "no_log": True}, "new_token": {"type": "str", "no_log": True},
    "registry": {"type": "str", "required": True}, "old_domain": {"type": "str", "required": True},
    "apps": {"type": "list", "elements": "str"}, "concurrency": {"type": "int", "default": 8},
    "record": {"type": "path"}, "register_users": {"type": "bool", "default": False}, "passwords_file": {"type": "path", "no_log": False},
    **transport_argument_spec(),
}


def read_record(path):
    """{app: release version} from the record file, {} when there is none."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise ValueError("the record %s is not JSON: %s" % (path, error))
    releases = data.get("releases") if isinstance(data, dict) else None
    return {str(app): int(version) for app, version in (releases or {}).items()}


def work(module, clients):
    params = module.params
    if params["apps"] is not None:
        for app_id in params["apps"]:
            check_app_id(app_id)
    for side in ("old", "new"):
        if not params[side + "_token"] and not (params[side + "_username"] and params[side + "_password"]):
            raise ValueError("give %s_token or %s_username and %s_password" % (side, side, side))
    transport = transport_options(params)
    old = client_from_options(params["old_controller"], params["old_username"], params["old_password"], params["old_token"], None,
                              clients, **transport)
    new = client_from_options(params["new_controller"], params["new_username"], params["new_password"], params["new_token"], None,
                              clients, **transport)
    recorded = read_record(params["record"])
    outcome = migrate_apps(old, new, params["apps"], params["registry"], params["old_domain"], params["new_username"],
                           params["concurrency"], module.check_mode, recorded, params["register_users"], params["passwords_file"])
    results = outcome["results"]
    accepted = {item["app"]: item.pop("accepted_release") for item in results if item.get("accepted_release")}
    for item in results:
        item.pop("accepted_release", None)
        if item["status"] == "failed":
            module.warn("app %s failed: %s" % (item["app"], item["reason"]))
    if params["record"] and accepted and not module.check_mode:
        write_private_json(params["record"], {"releases": dict(recorded, **accepted)})
    changed = any(item["changed"] for item in results) or bool(outcome["users"]["registered"])
    if module.check_mode:
        changed = any(item["steps"] for item in results) or bool(outcome["users"]["registered"])
    return {"changed": changed, "results": results, "summary": summary(results), "users": outcome["users"]}


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True,
                           required_if=[("register_users", True, ("passwords_file",))])
    run_module(module, work)


if __name__ == "__main__":
    main()
