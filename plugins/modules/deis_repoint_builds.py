#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_repoint_builds
short_description: Make migrated apps build from the new Deis v1 cluster's own registry before the old one goes
description:
  - From Deis v1.12 on, every new release of an app built with C(deis pull) (a config change, a scale of a new process type, a
    rollback) pulls the build's image again from where it came from. After a migration that is the old cluster's registry, so
    C(deis config:set) fails once the old cluster is stopped.
  - For every app whose latest build comes from O(old_registry), this module makes a new build (same Procfile) from the image the
    new cluster's own registry O(registry) holds for the release that build made first - the migrated image with that release's
    environment layer. The tag is checked in the registry (C(GET /v1/repositories/<app>/tags/v<N>)) before the build.
  - Deis v1.7 to v1.11 import a pulled image into the cluster's own registry and build every later release from that copy, so
    nothing is needed there; every app is reported C(not_needed).
  - Idempotent - an app whose build already comes from O(registry) is C(already_done). When the answer to a build is lost
    (timeout, 5xx), the app is read again instead of pulling twice.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.deis_api
  - deis.platform.deis_api.transport
attributes:
  check_mode:
    support: full
    description: Finds the image each app would build from (tag check included) without building.
  diff_mode:
    support: none
    description: The results list the image of each app.
options:
  registry:
    description:
      - The new cluster's own registry as its Docker daemons reach it, C(host:port) - the etcd keys C(/deis/registry/host)
        and C(/deis/registry/port) of the new cluster (C(deisctl config registry get host port)).
      - The control node must reach it too, over plain http, for the tag check.
    type: str
    required: true
  old_registry:
    description: The old cluster's registry, C(host:port), as the migration pulled from it.
    type: str
    required: true
  apps:
    description: The app ids (those of the migration); every app of the controller when omitted.
    type: list
    elements: str
  concurrency:
    description: How many apps are handled at the same time.
    type: int
    default: 8
  registry_timeout:
    description: Seconds to wait for the registry's answer to a tag check.
    type: float
    default: 10
seealso:
  - module: deis.platform.deis_migrate
"""

EXAMPLES = r"""
- name: Build the migrated apps from the new cluster's registry
  deis.platform.deis_repoint_builds:
    controller: https://deis.newcluster.example.org
    token: "{{ new_token }}"
    registry: 10.21.2.7:5000
    old_registry: 10.21.1.5:5000
    apps: "{{ migration.results | map(attribute='app') | list }}"
  register: repointed
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
        - C(repointed) (in check mode - would be), C(already_done), C(not_needed) (Deis before v1.12, or a build not from O(old_registry)),
          C(no_build) or C(failed).
      type: str
    image: {description: The image the app builds from afterwards (or would)., type: str}
    release: {description: Latest release version afterwards., type: int}
    reason: {description: "Why nothing is needed, or why it failed.", type: str}
needed:
  description: Whether the new controller's version builds new releases from the build's image (v1.12 or later).
  type: bool
  returned: success
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import repoint_apps
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module

ARGUMENT_SPEC = dict(connection_argument_spec(), registry={"type": "str", "required": True}, old_registry={"type": "str", "required": True},
                     apps={"type": "list", "elements": "str"}, concurrency={"type": "int", "default": 8},
                     registry_timeout={"type": "float", "default": 10.0})


def work(module, clients):
    params = module.params
    for app_id in params["apps"] or []:
        check_app_id(app_id)
    client = client_from_params(params, clients)
    app_ids = params["apps"] if params["apps"] is not None else [app["id"] for app in client.apps()]
    needed, results = repoint_apps(client, app_ids, params["registry"], params["old_registry"], params["concurrency"],
                                   module.check_mode, params["registry_timeout"], params["use_proxy"])
    for item in results:
        if item["status"] == "failed":
            module.warn("app %s: %s" % (item["app"], item["reason"]))
    return {"changed": any(item["status"] == "repointed" for item in results), "results": results, "needed": needed}


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
