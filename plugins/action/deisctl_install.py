# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time

from ansible.module_utils.urls import open_url

from ansible_collections.deis.platform.plugins.module_utils._deisctl import deisctl_version, version_string
from ansible_collections.deis.platform.plugins.module_utils._deisctl_source import (
    checksum_problem, expected_checksum, source_kind, url_problem)
from ansible_collections.deis.platform.plugins.plugin_utils._node_command import NodeAction, NodeActionFailed

SOURCE_NAME = "deisctl-source"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def head_of(path, size=1024):
    with open(path, "rb") as handle:
        return handle.read(size)


class ActionModule(NodeAction):
    """Put deisctl on a node from a binary or a release archive (deisctl-<version>-linux-amd64.run) on the control node,
    a URL, or a file on the node; sha256-checked, staged in a `mktemp -d` folder, and its version checked before it
    replaces `dest`."""

    ARGUMENT_SPEC = {
        "src": {"type": "path"},
        "url": {"type": "str"},
        "checksum": {"type": "str"},
        "insecure": {"type": "bool", "default": False},
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
        started = time.time()
        if params["version"]:
            try:
                params["version"] = version_string(params["version"])
            except ValueError as error:
                raise NodeActionFailed(str(error))
        if params["remote_src"] and not params["src"]:
            raise NodeActionFailed("remote_src needs src (a path on the node)")
        problem = url_problem(params["url"], params["checksum"], params["insecure"])
        if problem:
            raise NodeActionFailed(problem)
        try:
            wanted = expected_checksum(params["checksum"])
        except ValueError as error:
            raise NodeActionFailed(str(error))
        workdir = tempfile.mkdtemp(prefix="deisctl-")
        try:
            result = self.install_from(params, runner, workdir, wanted)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        result.update(start=round(started, 3), end=round(time.time(), 3))
        return result

    def install_from(self, params, runner, workdir, wanted):
        if params["remote_src"]:
            source_sum = self.remote_checksum(runner, params["src"])
            if source_sum is None:
                raise NodeActionFailed("deisctl source %s is not a file on the node" % params["src"])
            kind, local = "binary", None
        else:
            local = self.fetch(params, workdir) if params["url"] else params["src"]
            if not os.path.isfile(local):
                raise NodeActionFailed("deisctl source %s is not a file on the control node" % local)
            source_sum = sha256_of(local)
            kind = source_kind(head_of(local))
        problem = checksum_problem(params["url"] or params["src"], wanted, source_sum)
        if problem:
            raise NodeActionFailed(problem, source_checksum=source_sum)
        present = self.remote_checksum(runner, params["dest"])
        result = {"dest": params["dest"], "source_checksum": source_sum, "source_kind": kind}
        if kind == "binary" and present == source_sum:
            result.update(changed=False, checksum=present, version=self.check_version(runner, params["dest"], params["version"], False))
            return result
        staging = runner.run_ok(["mktemp", "-d"], "creating a staging folder (mktemp -d)").stdout.strip()
        try:
            binary = self.stage(runner, params, local, staging, source_sum, kind)
            staged_sum = self.remote_checksum(runner, binary)
            result.update(checksum=staged_sum, changed=present != staged_sum)
            version = self.check_version(runner, binary, params["version"], False)
            if result["changed"] and not self.check_mode:
                if params["backup"] and present is not None:
                    result["backup"] = self.backup(runner, params["dest"])
                self.place(runner, binary, params["dest"])
                version = self.check_version(runner, params["dest"], params["version"], True)
            result["version"] = version
        finally:
            runner.run(["rm", "-rf", staging])
        return result

    def stage(self, runner, params, local, staging, source_sum, kind):
        """Copy the source into the staging folder (only its owner can write there), check its sha256 there, and for
        a release archive extract deisctl with the archive's own code without running its refresh-units
        (makeself --noexec; it checks its embedded MD5 first and exits 2 when that fails)."""
        source = staging + "/" + SOURCE_NAME
        if params["remote_src"]:
            runner.run_ok(["cp", params["src"], source], "copying %s into %s" % (params["src"], staging))
        else:
            self.upload(runner, local, source)
        if self.remote_checksum(runner, source) != source_sum:
            raise NodeActionFailed("the deisctl source changed on its way to %s (sha256 differs from %s): nothing was installed"
                                   % (source, source_sum))
        if kind == "binary":
            runner.run_ok(["chmod", "0700", source], "making the staged deisctl executable")
            return source
        runner.run_ok(["sh", source, "--quiet", "--noexec", "--target", staging], "extracting deisctl from the release archive")
        return staging + "/deisctl"

    def fetch(self, params, workdir):
        target = os.path.join(workdir, "deisctl-download")
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

    def upload(self, runner, local, remote):
        """The file goes through Ansible's private remote temp folder of the connection user, then into `remote`."""
        tmp = self._make_tmp_path()
        try:
            transferred = self._connection._shell.join_path(tmp, SOURCE_NAME)
            self._transfer_file(local, transferred)
            runner.run_ok(["cp", transferred, remote], "copying deisctl into the staging folder")
        finally:
            self._remove_tmp_path(tmp)

    @staticmethod
    def check_version(runner, path, expected, changed):
        result = runner.run([path, "--version"])
        try:
            version = deisctl_version(result.rc, result.stdout)
        except ValueError as error:
            raise NodeActionFailed("%s does not run: %s" % (path, error), changed=changed)
        if expected and version != expected:
            raise NodeActionFailed("%s is deisctl %s, not %s; nothing was installed" % (path, version, expected)
                                   if not changed else "%s is deisctl %s, not %s" % (path, version, expected),
                                   changed=changed, version=version)
        return version
