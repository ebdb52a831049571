# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, case_ids, fixture_text, run_action, run_case

ME = "b7e2a9c14f3e4d2a8b1c0d9e8f7a6b53"
OTHER = "69d27b356a94476da859461d3a3bc6fd"  # the holder in the README sample (status-held.txt)
CAT_MACHINE_ID = "env LANG=C LC_ALL=C cat /etc/machine-id"
STATUS = "env LANG=C LC_ALL=C locksmithctl status"
LOCK = "env LANG=C LC_ALL=C locksmithctl lock " + ME
UNLOCK = "env LANG=C LC_ALL=C locksmithctl unlock " + ME

STATUS_FREE = fixture_text("locksmith/status-free.txt")
STATUS_HELD_BY_OTHER = fixture_text("locksmith/status-held.txt")
STATUS_HELD_BY_ME = "Available: 0\nMax: 1\n\nMACHINE ID\n%s\n" % ME
STATUS_MAX_2_BOTH = "Available: 0\nMax: 2\n\nMACHINE ID\n%s\n%s\n" % (OTHER, ME)
STATUS_MAX_2_OTHER = "Available: 1\nMax: 2\n\nMACHINE ID\n%s\n" % OTHER
SEMAPHORE_FULL = fixture_text("locksmith/lock-semaphore-full.stderr.txt")
HOLDER_MISSING = fixture_text("locksmith/unlock-holder-missing.stderr.txt")

FREE = {"available": 1, "max": 1, "holders": []}
HELD_BY_ME = {"available": 0, "max": 1, "holders": [ME]}
HELD_BY_OTHER = {"available": 0, "max": 1, "holders": [OTHER]}

