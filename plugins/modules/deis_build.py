#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deis_build
short_description: Deploy a Docker image to a Deis v1 app (deis pull)
description:
  - The equivalent of C(deis pull IMAGE -a APP) (C(POST /v1/apps/APP/builds/)); the controller pulls the image and makes a new release.
  - Idempotent - no new release when the app's latest release has a build of that image (and of that Procfile, when given)
    and was deployed. A release whose pull failed stays in the controller without running anywhere; such a release is built again.
    An app scaled to 0 runs no container to tell from; its latest release then counts as deployed.
  - The request waits up to O(long_timeout). When its answer is lost (timeout, 5xx), the app's releases are read again instead of
    pulling twice - a new release of the image that runs counts as done, one that does not is a failure.
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
  image:
    description: The image reference with a tag, for example C(registry.oldcluster.example.org:5000/happy-bandit:v3).
    type: str
    required: true
  procfile:
    description: Process types and their commands (the Procfile as a dict); needed to scale process types other than C(cmd).
    type: dict
seealso:
  - module: deis.platform.deis_app
  - module: deis.platform.deis_scale
"""

EXAMPLES = r"""
- name: Pull the image the old cluster runs
  deis.platform.deis_build:
    controller: http://deis.newcluster.example.org
    token: "{{ new_token }}"
    app: happy-bandit
    image: registry.oldcluster.example.org:5000/happy-bandit:v3
"""

RETURN = r"""
release:
  description: Version of the app's latest release after the task.
  type: int
  returned: success
  sample: 2
image:
  description: Image of the latest release's build before the task (null without a build).
  type: str
  returned: success
reason:
  description: Why the image is pulled again although the latest release has it (that release was not deployed).
  type: str
  returned: when the latest release has the image but was not deployed
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_client import check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_migration import attempt, deployed_release
from ansible_collections.deis.platform.plugins.module_utils._deis_module import client_from_params, connection_argument_spec, run_module
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import release_live

ARGUMENT_SPEC = dict(connection_argument_spec(), app={"type": "str", "required": True}, image={"type": "str", "required": True},
                     procfile={"type": "dict"})


def work(module, clients):
    app_id, image, procfile = check_app_id(module.params["app"]), module.params["image"], module.params["procfile"]
    if ":" not in image.rsplit("/", 1)[-1]:
        raise ValueError("%s must contain a tag (the deis client refuses untagged images too)" % image)
    client = client_from_params(module.params, clients)
    release = client.latest(app_id, "releases")
    build = client.build(app_id, release["build"]) if release and release.get("build") else None
    same = build is not None and build["image"] == image and (procfile is None or (build.get("procfile") or {}) == procfile)
    result = {"image": build["image"] if build else None}
    if same:
        structure = (client.get(client.app_path(app_id)) or {}).get("structure")
        live, reason = release_live(release, client.containers(app_id), structure)
        if live is False:
            same = False
            result["reason"] = reason
    version = release["version"] if release else None
    if not same and not module.check_mode:
        before = version or 0
        version = attempt(client, lambda: client.create_build(app_id, image, procfile),
                          lambda: deployed_release(client, app_id, before, image), "the build of %s" % app_id)
        version = version or client.latest(app_id, "releases")["version"]
    result.update(changed=not same, release=version, diff={"before": {"image": result["image"]}, "after": {"image": image}})
    return result


def main():
    run_module(AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
