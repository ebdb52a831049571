# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible.errors import AnsibleConnectionFailure

from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

# PID 1's start time (field 22 of /proc/1/stat) changes with every boot, also in containers where
# the kernel's boot_id does not; both together identify a boot.
BOOT_MARKER = ["cat", "/proc/sys/kernel/random/boot_id", "/proc/1/stat"]
SETTLED = ("running", "degraded")


def boot_marker(stdout):
    """boot_id/PID-1-start-time, or None when the output is not the two expected lines."""
    lines = stdout.splitlines()
    fields = lines[1].split(")")[-1].split() if len(lines) >= 2 else []
    if len(fields) < 20:
        return None
    return lines[0].strip() + "/" + fields[19]


class ActionModule(NodeAction):
    """Reboot a node without Python and wait until it has booted again (ansible.builtin.reboot needs Python)."""

    ARGUMENT_SPEC = {
        "reboot": {"type": "bool", "default": True},
        "reboot_timeout": {"type": "int", "default": 600},
        "settle_timeout": {"type": "int", "default": 300},
        "reboot_command": {"type": "list", "elements": "str", "default": [
            "systemd-run", "--on-active=2", "--timer-property=AccuracySec=100ms", "systemctl", "reboot"]},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        if not params["reboot"]:
            return self.wait_until_up(runner, params)
        if self.check_mode:
            return {"changed": True, "msg": "check mode: the node was not rebooted"}
        marker_output = runner.run_ok(BOOT_MARKER, "reading the boot marker").stdout
        before = boot_marker(marker_output)
        if before is None:
            raise NodeActionFailed("cannot tell boots apart: unexpected boot id / /proc/1/stat output %r" % marker_output)
        started = time.time()
        runner.run_ok(params["reboot_command"], "starting the reboot")
        marker = self.wait_for_new_boot(runner, before, params["reboot_timeout"])
        state, settled = runner.poll(["systemctl", "is-system-running"],
                                     lambda r: r.stdout.strip() in SETTLED, params["settle_timeout"])
        system_state = state.stdout.strip() if state else "unreachable"
        if not settled:
            raise NodeActionFailed("the node booted but systemd did not settle within %d s (it says %s)"
                                   % (params["settle_timeout"], system_state), changed=True)
        return {"changed": True, "elapsed": round(time.time() - started, 1), "boot_before": before,
                "boot_after": marker, "system_state": system_state}

    def wait_until_up(self, runner, params):
        """reboot=false: no reboot, only wait (reboot_timeout) until the node answers and systemd has settled, as after
        a reboot that someone else started."""
        started = time.time()
        marker, answered = runner.poll(BOOT_MARKER, lambda r: r.rc == 0 and boot_marker(r.stdout) is not None,
                                       params["reboot_timeout"])
        if not answered:
            raise NodeActionFailed("the node did not answer within %d s" % params["reboot_timeout"])
        state, settled = runner.poll(["systemctl", "is-system-running"],
                                     lambda r: r.stdout.strip() in SETTLED, params["settle_timeout"])
        system_state = state.stdout.strip() if state else "unreachable"
        if not settled:
            raise NodeActionFailed("the node answers but systemd did not settle within %d s (it says %s)"
                                   % (params["settle_timeout"], system_state))
        return {"changed": False, "elapsed": round(time.time() - started, 1), "boot_after": boot_marker(marker.stdout),
                "system_state": system_state}

    def wait_for_new_boot(self, runner, before, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(1)
            try:
                result = runner.run(BOOT_MARKER)
            except AnsibleConnectionFailure:
                continue
            marker = boot_marker(result.stdout) if result.rc == 0 else None
            if marker and marker != before:
                return marker
        raise NodeActionFailed("the node did not come back from its reboot within %d s" % timeout, changed=True)
