# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import time

from ansible.utils.display import Display

from ansible_collections.deis.platform.plugins.module_utils._docker import (
    MISSING_SCRIPT, PULL_SCRIPT, parse_pull_log, parse_unit_state, progress_line, pull_unit)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

display = Display()
POLL_SECONDS = 1.0


class ActionModule(NodeAction):
    """Make a node's docker hold images: `docker history` tells which are missing, `docker pull` gets them, one after
    the other, progress shown per image.  With background, the pull runs in a transient systemd unit and the task
    returns at once; a later task with the same images waits for it (so several nodes pull at the same time)."""

    ARGUMENT_SPEC = {
        "name": {"type": "list", "elements": "str", "required": True},
        "state": {"type": "str", "default": "present", "choices": ["present"]},
        "background": {"type": "bool", "default": False},
        "timeout": {"type": "int", "default": 3600},
    }
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        started = time.time()
        images = list(dict.fromkeys(params["name"]))
        host = self._task.delegate_to or task_vars.get("inventory_hostname", "")
        unit, log = pull_unit(images)
        result = {"images": images, "unit": unit}
        running = self.unit_running(runner, unit)
        if params["background"]:
            result.update(self.start(runner, images, unit, log, running))
        else:
            result.update(self.wait_and_pull(runner, images, unit, log, running, params["timeout"], host))
        result.update(start=round(started, 3), end=round(time.time(), 3))
        return result

    @staticmethod
    def missing(runner, images):
        """`docker history IMAGE` fails for an image the node lacks (as in every Deis unit's ExecStartPre)."""
        listed = runner.run_ok(["/bin/sh", "-c", MISSING_SCRIPT, "sh"] + images, "docker history").stdout.split()
        return [image for image in images if image in listed]

    @staticmethod
    def unit_running(runner, unit):
        shown = runner.run(["systemctl", "show", "-p", "ActiveState", "-p", "SubState", unit])
        return parse_unit_state(shown.stdout) in (("active", "running"), ("activating", "start"))

    def start(self, runner, images, unit, log, running):
        if running:
            return {"changed": True, "started": False, "running": True, "missing": self.missing(runner, images)}
        missing = self.missing(runner, images)
        if not missing or self.check_mode:
            return {"changed": bool(missing), "started": False, "running": False, "missing": missing}
        self.clear(runner, unit, log)
        runner.run_ok(["systemd-run", "--unit=" + unit, "--remain-after-exit", "/bin/sh", "-c", PULL_SCRIPT, "sh", log] + missing,
                      "starting the pull of %s (systemd-run)" % ", ".join(missing))
        return {"changed": True, "started": True, "running": True, "missing": missing}

    @staticmethod
    def clear(runner, unit, log):
        """A finished pull leaves its unit (remain-after-exit, or failed) and its log: both go."""
        runner.run(["systemctl", "stop", unit])
        runner.run(["systemctl", "reset-failed", unit])
        runner.run(["rm", "-f", log])

    def wait_and_pull(self, runner, images, unit, log, running, timeout, host):
        deadline = time.monotonic() + timeout
        shown = 0
        background = {"pulled": [], "failed": []}
        if running or runner.run(["test", "-e", log]).rc == 0:
            while True:
                read = runner.run(["cat", log])
                try:
                    parsed = parse_pull_log(read.stdout if read.rc == 0 else "")
                except ValueError as error:
                    raise NodeActionFailed("%s: %s" % (log, error))
                for event in parsed["events"][shown:]:
                    shown += 1
                    display.display("%s: %s" % (host, progress_line(event, shown, len(images))))
                if parsed["done"] or not self.unit_running(runner, unit):
                    break
                if time.monotonic() >= deadline:
                    raise NodeActionFailed("the pull on %s did not finish within %d s (unit %s)" % (host, timeout, unit),
                                           pulled=parsed["pulled"])
                time.sleep(POLL_SECONDS)
            background = parsed
            if not self.check_mode:
                self.clear(runner, unit, log)
        if background["failed"]:
            failed = background["failed"][0]
            raise NodeActionFailed("docker pull %s failed on %s (rc %d; journalctl -u %s has docker's words)"
                                   % (failed["image"], host, failed["rc"], unit), pulled=background["pulled"],
                                   changed=bool(background["pulled"]))
        missing = self.missing(runner, images)
        if self.check_mode:
            return {"changed": bool(missing), "missing": missing, "pulled": background["pulled"]}
        pulled = list(background["pulled"])
        for number, image in enumerate(missing, start=1):
            began = time.monotonic()
            done = runner.run(["docker", "pull", image])
            if done.rc != 0:
                lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()]
                raise NodeActionFailed("docker pull %s failed on %s (rc %s): %s" % (image, host, done.rc, lines[-1] if lines else ""),
                                       pulled=pulled, changed=bool(pulled))
            pulled.append({"image": image, "seconds": round(time.monotonic() - began, 1)})
            display.display("%s: %s" % (host, progress_line(dict(pulled[-1], kind="pulled"), number, len(missing))))
        return {"changed": bool(pulled), "missing": [], "pulled": pulled}
