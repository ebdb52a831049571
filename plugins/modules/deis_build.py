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
  - Idempotent - no new release when the app's latest release already runs a build of that image (and of that Procfile, when given).
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
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.deis.platform.plugins.module_utils._deis_api import check_app_id, client_from_params, connection_argument_spec, run_module


def work(module):
    app_id, image, procfile = check_app_id(module.params["app"]), module.params["image"], module.params["procfile"]
    if ":" not in image.rsplit("/", 1)[-1]:
        raise ValueError("%s must contain a tag (the deis client refuses untagged images too)" % image)
    client = client_from_params(module.params)
    release = client.latest(app_id, "releases")
    build = client.build(app_id, release["build"]) if release and release.get("build") else None
    same = build is not None and build["image"] == image and (procfile is None or (build.get("procfile") or {}) == procfile)
    version = release["version"] if release else None
    if not same and not module.check_mode:
        version = client.create_build(app_id, image, procfile) or client.latest(app_id, "releases")["version"]
    return {"changed": not same, "release": version, "image": build["image"] if build else None,
            "diff": {"before": {"image": build["image"] if build else None}, "after": {"image": image}}}


def main():
    spec = connection_argument_spec()
    spec.update(app={"type": "str", "required": True}, image={"type": "str", "required": True}, procfile={"type": "dict"})
    run_module(AnsibleModule(argument_spec=spec, supports_check_mode=True), work)


if __name__ == "__main__":
    main()
