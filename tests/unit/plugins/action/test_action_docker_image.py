# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""deis.platform.docker_image against a scripted node: what it pulls, the background pull and its wait, failures."""

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.action import docker_image
from ansible_collections.deis.platform.plugins.module_utils._docker import MISSING_SCRIPT, PULL_SCRIPT, pull_unit
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import shell_line
from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, case_ids, run_case

IMAGES = ["deis/controller:v1.13.4", "alpine:3.2"]
UNIT, LOG = pull_unit(IMAGES)
START, END = 1700000000.0, 1700000000.0


def line(*argv):
    return shell_line(argv, {"LANG": "C", "LC_ALL": "C"})


SHOW = line("systemctl", "show", "-p", "ActiveState", "-p", "SubState", UNIT)
IDLE = call(SHOW, out="ActiveState=inactive\nSubState=dead\n")
RUNNING = call(SHOW, out="ActiveState=active\nSubState=running\n")
EXITED = call(SHOW, out="ActiveState=active\nSubState=exited\n")
HELD = [call(line("/bin/sh", "-c", MISSING_SCRIPT, "sh", *IMAGES))]
CONTROLLER_MISSING = [call(line("/bin/sh", "-c", MISSING_SCRIPT, "sh", *IMAGES), out=IMAGES[0] + "\n")]
CLEAR = [call(line("systemctl", "stop", UNIT)), call(line("systemctl", "reset-failed", UNIT)), call(line("rm", "-f", LOG))]
PULLED_LOG = "present alpine:3.2\npulled deis/controller:v1.13.4 1700000001.0 1700000021.0\ndone 0\n"

CASES = [
    {
        "id": "everything-held-changes-nothing",
        "args": {"name": IMAGES},
        "calls": [IDLE, call(line("test", "-e", LOG), rc=1)] + HELD,
        "result": {"changed": False, "images": IMAGES, "unit": UNIT, "missing": [], "pulled": [], "start": START, "end": END},
    },
    {
        "id": "a-missing-image-is-pulled",
        "args": {"name": IMAGES},
        "calls": [IDLE, call(line("test", "-e", LOG), rc=1)] + CONTROLLER_MISSING + [
            call(line("docker", "pull", IMAGES[0]), out="Status: Downloaded newer image\n", takes=20)],
        "result": {"changed": True, "images": IMAGES, "unit": UNIT, "missing": [], "start": START, "end": END + 20,
                   "pulled": [{"image": IMAGES[0], "seconds": 20.0}]},
    },
    {
        "id": "a-failed-pull-fails-with-dockers-last-line",
        "args": {"name": IMAGES},
        "calls": [IDLE, call(line("test", "-e", LOG), rc=1)] + CONTROLLER_MISSING + [
            call(line("docker", "pull", IMAGES[0]), rc=1, err="Pulling repository\nError: image deis/controller:v1.13.4 not found\n")],
        "result": {"changed": False, "failed": True, "pulled": [],
                   "msg": "docker pull deis/controller:v1.13.4 failed on core-02 (rc 1): Error: image deis/controller:v1.13.4 not found"},
    },
    {
        "id": "background-starts-a-transient-unit",
        "args": {"name": IMAGES, "background": True},
        "calls": [IDLE] + CONTROLLER_MISSING + CLEAR + [
            call(line("systemd-run", "--unit=" + UNIT, "--remain-after-exit", "/bin/sh", "-c", PULL_SCRIPT, "sh", LOG, IMAGES[0]),
                 err="Running as unit: %s\n" % UNIT)],
        "result": {"changed": True, "images": IMAGES, "unit": UNIT, "started": True, "running": True, "missing": [IMAGES[0]],
                   "start": START, "end": END},
    },
    {
        "id": "background-check-mode-starts-nothing",
        "args": {"name": IMAGES, "background": True},
        "check": True,
        "calls": [IDLE] + CONTROLLER_MISSING,
        "result": {"changed": True, "images": IMAGES, "unit": UNIT, "started": False, "running": False, "missing": [IMAGES[0]],
                   "start": START, "end": END},
    },
    {
        "id": "background-already-running-is-not-started-again",
        "args": {"name": IMAGES, "background": True},
        "calls": [RUNNING] + CONTROLLER_MISSING,
        "result": {"changed": True, "images": IMAGES, "unit": UNIT, "started": False, "running": True, "missing": [IMAGES[0]],
                   "start": START, "end": END},
    },
    {
        "id": "wait-follows-the-background-pull",
        "args": {"name": IMAGES},
        "calls": [RUNNING, call(line("cat", LOG), out="present alpine:3.2\n"), RUNNING,
                  call(line("cat", LOG), out=PULLED_LOG)] + CLEAR + HELD,
        "sleeps": [1.0],
        "result": {"changed": True, "images": IMAGES, "unit": UNIT, "missing": [], "start": START, "end": END + 1,
                   "pulled": [{"image": IMAGES[0], "seconds": 20.0}]},
    },
    {
        "id": "wait-reports-a-failed-background-pull",
        "args": {"name": IMAGES},
        "calls": [EXITED, call(line("test", "-e", LOG)),
                  call(line("cat", LOG), out="present alpine:3.2\nfailed deis/controller:v1.13.4 1\ndone 1\n")] + CLEAR,
        "result": {"changed": False, "failed": True, "pulled": [],
                   "msg": "docker pull deis/controller:v1.13.4 failed on core-02 (rc 1; journalctl -u %s has docker's words)" % UNIT},
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_docker_image(case, fake_clock, monkeypatch):
    monkeypatch.setattr(docker_image, "time", fake_clock)
    run_case("docker_image", case, clock=fake_clock)