CASES = [
    {
        "id": "lock-free-semaphore-for-this-node",
        "args": {},
        "calls": [call(CAT_MACHINE_ID, out=ME + "\n"), call(STATUS, out=STATUS_FREE), call(LOCK), call(STATUS, out=STATUS_HELD_BY_ME)],
        "result": {"changed": True, "machine_id": ME, "semaphore": HELD_BY_ME},
    },
    {
        "id": "already-held-is-idempotent",
        "args": {"machine_id": ME, "state": "locked"},
        "calls": [call(STATUS, out=STATUS_HELD_BY_ME)],
        "result": {"changed": False, "machine_id": ME, "semaphore": HELD_BY_ME},
    },
    {
        "id": "semaphore-full-names-the-holder-and-how-to-release-it",
        "args": {"machine_id": ME, "names": {OTHER: "core-01"}},
        "calls": [call(STATUS, out=STATUS_HELD_BY_OTHER), call(LOCK, rc=1, err=SEMAPHORE_FULL)],
        "result": {"changed": False, "failed": True, "error": "semaphore_full", "rc": 1, "stderr": SEMAPHORE_FULL, "stdout": "",
                   "semaphore": HELD_BY_OTHER,
                   "msg": "locksmithctl lock failed: the reboot lock is held by %s (core-01); if that machine is not rebooting or "
                          "being updated, release the lock by hand: locksmithctl unlock %s" % (OTHER, OTHER)},
    },
    {
        # locksmith v0.3.4 locksmithctl/lock.go:37-41 with go-etcd's error (Godeps/.../go-etcd/etcd/error.go:9-15).
        "id": "etcd-unreachable-reports-locksmithctl-words",
        "args": {"machine_id": ME},
        "calls": [call(STATUS, out=STATUS_FREE),
                  call(LOCK, rc=1, err="Error initializing etcd client: 501: All the given peers are not reachable (Tried to "
                                       "connect to each peer twice and failed) [0]\n")],
        "result": {"changed": False, "failed": True, "error": "other", "rc": 1, "stdout": "", "semaphore": FREE,
                   "stderr": "Error initializing etcd client: 501: All the given peers are not reachable (Tried to connect to each "
                             "peer twice and failed) [0]\n",
                   "msg": "locksmithctl lock failed: Error initializing etcd client: 501: All the given peers are not reachable "
                          "(Tried to connect to each peer twice and failed) [0]"},
    },
    {
        "id": "a-failure-without-a-message-says-so",
        "args": {"machine_id": ME},
        "calls": [call(STATUS, out=STATUS_FREE), call(LOCK, rc=2)],
        "result": {"changed": False, "failed": True, "error": "other", "rc": 2, "stdout": "", "stderr": "", "semaphore": FREE,
                   "msg": "locksmithctl lock failed: exit status 2 and no message"},
    },
    {
        # ssh -tt (Ansible's default for the ssh connection) puts locksmithctl's stderr on stdout: the issue's
        # `locksmithctl lock failed: ` with an empty reason.
        "id": "semaphore-full-over-a-pseudo-terminal",
        "args": {"machine_id": ME},
        "calls": [call(STATUS, out=STATUS_HELD_BY_OTHER), call(LOCK, rc=1, out=SEMAPHORE_FULL)],
        "result": {"changed": False, "failed": True, "error": "semaphore_full", "rc": 1, "stderr": "", "stdout": SEMAPHORE_FULL,
                   "semaphore": HELD_BY_OTHER,
                   "msg": "locksmithctl lock failed: the reboot lock is held by %s; if that machine is not rebooting or "
                          "being updated, release the lock by hand: locksmithctl unlock %s" % (OTHER, OTHER)},
    },
    {
        "id": "second-slot-of-a-max-2-semaphore",
        "args": {"machine_id": ME},
        "diff": True,
        "calls": [call(STATUS, out=STATUS_MAX_2_OTHER), call(LOCK), call(STATUS, out=STATUS_MAX_2_BOTH)],
        "result": {"changed": True, "machine_id": ME, "semaphore": {"available": 0, "max": 2, "holders": [OTHER, ME]},
                   "diff": {"before": "holders:\n  - %s\n" % OTHER, "after": "holders:\n  - %s\n  - %s\n" % (OTHER, ME)}},
    },
    {
        "id": "check-mode-lock-sends-only-status",
        "args": {"machine_id": ME},
        "check": True,
        "diff": True,
        "calls": [call(STATUS, out=STATUS_FREE)],
        "result": {"changed": True, "machine_id": ME, "semaphore": FREE,
                   "diff": {"before": "holders:\n", "after": "holders:\n  - %s\n" % ME}},
    },
    {
        "id": "unlock-held",
        "args": {"machine_id": ME, "state": "unlocked"},
        "diff": True,
        "calls": [call(STATUS, out=STATUS_HELD_BY_ME), call(UNLOCK), call(STATUS, out=STATUS_FREE)],
        "result": {"changed": True, "machine_id": ME, "semaphore": FREE,
                   "diff": {"before": "holders:\n  - %s\n" % ME, "after": "holders:\n"}},
    },
    {
        "id": "unlock-when-another-holds-is-idempotent",
        "args": {"machine_id": ME, "state": "unlocked"},
        "calls": [call(STATUS, out=STATUS_HELD_BY_OTHER)],
        "result": {"changed": False, "machine_id": ME, "semaphore": HELD_BY_OTHER},
    },
    {
        "id": "check-mode-unlock",
        "args": {"machine_id": ME, "state": "unlocked"},
        "check": True,
        "calls": [call(STATUS, out=STATUS_HELD_BY_ME)],
        "result": {"changed": True, "machine_id": ME, "semaphore": HELD_BY_ME},
    },
    {
        "id": "unlock-race-holder-missing",
        "args": {"machine_id": ME, "state": "unlocked"},
        "calls": [call(STATUS, out=STATUS_HELD_BY_ME), call(UNLOCK, rc=1, err=HOLDER_MISSING)],
        "result": {"changed": False, "failed": True, "error": "holder_missing", "rc": 1, "stderr": HOLDER_MISSING, "stdout": "",
                   "semaphore": HELD_BY_ME,
                   "msg": "locksmithctl unlock failed: Error unlocking: holder does not exist"},
    },
    {
        "id": "lock-exits-0-but-not-held",
        "args": {"machine_id": ME},
        "calls": [call(STATUS, out=STATUS_FREE), call(LOCK), call(STATUS, out=STATUS_FREE)],
        "result": {"changed": True, "failed": True, "semaphore": FREE,
                   "msg": "locksmithctl lock exited 0 but the semaphore holders are []"},
    },
    {
        "id": "endpoint-and-group",
        "args": {"machine_id": ME, "endpoint": "http://10.0.1.11:2379", "group": "deis nodes"},
        "calls": [call("env LANG=C LC_ALL=C locksmithctl -endpoint=http://10.0.1.11:2379 '-group=deis nodes' status", out=STATUS_FREE),
                  call("env LANG=C LC_ALL=C locksmithctl -endpoint=http://10.0.1.11:2379 '-group=deis nodes' lock " + ME),
                  call("env LANG=C LC_ALL=C locksmithctl -endpoint=http://10.0.1.11:2379 '-group=deis nodes' status", out=STATUS_HELD_BY_ME)],
        "result": {"changed": True, "machine_id": ME, "semaphore": HELD_BY_ME},
    },
    {
        "id": "etcd-unreachable",
        "args": {"machine_id": ME},
        "calls": [call(STATUS, rc=1, err="Error initializing etcd client: client: etcd cluster is unavailable or misconfigured\n")],
        "result": {"changed": False, "failed": True, "cmd": ["locksmithctl", "status"], "rc": 1, "stdout": "",
                   "stderr": "Error initializing etcd client: client: etcd cluster is unavailable or misconfigured\n",
                   "msg": "locksmithctl status failed (rc 1): Error initializing etcd client: client: etcd cluster is unavailable or misconfigured"},
    },
    {
        "id": "status-unparsable",
        "args": {"machine_id": ME},
        "calls": [call(STATUS, out="Max: 1\n")],
        "result": {"changed": False, "failed": True, "stdout": "Max: 1\n",
                   "msg": "unexpected locksmithctl status output: locksmithctl status: line 1: expected 'Available: <n>', got 'Max: 1'"},
    },
    {
        "id": "bad-machine-id-sends-nothing",
        "args": {"machine_id": "core-02"},
        "calls": [],
        "result": {"changed": False, "failed": True, "msg": "machine_id 'core-02' is not a 32-character hexadecimal machine id"},
    },
    {
        "id": "unreadable-etc-machine-id",
        "args": {},
        "calls": [call(CAT_MACHINE_ID, rc=1, err="cat: /etc/machine-id: No such file or directory\n")],
        "result": {"changed": False, "failed": True, "cmd": ["cat", "/etc/machine-id"], "rc": 1, "stdout": "",
                   "stderr": "cat: /etc/machine-id: No such file or directory\n",
                   "msg": "reading /etc/machine-id failed (rc 1): cat: /etc/machine-id: No such file or directory"},
    },
    {
        "id": "unknown-state-choice",
        "args": {"state": "held"},
        "calls": [],
        "result": {"failed": True, "msg": "value of state must be one of: locked, unlocked, got: held"},
    },
]


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_locksmith(case):
    run_case("locksmith", case)


def test_semaphore_full_without_holders_names_nobody():
    calls = [call(STATUS, out="Available: 0\nMax: 0\n"), call(LOCK, rc=1, err=SEMAPHORE_FULL)]
    result = run_action("locksmith", {"machine_id": ME}, calls)[0]
    assert result["failed"] is True
    assert "held by :" not in result["msg"]
    assert result["msg"] == "locksmithctl lock failed: the reboot semaphore has no free slot (max 0) and no holder"
