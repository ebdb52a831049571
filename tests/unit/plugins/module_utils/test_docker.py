# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The background pull: its unit and log (written by PULL_SCRIPT), progress lines, `systemctl show`."""

from __future__ import annotations

import os
import subprocess

import pytest

from ansible_collections.deis.platform.plugins.module_utils._docker import (
    MISSING_SCRIPT, PULL_SCRIPT, parse_pull_log, parse_unit_state, progress_line, pull_unit)

LOG = ("present alpine:3.2\n"
       "pulled deis/controller:v1.13.4 1700000000.100000000 1700000020.150000000\n"
       "failed deis/router:v1.13.4 1\n"
       "done 1\n")


def test_pull_unit_depends_on_the_set_of_images_only():
    unit, log = pull_unit(["b", "a"])
    assert (unit, log) == pull_unit(["a", "b"])
    assert unit.startswith("deis-prepull-") and unit.endswith(".service") and log.startswith("/run/deis-prepull-")
    assert pull_unit(["a"]) != (unit, log)


def test_parse_pull_log():
    parsed = parse_pull_log(LOG)
    assert parsed["present"] == ["alpine:3.2"]
    assert parsed["pulled"] == [{"image": "deis/controller:v1.13.4", "seconds": 20.1}]
    assert parsed["failed"] == [{"image": "deis/router:v1.13.4", "rc": 1}]
    assert (parsed["done"], parsed["rc"]) == (True, 1)
    assert [progress_line(event, n, 3) for n, event in enumerate(parsed["events"], start=1)] == [
        "alpine:3.2 already there (1/3)", "pulled deis/controller:v1.13.4 in 20.1 s (2/3)",
        "FAILED to pull deis/router:v1.13.4: docker pull exited 1 (3/3)"]
    assert parse_pull_log("")["done"] is False


def test_parse_pull_log_rejects_other_lines():
    with pytest.raises(ValueError, match="unexpected line"):
        parse_pull_log("Status: Downloaded newer image for deis/controller:v1.13.4\n")


def test_the_script_writes_what_the_parser_reads(tmp_path):
    """PULL_SCRIPT run by sh against a docker stand-in on PATH: one image held, one pulled, one refused."""
    (tmp_path / "bin").mkdir()
    docker = tmp_path / "bin" / "docker"
    docker.write_text('#!/bin/sh\ncase "$1 $2" in "history held") exit 0;; "pull new") exit 0;; *) exit 1;; esac\n')
    docker.chmod(0o755)
    log = tmp_path / "pull.log"
    done = subprocess.run(["sh", "-c", PULL_SCRIPT, "sh", str(log), "held", "new", "gone", "never"],
                          env=dict(os.environ, PATH="%s:%s" % (tmp_path / "bin", os.environ["PATH"])), check=False)
    parsed = parse_pull_log(log.read_text())
    assert done.returncode == 1
    assert (parsed["present"], [p["image"] for p in parsed["pulled"]], parsed["failed"], parsed["rc"]) == (
        ["held"], ["new"], [{"image": "gone", "rc": 1}], 1)


def test_the_missing_script_lists_what_docker_history_does_not_know(tmp_path):
    (tmp_path / "bin").mkdir()
    docker = tmp_path / "bin" / "docker"
    docker.write_text('#!/bin/sh\ntest "$2" = held\n')
    docker.chmod(0o755)
    done = subprocess.run(["sh", "-c", MISSING_SCRIPT, "sh", "held", "new:1", "other"], stdout=subprocess.PIPE, text=True,
                          env=dict(os.environ, PATH="%s:%s" % (tmp_path / "bin", os.environ["PATH"])), check=False)
    assert (done.returncode, done.stdout) == (0, "new:1\nother\n")


@pytest.mark.parametrize("text, expected", [
    ("ActiveState=active\nSubState=running\n", ("active", "running")),
    ("ActiveState=failed\nSubState=failed\n", ("failed", "failed")),
    ("", ("inactive", "dead")),
])
def test_parse_unit_state(text, expected):
    assert parse_unit_state(text) == expected
