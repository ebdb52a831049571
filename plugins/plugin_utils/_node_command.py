# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note that this plugin util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""Run commands on python-less CoreOS/Flatcar nodes from an action plugin, and the action plugin
base class every node-side module of this collection uses."""

from __future__ import annotations

import re
import shlex
import time
from collections import namedtuple

from ansible.errors import AnsibleActionFail, AnsibleConnectionFailure
from ansible.plugins.action import ActionBase

CommandResult = namedtuple("CommandResult", "argv rc stdout stderr")
# With a pseudo-terminal (ssh -tt, used for become), lines end in CRLF and ssh adds this line to stderr.
SSH_NOISE = re.compile(r"^Shared connection to \S+ closed\.\r?\n", re.MULTILINE)


class NodeActionFailed(Exception):
    """A failure the action plugin reports as failed=True with msg and extra result keys."""

    def __init__(self, msg, **details):
        super().__init__(msg)
        self.details = details


def shell_line(argv, env=None):
    """One /bin/sh command line from an argument list: every argument quoted, never interpreted."""
    words = ["%s=%s" % (key, shlex.quote(str(value))) for key, value in sorted((env or {}).items())]
    if words:
        words.insert(0, "env")
    return " ".join(words + [shlex.quote(str(arg)) for arg in argv])


def _clean(text):
    return text.replace("\r\n", "\n")


class NodeRunner:
    """Runs argument lists over the task's connection (become applies when the task asks for it)."""

    def __init__(self, action):
        self._action = action
        self.history = []

    def run(self, argv, data=None, env=None):
        line = shell_line(argv, dict({"LC_ALL": "C", "LANG": "C"}, **(env or {})))
        raw = self._action._low_level_execute_command(line, sudoable=True, in_data=data)
        result = CommandResult(list(argv), raw.get("rc"), _clean(raw.get("stdout", "")), SSH_NOISE.sub("", _clean(raw.get("stderr", ""))))
        self.history.append({"cmd": list(argv), "rc": result.rc})
        return result

    def run_ok(self, argv, what, data=None, env=None):
        """run(), failing with the command's own words when it exits non-zero."""
        result = self.run(argv, data=data, env=env)
        if result.rc != 0:
            raise NodeActionFailed("%s failed (rc %s): %s" % (what, result.rc, (result.stderr or result.stdout).strip()),
                                   cmd=result.argv, rc=result.rc, stdout=result.stdout, stderr=result.stderr)
        return result

    def poll(self, argv, done, timeout, interval=1.0):
        """Run argv every interval seconds until done(result) is true; return the last result and
        whether it finished in time.  Connection failures count as 'not yet'."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                result = self.run(argv)
                if done(result):
                    return result, True
            except AnsibleConnectionFailure:
                result = None
            if time.monotonic() >= deadline:
                return result, False
            time.sleep(interval)


class NodeAction(ActionBase):
    """Base for the node-side modules: validate arguments with the module's spec, run execute(),
    turn NodeActionFailed into a failed result.  Subclasses set ARGUMENT_SPEC and execute()."""

    TRANSFERS_FILES = False
    ARGUMENT_SPEC = {}
    MUTUALLY_EXCLUSIVE = []
    REQUIRED_IF = []
    REQUIRED_ONE_OF = []

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        try:
            params = self.validate_argument_spec(
                argument_spec=self.ARGUMENT_SPEC, mutually_exclusive=self.MUTUALLY_EXCLUSIVE,
                required_if=self.REQUIRED_IF, required_one_of=self.REQUIRED_ONE_OF)[1]
        except AnsibleActionFail as error:
            result.update(failed=True, msg=str(error))
            return result
        runner = NodeRunner(self)
        try:
            result.update(self.execute(params, runner, task_vars or {}))
        except NodeActionFailed as error:
            result.update(error.details)
            result.update(failed=True, msg=str(error))
        result.setdefault("changed", False)
        return result

    @property
    def check_mode(self):
        return bool(self._play_context.check_mode)

    @property
    def diff_mode(self):
        return bool(self._play_context.diff)

    def execute(self, params, runner, task_vars):
        raise NotImplementedError
