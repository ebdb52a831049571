# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, case_ids, fixture_text, run_case

MACHINE_ID = "69d27b356a94476da859461d3a3bc6fd"
CAT_OS_RELEASE = "env LANG=C LC_ALL=C cat /etc/os-release"
CAT_MACHINE_ID = "env LANG=C LC_ALL=C cat /etc/machine-id"

COREOS_835 = {
    "NAME": "CoreOS", "ID": "coreos", "VERSION": "835.12.0", "VERSION_ID": "835.12.0", "BUILD_ID": "",
    "PRETTY_NAME": "CoreOS 835.12.0", "ANSI_COLOR": "1;32", "HOME_URL": "https://coreos.com/",
    "BUG_REPORT_URL": "https://github.com/coreos/bugs/issues",
}
FLATCAR_3227 = {
    "NAME": "Flatcar Container Linux by Kinvolk", "ID": "flatcar", "ID_LIKE": "coreos", "VERSION": "3227.2.4",
    "VERSION_ID": "3227.2.4", "BUILD_ID": "2022-10-27-1321", "SYSEXT_LEVEL": "1.0",
    "PRETTY_NAME": "Flatcar Container Linux by Kinvolk 3227.2.4 (Oklo)", "ANSI_COLOR": "38;5;75",
    "HOME_URL": "https://flatcar.org/", "BUG_REPORT_URL": "https://issues.flatcar.org", "FLATCAR_BOARD": "amd64-usr",
    "CPE_NAME": "cpe:2.3:o:flatcar-linux:flatcar_linux:3227.2.4:*:*:*:*:*:*:*",
}
COREOS_835_RESULT = {
    "changed": False, "id": "coreos", "name": "CoreOS", "pretty_name": "CoreOS 835.12.0", "version": "835.12.0",
    "version_id": "835.12.0", "build_id": None, "flavor": "coreos", "os_release": COREOS_835, "machine_id": MACHINE_ID,
}

CASES = [
    {
        "id": "coreos-835-deis-era",
        "args": {},
        "calls": [
            call(CAT_OS_RELEASE, out=fixture_text("os_release/coreos-835.12.0.txt")),
            call(CAT_MACHINE_ID, out=MACHINE_ID + "\n"),
        ],
        "result": COREOS_835_RESULT,
    },
    {
        "id": "check-mode-reads-the-same",
        "args": {},
        "check": True,
        "calls": [
            call(CAT_OS_RELEASE, out=fixture_text("os_release/coreos-835.12.0.txt")),
            call(CAT_MACHINE_ID, out=MACHINE_ID + "\n"),
        ],
        "result": COREOS_835_RESULT,
    },
    {
        "id": "flatcar",
        "args": {},
        "calls": [
            call(CAT_OS_RELEASE, out=fixture_text("os_release/flatcar-3227.2.4.txt")),
            call(CAT_MACHINE_ID, out="b7e2a9c14f3e4d2a8b1c0d9e8f7a6b53\n"),
        ],
        "result": {
            "changed": False, "id": "flatcar", "name": "Flatcar Container Linux by Kinvolk",
            "pretty_name": "Flatcar Container Linux by Kinvolk 3227.2.4 (Oklo)", "version": "3227.2.4",
            "version_id": "3227.2.4", "build_id": "2022-10-27-1321", "flavor": "flatcar", "os_release": FLATCAR_3227,
            "machine_id": "b7e2a9c14f3e4d2a8b1c0d9e8f7a6b53",
        },
    },
    {
        "id": "other-path-is-quoted",
        "args": {"path": "/run/my os-release"},
        "calls": [
            call("env LANG=C LC_ALL=C cat '/run/my os-release'", out=fixture_text("os_release/coreos-899.13.0.txt")),
            call(CAT_MACHINE_ID, out=MACHINE_ID + "\n"),
        ],
        "result": {
            "changed": False, "id": "coreos", "name": "CoreOS", "pretty_name": "CoreOS 899.13.0", "version": "899.13.0",
            "version_id": "899.13.0", "build_id": "2016-03-23-0120", "flavor": "coreos", "machine_id": MACHINE_ID,
            "os_release": {"NAME": "CoreOS", "ID": "coreos", "VERSION": "899.13.0", "VERSION_ID": "899.13.0",
                           "BUILD_ID": "2016-03-23-0120", "PRETTY_NAME": "CoreOS 899.13.0"},
        },
    },
    {
        "id": "no-version-id-fails-before-reading-machine-id",
        "args": {},
        "calls": [call(CAT_OS_RELEASE, out='NAME="Some Linux"\nID=some\n')],
        "result": {
            "changed": False, "failed": True, "msg": "/etc/os-release has no VERSION_ID: is this a CoreOS or Flatcar host?",
            "os_release": {"NAME": "Some Linux", "ID": "some"},
        },
    },
    {
        "id": "missing-file-fails-with-cat-message",
        "args": {},
        "calls": [call(CAT_OS_RELEASE, rc=1, err="cat: /etc/os-release: No such file or directory\n")],
        "result": {
            "changed": False, "failed": True, "msg": "reading /etc/os-release failed (rc 1): cat: /etc/os-release: No such file or directory",
            "cmd": ["cat", "/etc/os-release"], "rc": 1, "stdout": "", "stderr": "cat: /etc/os-release: No such file or directory\n",
        },
    },
    {
        "id": "unreadable-machine-id",
        "args": {},
        "calls": [
            call(CAT_OS_RELEASE, out=fixture_text("os_release/coreos-835.12.0.txt")),
            call(CAT_MACHINE_ID, rc=1, err="cat: /etc/machine-id: Permission denied\n"),
        ],
        "result": {
            "changed": False, "failed": True, "msg": "reading /etc/machine-id failed (rc 1): cat: /etc/machine-id: Permission denied",
            "cmd": ["cat", "/etc/machine-id"], "rc": 1, "stdout": "", "stderr": "cat: /etc/machine-id: Permission denied\n",
        },
    },
    {
        "id": "unknown-option-sends-nothing",
        "args": {"paht": "/etc/os-release"},
        "calls": [],
        "result": {
            "failed": True,
            "msg": "Unsupported parameters for (deis.platform.os_release_info) module: paht. Supported parameters include: path.",
        },
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_os_release_info(case):
    run_case("os_release_info", case)
