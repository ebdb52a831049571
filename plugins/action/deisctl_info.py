# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._deis_client import DeisApiError, DeisClient
from ansible_collections.deis.platform.plugins.module_utils._deisctl import (
    KEY_NOT_FOUND_RE, is_running, missing_components, parse_deis_release, parse_version, platform_components, resolve_platform_version,
    target_images, version_string)
from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_machines
from ansible_collections.deis.platform.plugins.plugin_utils._deisctl import DEISCTL_OPTIONS, Deisctl
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

COMPONENTS = ("store-monitor", "store-daemon", "store-metadata", "store-gateway", "store-volume", "logger", "logspout",
              "database", "registry", "controller", "builder", "publisher", "router")
RELEASE_FILE = "/etc/deis-release"


class ActionModule(NodeAction):
    """deisctl's version, the platform version (and where it came from) and domain, units, machines, pinned images."""

    ARGUMENT_SPEC = dict(DEISCTL_OPTIONS, **{
        "gather_pinned_images": {"type": "bool", "default": True},
        "stateless": {"type": "bool", "default": False},
        "target_version": {"type": "str"},
        "controller_url": {"type": "str"},
        "controller_validate_certs": {"type": "bool", "default": True},
    })
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        deisctl = Deisctl(runner, params)
        version = deisctl.version()
        domain = deisctl.config_get("platform", "domain")
        key = self.checked(deisctl.config_get("platform", "version"), "/deis/platform/version")
        release_file = runner.run(["cat", RELEASE_FILE])
        release = parse_deis_release(release_file.stdout) if release_file.rc == 0 else None
        controller_url = params["controller_url"] or ("http://deis." + domain if domain else None)
        controller = None
        if not key and not release and controller_url:
            controller = self.controller_version(controller_url, params["controller_validate_certs"])
        resolved = resolve_platform_version(key, release, controller.get("version") if controller else None)
        units = deisctl.units()
        expected = platform_components("install", params["stateless"], parse_version(version))
        result = {
            "deisctl_version": version,
            "platform_version": resolved["version"],
            "platform_version_source": resolved["source"],
            "platform_version_key": key,
            "deis_release": release,
            "platform_domain": domain,
            "units": units,
            "all_running": bool(units) and all(is_running(u) for u in units),
            "missing_components": missing_components(units, expected),
        }
        if controller:
            result["controller"] = controller
        result["published_services"] = self.published_services(deisctl)
        if parse_version(version) >= (1, 12, 0):
            machines = deisctl.run("machines")
            if machines.rc == 0:
                result["machines"] = [{"id": m["machine"], "ip": m["ip"], "metadata": m["metadata"]}
                                      for m in parse_list_machines(machines.stdout)]
        pinned = {}
        if params["gather_pinned_images"] or params["target_version"]:
            for component in COMPONENTS:
                image = deisctl.config_get(component, "image")
                if image is not None:
                    pinned[component] = image
        if params["gather_pinned_images"]:
            result["pinned_images"] = pinned
        if params["target_version"]:
            result["target_images"] = target_images(self.checked(params["target_version"], "target_version"),
                                                    params["stateless"], pinned)
        return result

    @staticmethod
    def published_services(deisctl):
        """Whether /deis/services exists (upgrade-takeover fails without it, v1.13.4 upgrade.go:80-90): `deisctl config
        services get ""` prints the directory's empty value, or etcd's Key not found (run, v1.13.4); None when unknown."""
        answer = deisctl.run("config", "services", "get", "")
        if answer.rc == 0:
            return True
        return False if KEY_NOT_FOUND_RE.match(answer.stdout.strip()) else None

    @staticmethod
    def checked(value, what):
        if value is None:
            return None
        try:
            return version_string(value)
        except ValueError as error:
            raise NodeActionFailed("%s holds %s" % (what, error))

    @staticmethod
    def controller_version(url, validate_certs):
        """GET <controller>/v1/ answers 401 with DEIS_PLATFORM_VERSION on every v1.7-v1.13 controller (middleware.py:4-9;
        /healthz only from v1.13.0)."""
        try:
            versions = DeisClient(url, validate_certs=validate_certs, timeout=10.0, retries=1).probe()
        except DeisApiError as error:
            return {"url": url, "version": None, "error": str(error)}
        platform = versions.get("platform_version")
        try:
            return {"url": url, "version": version_string(platform) if platform else None}
        except ValueError:
            return {"url": url, "version": None, "error": "DEIS_PLATFORM_VERSION is %r" % platform}
