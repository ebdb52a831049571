# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this plugin util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""The one deisctl runner of the collection: global options, and the reads every deisctl module needs."""

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._deisctl import config_value, deisctl_version, error_message, parse_list
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeActionFailed

DEISCTL_OPTIONS = {
    "deisctl": {"type": "str", "default": "/opt/bin/deisctl"},
    "endpoint": {"type": "str"},
    "tunnel": {"type": "str"},
}


class Deisctl:
    """deisctl with the task's global options, run through a NodeRunner."""

    def __init__(self, runner, params):
        self.runner = runner
        self.argv = [params["deisctl"]]
        if params.get("endpoint"):
            self.argv.append("--endpoint=" + params["endpoint"])
        self.env = {"DEISCTL_TUNNEL": params["tunnel"]} if params.get("tunnel") else {}

    def run(self, *args, timeout=None):
        prefix = ["timeout", str(timeout)] if timeout else []
        return self.runner.run(prefix + self.argv + list(args), env=self.env)

    def version(self):
        result = self.run("--version")
        try:
            return deisctl_version(result.rc, result.stdout)
        except ValueError as error:
            raise NodeActionFailed("%s: %s" % (self.argv[0], error), rc=result.rc, stderr=result.stderr)

    def units(self):
        result = self.run("list")
        if result.rc != 0:
            raise NodeActionFailed("deisctl list failed (rc %s): %s" % (result.rc, error_message(result.stdout, result.stderr)),
                                   rc=result.rc, stdout=result.stdout, stderr=result.stderr)
        try:
            return parse_list(result.stdout)
        except ValueError as error:
            raise NodeActionFailed("unexpected deisctl list output: %s" % error, stdout=result.stdout)

    def config_get(self, target, key):
        result = self.run("config", target, "get", key)
        try:
            return config_value(result.rc, result.stdout)
        except ValueError as error:
            raise NodeActionFailed(str(error), rc=result.rc, stdout=result.stdout, stderr=result.stderr)
