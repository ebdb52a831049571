# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile

from ansible.module_utils.urls import open_url

from ansible_collections.deis.platform.plugins.module_utils._deisctl import deisctl_version, version_string
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ActionModule(NodeAction):
    """Put a deisctl binary from the control node (a file or a URL) on a node, and check its version."""

    ARGUMENT_SPEC = {
        "src": {"type": "path"},
        "url": {"type": "str"},
        "dest": {"type": "str", "default": "/opt/bin/deisctl"},
        "version": {"type": "str"},
        "validate_certs": {"type": "bool", "default": True},
        "remote_src": {"type": "bool", "default": False},
        "backup": {"type": "bool", "default": False},
    }
    MUTUALLY_EXCLUSIVE = [["src", "url"], ["remote_src", "url"]]
    REQUIRED_ONE_OF = [["src", "url"]]
    _supports_check_mode = True

    def execute(self, params, runner, task_vars):
        if params["version"]:
            try:
                params["version"] = version_string(params["version"])
            except ValueError as error:
                raise NodeActionFailed(str(error))
        if params["remote_src"] and not params["src"]:
            raise NodeActionFailed("remote_src needs src (a path on the node)")
        workdir = tempfile.mkdtemp(prefix="deisctl-")
        try:
            if params["remote_src"]:
                wanted = self.remote_checksum(runner, params["src"])
                if wanted is None:
                    raise NodeActionFailed("deisctl source %s is not a file on the node" % params["src"])
            else:
                local = self.fetch(params, workdir) if params["url"] else params["src"]
                if not os.path.isfile(local):
                    raise NodeActionFailed("deisctl source %s is not a file on the control node" % local)
                wanted = sha256_of(local)
            present = self.remote_checksum(runner, params["dest"])
            result = {"dest": params["dest"], "checksum": wanted, "changed": present != wanted}
            if present != wanted and not self.check_mode:
                if params["backup"] and present is not None:
                    result["backup"] = self.backup(runner, params["dest"])
                if params["remote_src"]:
                    self.place(runner, params["src"], params["dest"])
                else:
                    self.install(runner, local, params["dest"])
            if not self.check_mode or present == wanted:
                result["version"] = self.check_version(runner, params["dest"], params["version"], changed=result["changed"])
            return result
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def fetch(self, params, workdir):
        target = os.path.join(workdir, "deisctl")
        try:
            with open_url(params["url"], timeout=60, validate_certs=params["validate_certs"]) as response, open(target, "wb") as out:
                shutil.copyfileobj(response, out)
        except (OSError, ValueError) as error:
            raise NodeActionFailed("cannot download deisctl from %s: %s" % (params["url"], error))
        return target

    @staticmethod
    def remote_checksum(runner, path):
        result = runner.run(["sha256sum", path])
        return result.stdout.split()[0] if result.rc == 0 and result.stdout.strip() else None

    @staticmethod
    def backup(runner, dest):
        """Keep the deisctl being replaced next to it, named by its version (a rollback needs it)."""
        result = runner.run([dest, "--version"])
        try:
            version = deisctl_version(result.rc, result.stdout)
        except ValueError:
            version = "previous"
        saved = "%s.%s" % (dest, version)
        runner.run_ok(["cp", "-p", dest, saved], "keeping the old deisctl as %s" % saved)
        return saved

    @staticmethod
    def place(runner, src, dest):
        runner.run_ok(["mkdir", "-p", os.path.dirname(dest)], "creating %s" % os.path.dirname(dest))
        runner.run_ok(["install", "-m", "0755", src, dest + ".new"], "installing deisctl")
        runner.run_ok(["mv", dest + ".new", dest], "moving deisctl into place")

    def install(self, runner, local, dest):
        tmp = self._make_tmp_path()
        try:
            remote = self._connection._shell.join_path(tmp, "deisctl")
            self._transfer_file(local, remote)
            self.place(runner, remote, dest)
        finally:
            self._remove_tmp_path(tmp)

    @staticmethod
    def check_version(runner, dest, expected, changed):
        result = runner.run([dest, "--version"])
        try:
            version = deisctl_version(result.rc, result.stdout)
        except ValueError as error:
            raise NodeActionFailed("%s does not run: %s" % (dest, error), changed=changed)
        if expected and version != expected:
            raise NodeActionFailed("%s is deisctl %s, not %s" % (dest, version, expected), changed=changed, version=version)
        return version
