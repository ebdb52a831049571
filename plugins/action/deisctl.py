# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible_collections.deis.platform.plugins.module_utils._deisctl import (
    PLATFORM_TARGETS, STATEFUL, STATELESS_FLAG_FROM, component_of, describe, error_message, is_running, missing_components,
    needs_action, not_in_state, parse_refresh_units, parse_sha256sum, parse_version, platform_components, strip_ansi,
    takeover_components, takeover_gaps, template_paths, template_problems, unit_failures, unit_name, units_of,
    version_string)
from ansible_collections.deis.platform.plugins.plugin_utils._deisctl import DEISCTL_OPTIONS, Deisctl
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

LIFECYCLE = ("install", "uninstall", "start", "stop", "restart")
# upgrade-prep stops and destroys these, and the store unless --stateless (v1.13.4 upgrade.go:15-49).
PREP_REMOVES = ("database", "registry", "controller", "builder", "logger", "logspout")
# Failures deisctl reports (exit 0) that make a command fail; `Could not find unit` alone does not: upgrade-prep
# --stateless prints it for the database a stateless platform never had (run, v1.12.3), the unit checks decide.
FATAL = ("starting", "stopping", "creating: no unit template")


class ActionModule(NodeAction):
    """Run a deisctl command, then check with `deisctl list` (and for refresh-units the templates install will read)
    that it did what it says, by the rules of the deisctl version run."""

    ARGUMENT_SPEC = dict(DEISCTL_OPTIONS, **{
        "command": {"type": "str", "required": True,
                    "choices": list(LIFECYCLE) + ["refresh-units", "upgrade-prep", "upgrade-takeover"]},
        "target": {"type": "list", "elements": "str", "default": ["platform"]},
        "stateless": {"type": "bool", "default": False},
        "timeout": {"type": "int", "default": 3600},
        "units_path": {"type": "str"},
        "tag": {"type": "str"},
    })
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        started = time.time()
        result = self.command(params, runner)
        result.update(start=round(started, 3), end=round(time.time(), 3))
        return result

    def command(self, params, runner):
        deisctl = Deisctl(runner, params)
        command, targets = params["command"], params["target"]
        for target in targets:
            if target not in PLATFORM_TARGETS:
                try:
                    unit_name(target)
                except ValueError as error:
                    raise NodeActionFailed(str(error))
        version = parse_version(deisctl.version())
        if command == "refresh-units":
            return self.refresh_units(deisctl, runner, params, version)
        stateless = params["stateless"]
        if command.startswith("upgrade-") and stateless and version < STATELESS_FLAG_FROM:
            raise NodeActionFailed("deisctl %s has no %s --stateless (from v1.11.0; before, it is a usage error and "
                                   "upgrade-takeover installs the stateful platform)" % (version_string(version), command))
        before = deisctl.units()
        if command in LIFECYCLE and command != "restart":
            wanted = [u for target in targets for u in units_of(before, target, version, command)]
            absent = self.absent_components(command, targets, before, version)
            if not absent and not needs_action(wanted, command):
                return {"changed": False, "units": before, "msg": "nothing to do: %s" % (describe(wanted) or "no units")}
        if self.check_mode:
            return {"changed": True, "units": before}
        args = [command]
        if command in LIFECYCLE:
            args += targets
        elif command.startswith("upgrade-") and stateless:
            args.append("--stateless")
        result = deisctl.run(*args, timeout=params["timeout"])
        output = {"changed": True, "stdout": strip_ansi(result.stdout), "stderr": strip_ansi(result.stderr)}
        if result.rc != 0:
            raise NodeActionFailed("deisctl %s failed (rc %s): %s" % (" ".join(args), result.rc, error_message(result.stdout, result.stderr)),
                                   **output)
        after = deisctl.units()
        output.update(units=after, failed_units=unit_failures(result.stderr, result.stdout))
        if command == "upgrade-takeover":
            gaps = takeover_gaps(stateless, version)
            output["missing_components"] = missing_components(after, takeover_components(stateless, version) + tuple(gaps))
            output["upstream_gaps"] = {c: why for c, why in gaps.items() if c in output["missing_components"]}
        wrong = self.wrong_units(command, targets, stateless, after, version)
        fatal = [f for f in output["failed_units"] if f["while"] in FATAL]
        if wrong or fatal:
            named = describe(wrong) or ", ".join("%s (%s)" % (f["unit"], f["while"]) for f in fatal)
            raise NodeActionFailed("deisctl %s exited 0 but left units in the wrong state: %s" % (" ".join(args), named),
                                   wrong_units=wrong, **output)
        return output

    @staticmethod
    def absent_components(command, targets, units, version):
        """Platform components `install`/`start` should create/run that `deisctl list` does not show."""
        if command not in ("install", "start") or len(targets) != 1 or targets[0] not in PLATFORM_TARGETS:
            return []
        return missing_components(units, platform_components(command, targets[0] == "stateless-platform", version))

    def wrong_units(self, command, targets, stateless, after, version):
        missing = [{"unit": "deis-%s" % c, "active": "missing", "sub": "not listed"}
                   for c in self.absent_components(command, targets, after, version)]
        if command in LIFECYCLE:
            wanted = [u for target in targets for u in units_of(after, target, version, command)]
            if command in ("install", "start", "restart") and not wanted:
                return [{"unit": ", ".join(targets), "active": "missing", "sub": "not listed"}]
            return missing + not_in_state(wanted, command)
        if command == "upgrade-prep":
            gone = PREP_REMOVES + (() if stateless and version >= STATELESS_FLAG_FROM else STATEFUL)
            still = [u for u in after if component_of(u["unit"]) in gone]
            routers = [u for u in units_of(after, "router@*") if not is_running(u)]
            return still + routers
        if command == "upgrade-takeover":
            expected = takeover_components(stateless, version)
            absent = [{"unit": "deis-%s" % c, "active": "missing", "sub": "not listed"} for c in missing_components(after, expected)]
            return absent + not_in_state(after, "start")
        return []

    def refresh_units(self, deisctl, runner, params, version):
        """refresh-units into `units_path` (default $HOME/.deis/units of the user running deisctl) at `tag` (default the
        deisctl's own version), then check that `deisctl install` would read the refreshed templates for every
        component of the target: the lookup is per file, $DEISCTL_UNITS and ~/.deis/units before /var/lib/deis/units."""
        home = runner.run(["printenv", "HOME"]).stdout.strip()
        units_env = runner.run(["printenv", "DEISCTL_UNITS"]).stdout.strip()
        folder = params["units_path"] or home.rstrip("/") + "/.deis/units"
        tag = version_string(params["tag"]) if params["tag"] else version_string(version)
        stateless = params["stateless"] or params["target"] == ["stateless-platform"]
        components = platform_components("install", stateless, version) if params["target"][0] in PLATFORM_TARGETS \
            else tuple(sorted({component_of(unit_name(t)) for t in params["target"]}))
        folders = template_paths(home, units_env)
        candidates = sorted({f.rstrip("/") + "/deis-%s.service" % c for f in folders + [folder] for c in components})
        before = parse_sha256sum(runner.run(["sha256sum"] + candidates).stdout)
        if self.check_mode:
            return {"changed": True, "path": folder, "tag": tag}
        result = deisctl.run("refresh-units", "--path=" + folder, "--tag=" + tag, timeout=params["timeout"])
        output = {"stdout": strip_ansi(result.stdout), "stderr": strip_ansi(result.stderr), "path": folder, "tag": tag}
        try:
            parsed = parse_refresh_units(result.stdout)
        except ValueError as error:
            raise NodeActionFailed("unexpected deisctl refresh-units output: %s" % error, changed=True, **output)
        if result.rc != 0 or parsed["error"]:
            raise NodeActionFailed("deisctl refresh-units --tag=%s failed (rc %s): %s"
                                   % (tag, result.rc, parsed["error"] or error_message(result.stdout, result.stderr)), changed=True, **output)
        if parsed["tag"] != tag or not parsed["units"]:
            raise NodeActionFailed("deisctl refresh-units refreshed %s from %s, not %s" % (len(parsed["units"]), parsed["tag"], tag),
                                   changed=True, **output)
        after = parse_sha256sum(runner.run(["sha256sum"] + candidates).stdout)
        problems = template_problems(components, folders, after, folder)
        output.update(changed=before != after, units=parsed["units"],
                      templates={c: next((f.rstrip("/") + "/deis-%s.service" % c for f in folders
                                          if f.rstrip("/") + "/deis-%s.service" % c in after), None) for c in components})
        if problems:
            raise NodeActionFailed("deisctl install would not use the %s templates just refreshed into %s: %s"
                                   % (tag, folder, "; ".join("%s: %s" % (p["component"], p["reason"]) for p in problems)),
                                   problems=problems, **output)
        return output
