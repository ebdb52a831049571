# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

from ansible_collections.deis.platform.plugins.module_utils._locksmith import ERROR_SEMAPHORE_FULL, classify_error, parse_status
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

MACHINE_ID = re.compile(r"^[0-9a-f]{32}$")


class ActionModule(NodeAction):
    """Hold or release the CoreOS reboot lock (locksmith's etcd semaphore) for a machine; idempotent."""

    ARGUMENT_SPEC = {
        "state": {"type": "str", "default": "locked", "choices": ["locked", "unlocked"]},
        "machine_id": {"type": "str"},
        "group": {"type": "str"},
        "endpoint": {"type": "str"},
        "names": {"type": "dict", "default": {}},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        machine_id = params["machine_id"] or runner.run_ok(["cat", "/etc/machine-id"], "reading /etc/machine-id").stdout.strip()
        if not MACHINE_ID.match(machine_id):
            raise NodeActionFailed("machine_id %r is not a 32-character hexadecimal machine id" % machine_id)
        base = ["locksmithctl"]
        if params["endpoint"]:
            base.append("-endpoint=" + params["endpoint"])
        if params["group"]:
            base.append("-group=" + params["group"])
        before = self.status(runner, base)
        held = machine_id in before["holders"]
        wanted = params["state"] == "locked"
        result = {"machine_id": machine_id, "semaphore": before, "changed": held != wanted}
        if self.diff_mode:
            result["diff"] = {"before": _view(before["holders"]),
                              "after": _view(_holders_after(before["holders"], machine_id, wanted))}
        if held == wanted or self.check_mode:
            return result
        verb = "lock" if wanted else "unlock"
        outcome = runner.run(base + [verb, machine_id])
        if outcome.rc != 0:
            # Over a pseudo-terminal (ssh -tt, as become uses) locksmithctl's stderr arrives on stdout.
            kind = classify_error(outcome.stderr + outcome.stdout)
            reason = (held_by(before, params["names"]) if kind == ERROR_SEMAPHORE_FULL
                      else outcome.stderr.strip() or outcome.stdout.strip() or "exit status %s and no message" % outcome.rc)
            raise NodeActionFailed("locksmithctl %s failed: %s" % (verb, reason), error=kind, rc=outcome.rc,
                                   stderr=outcome.stderr, stdout=outcome.stdout, semaphore=before)
        after = self.status(runner, base)
        if (machine_id in after["holders"]) != wanted:
            raise NodeActionFailed("locksmithctl %s exited 0 but the semaphore holders are %s" % (verb, after["holders"]),
                                   semaphore=after, changed=True)
        result["semaphore"] = after
        return result

    def status(self, runner, base):
        result = runner.run_ok(base + ["status"], "locksmithctl status")
        try:
            return parse_status(result.stdout)
        except ValueError as error:
            raise NodeActionFailed("unexpected locksmithctl status output: %s" % error, stdout=result.stdout)


def held_by(semaphore, names):
    """Who holds the lock, and how to release it by hand when that machine is not rebooting."""
    if not semaphore["holders"]:
        return "the reboot semaphore has no free slot (max %d) and no holder" % semaphore["max"]
    holders = ", ".join("%s (%s)" % (holder, names[holder]) if names.get(holder) else holder for holder in semaphore["holders"])
    unlock = " or ".join("locksmithctl unlock %s" % holder for holder in semaphore["holders"])
    return ("the reboot lock is held by %s; if that machine is not rebooting or being updated, release the lock by hand: %s"
            % (holders, unlock))


def _holders_after(holders, machine_id, locked):
    others = [holder for holder in holders if holder != machine_id]
    return sorted(others + [machine_id]) if locked else others


def _view(holders):
    return "holders:\n" + "".join("  - %s\n" % holder for holder in holders)
