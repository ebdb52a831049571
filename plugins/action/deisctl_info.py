# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._deisctl import is_running, parse_version
from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_machines
from ansible_collections.deis.platform.plugins.plugin_utils._deisctl import DEISCTL_OPTIONS, Deisctl
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

COMPONENTS = ("store-monitor", "store-daemon", "store-metadata", "store-gateway", "store-volume", "logger", "logspout",
              "database", "registry", "controller", "builder", "publisher", "router")


class ActionModule(NodeAction):
    """deisctl's version, the platform version and domain, units, machines and pinned component images."""

    ARGUMENT_SPEC = dict(DEISCTL_OPTIONS, **{"gather_pinned_images": {"type": "bool", "default": True}})
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        deisctl = Deisctl(runner, params)
        version = deisctl.version()
        platform_version = deisctl.config_get("platform", "version")
        if platform_version is not None:
            try:
                parse_version(platform_version)
            except ValueError as error:
                raise NodeActionFailed("/deis/platform/version holds %s" % error)
        units = deisctl.units()
        result = {
            "deisctl_version": version,
            "platform_version": platform_version,
            "platform_domain": deisctl.config_get("platform", "domain"),
            "units": units,
            "all_running": bool(units) and all(is_running(u) for u in units),
        }
        if parse_version(version) >= (1, 12, 0):
            machines = deisctl.run("machines")
            if machines.rc == 0:
                result["machines"] = [{"id": m["machine"], "ip": m["ip"], "metadata": m["metadata"]}
                                      for m in parse_list_machines(machines.stdout)]
        if params["gather_pinned_images"]:
            pinned = {}
            for component in COMPONENTS:
                image = deisctl.config_get(component, "image")
                if image is not None:
                    pinned[component] = image
            result["pinned_images"] = pinned
        return result
