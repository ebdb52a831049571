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
    config values, limits and tags, attach the custom domains and C(<app>.<old_domain>), and scale to the old structure."
  - Only missing steps are done, so a re-run reports C(already_done) and duplicates nothing.
  - An app that exists on the new cluster but belongs to another user is C(skipped) and never touched. One app failing never stops the others.
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
    description: Admin user of the old cluster (an admin sees the apps of every user).
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
    description: User that owns the migrated apps on the new cluster.
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
seealso:
  - module: deis.platform.deis_apps_info
  - module: deis.platform.dns_cname_records
"""

EXAMPLES = r"""
- name: Migrate every app
  deis.platform.deis_migrate:
    old_controller: http://deis.oldcluster.example.org
    old_username: admin
    old_password: "{{ vault_old_password }}"
    new_controller: http://deis.newcluster.example.org
    new_username: admin
    new_password: "{{ vault_new_password }}"
    registry: registry.oldcluster.example.org:5000
    old_domain: oldcluster.example.org
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
    status: {description: "C(migrated), C(already_done), C(skipped) or C(failed) (in check mode C(migrated) means: would be migrated).", type: str}
    reason: {description: Why the app was skipped or failed., type: str}
    steps: {description: "Steps done (or planned in check mode): create, build, config, domains, scale.", type: list, elements: str}
    release: {description: Latest release version on the new cluster afterwards., type: int}
    old_release: {description: Latest release version on the old cluster., type: int}
    image: {description: Image the app runs on the new cluster., type: str}
    domains: {description: Domains the app must have on the new cluster., type: list, elements: str}
    structure: {description: Structure of the app on the old cluster., type: dict}
summary:
  description: Number of apps per status.
  type: dict
  returned: success
  sample: {"migrated": 118, "already_done": 0, "skipped": 1, "failed": 1}
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_api import (
    check_app_id, client_from_options, migrate_apps, run_module, transport_argument_spec)

STATUSES = ("migrated", "already_done", "skipped", "failed")


def work(module):
    params = module.params
    if params["apps"] is not None:
        for app_id in params["apps"]:
            check_app_id(app_id)
    common = (params["validate_certs"], params["timeout"], params["retries"], params["retry_delay"])
    for side in ("old", "new"):
        if not params[side + "_token"] and not (params[side + "_username"] and params[side + "_password"]):
            raise ValueError("give %s_token or %s_username and %s_password" % (side, side, side))
    old = client_from_options(params["old_controller"], params["old_username"], params["old_password"], params["old_token"], None, *common)
    new = client_from_options(params["new_controller"], params["new_username"], params["new_password"], params["new_token"], None, *common)
    app_ids = params["apps"] if params["apps"] is not None else [app["id"] for app in old.apps()]
    results = migrate_apps(old, new, app_ids, params["registry"], params["old_domain"], params["new_username"], params["concurrency"],
                           module.check_mode)
    summary = {status: sum(1 for item in results if item["status"] == status) for status in STATUSES}
    for item in results:
        if item["status"] == "failed":
            module.warn("app %s failed: %s" % (item["app"], item["reason"]))
    return {"changed": summary["migrated"] > 0, "results": results, "summary": summary}


def main():
    spec = {
        "old_controller": {"type": "str", "required": True}, "old_username": {"type": "str"},
        "old_password": {"type": "str", "no_log": True}, "old_token": {"type": "str", "no_log": True},
        "new_controller": {"type": "str", "required": True}, "new_username": {"type": "str", "required": True},
        "new_password": {"type": "str", "no_log": True}, "new_token": {"type": "str", "no_log": True},
        "registry": {"type": "str", "required": True}, "old_domain": {"type": "str", "required": True},
        "apps": {"type": "list", "elements": "str"}, "concurrency": {"type": "int", "default": 8},
        **transport_argument_spec(),
    }
    run_module(AnsibleModule(argument_spec=spec, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
