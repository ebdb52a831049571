# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run a real action plugin of this collection against a scripted node.

The ActionModule is built the way ansible-core's TaskExecutor builds it: a real Task holding the
arguments and the check/diff flags, a PlayContext derived from that task, the real ``local``
connection plugin, a DataLoader and a Templar.  Only ``_low_level_execute_command`` (the one call
NodeRunner makes) is replaced, by a ScriptedNode that checks every command line it receives against
the expected one, in order, and answers with canned rc/stdout/stderr (or raises, to play a
connection that drops).  The connection's own exec_command refuses to run, so nothing can reach the
control machine.

Test data is written in the style of community.general's uthelper: one dict per case, with the task
arguments, the flags, the expected calls and the expected result.
"""

from __future__ import annotations

import importlib
import os

from ansible.errors import AnsibleConnectionFailure
from ansible.parsing.dataloader import DataLoader
from ansible.playbook.play_context import PlayContext
from ansible.playbook.task import Task
from ansible.plugins.loader import connection_loader
from ansible.template import Templar

COLLECTION = "deis.platform"
FIXTURES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "fixtures")

# The prefix NodeRunner puts before every command (env keys sorted, each argument shell-quoted).
ENV_C = "env LANG=C LC_ALL=C "


def fixture_text(relative_path):
    """A fixture file's exact content (see tests/unit/fixtures/README.md)."""
    with open(os.path.join(FIXTURES_DIR, relative_path), "rb") as handle:
        return handle.read().decode("utf-8")


def call(line, rc=0, out="", err="", data=None, raises=None, takes=0):
    """One expected command: the exact line (ENV_C included), what it answers, the stdin it must get.

    raises is an exception instance to raise instead of answering (AnsibleConnectionFailure for a
    node that is rebooting); takes is how many seconds the command runs on the fake clock.
    """
    return {"cmd": line, "rc": rc, "out": out, "err": err, "data": data, "raises": raises, "takes": takes}


def unreachable(line):
    """The command is attempted while the node is down: the connection plugin raises."""
    return call(line, raises=AnsibleConnectionFailure("Failed to connect to the host via ssh: ssh: connect to host core-02 port 22: Connection refused"))


class ScriptedNode:
    """Stands in for ActionBase._low_level_execute_command."""

    def __init__(self, calls, clock=None):
        self.calls = list(calls)
        self.clock = clock
        self.received = []

    def __call__(self, cmd, sudoable=True, in_data=None, executable=None, encoding_errors="surrogate_then_replace", chdir=None, process_result=None):
        number = len(self.received) + 1
        self.received.append(cmd)
        assert number <= len(self.calls), "unexpected command #%d: %r (only %d scripted)" % (number, cmd, len(self.calls))
        expected = self.calls[number - 1]
        assert cmd == expected["cmd"], "command #%d:\n  got      %r\n  expected %r" % (number, cmd, expected["cmd"])
        assert sudoable is True, "command #%d must be sudoable (become applies)" % number
        assert (executable, chdir, process_result) == (None, None, None), "command #%d: unexpected executable/chdir/process_result" % number
        assert in_data == expected["data"], "command #%d: stdin %r, expected %r" % (number, in_data, expected["data"])
        if expected["takes"]:
            assert self.clock is not None, "command #%d takes time: pass the fake_clock fixture" % number
            self.clock.now += expected["takes"]
        if expected["raises"] is not None:
            raise expected["raises"]
        out, err = expected["out"], expected["err"]
        # The shape ansible-core's _low_level_execute_command returns.
        return {"rc": expected["rc"], "stdout": out, "stdout_lines": out.splitlines(), "stderr": err, "stderr_lines": err.splitlines()}

    def assert_all_sent(self):
        missing = [expected["cmd"] for expected in self.calls[len(self.received):]]
        assert not missing, "commands never sent: %r" % missing


def _refuse_exec(*args, **kwargs):
    raise AssertionError("the connection itself was asked to run something: %r %r" % (args, kwargs))


def build_action(name, args, check=False, diff=False):
    """A real ActionModule for deis.platform.<name> with a real Task, PlayContext, connection and templar."""
    module = importlib.import_module("ansible_collections.deis.platform.plugins.action." + name)
    task = Task()
    task.action = "%s.%s" % (COLLECTION, name)
    task.args = dict(args)
    task.check_mode = check
    task.diff = diff
    loader = DataLoader()
    templar = Templar(loader=loader)
    play_context = PlayContext().set_task_and_variable_override(task=task, variables={}, templar=templar)
    connection = connection_loader.get("local", play_context, os.devnull)
    connection.exec_command = _refuse_exec
    connection.put_file = _refuse_exec
    connection.fetch_file = _refuse_exec
    action = module.ActionModule(task, connection, play_context, loader, templar, None)
    action._load_name = task.action  # what the action plugin loader sets; used in argument-spec messages
    return action


def run_action(name, args, calls, check=False, diff=False, task_vars=None, clock=None):
    """Run deis.platform.<name> against the scripted calls; return (result, node)."""
    action = build_action(name, args, check=check, diff=diff)
    node = ScriptedNode(calls, clock)
    action._low_level_execute_command = node
    result = action.run(task_vars=task_vars or {"inventory_hostname": "core-02"})
    node.assert_all_sent()
    return result, node


def run_case(name, case, clock=None):
    """Run one data-driven case: {"args", "calls", optional "check", "diff", "sleeps", "result"}; check the exact
    result and, when the case gives "sleeps", the plugin's sleeps on the fake clock."""
    result, node = run_action(name, case["args"], case["calls"], check=case.get("check", False), diff=case.get("diff", False),
                              clock=clock)
    assert result == case["result"]
    if "sleeps" in case:
        assert clock is not None, "a case with sleeps needs the fake_clock fixture"
        assert clock.sleeps == case["sleeps"]
    return result, node


def case_ids(cases):
    return [case["id"] for case in cases]


class FakeClock:
    """Replaces the `time` module inside the plugins: sleeping only moves the clock forward."""

    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def monotonic(self):
        return 1000.0 + self.now

    def time(self):
        return 1700000000.0 + self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds
