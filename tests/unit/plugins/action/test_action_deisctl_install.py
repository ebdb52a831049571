# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""deis.platform.deisctl_install refuses a source with the wrong sha256, or a URL without one, before any command
reaches the node; an unchanged binary is only version-checked."""

from __future__ import annotations

import hashlib

import pytest

from ansible_collections.deis.platform.plugins.action import deisctl_install
from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import call, fixture_text, run_action

WRONG = "0" * 64


@pytest.fixture(name="archive")
def archive_fixture(tmp_path):
    """The first bytes of a makeself release archive (tests/unit/fixtures/makeself) and a payload."""
    path = tmp_path / "deisctl-1.13.4-linux-amd64.run"
    path.write_bytes(fixture_text("makeself/deisctl-run-head.txt").encode() + b"\x1f\x8b payload")
    return path


def test_a_wrong_checksum_stops_before_the_node_is_touched(archive, fake_clock, monkeypatch):
    monkeypatch.setattr(deisctl_install, "time", fake_clock)
    actual = hashlib.sha256(archive.read_bytes()).hexdigest()
    result, node = run_action("deisctl_install", {"src": str(archive), "checksum": "sha256:" + WRONG, "dest": "/opt/bin/deisctl.v1.13.4",
                                                  "version": "1.13.4"}, [])
    assert node.received == []
    assert result["failed"] is True and result["source_checksum"] == actual
    assert result["msg"] == ("the sha256 of %s is %s, expected %s (deisctl_source_checksum): refusing it. Nothing was changed."
                             % (archive, actual, WRONG))


@pytest.mark.parametrize("args, message", [
    ({"url": "https://example.org/deisctl-1.13.4-linux-amd64.run"}, "needs its sha256 (deisctl_source_checksum)"),
    ({"src": "/x", "checksum": "md5:d41d8cd98f00b204e9800998ecf8427e"}, "is not a sha256"),
])
def test_refused_before_download(args, message):
    result, node = run_action("deisctl_install", args, [])
    assert node.received == [] and result["failed"] is True and message in result["msg"]


def test_an_unchanged_binary_is_only_version_checked(tmp_path, fake_clock, monkeypatch):
    monkeypatch.setattr(deisctl_install, "time", fake_clock)
    binary = tmp_path / "deisctl"
    binary.write_bytes(b"\x7fELF deisctl 1.13.4")
    digest = hashlib.sha256(binary.read_bytes()).hexdigest()
    result, _node = run_action("deisctl_install", {"src": str(binary), "checksum": digest, "version": "v1.13.4"}, [
        call("env LANG=C LC_ALL=C sha256sum /opt/bin/deisctl", out="%s  /opt/bin/deisctl\n" % digest),
        call("env LANG=C LC_ALL=C /opt/bin/deisctl --version", out="1.13.4\n")])
    assert result == {"changed": False, "dest": "/opt/bin/deisctl", "checksum": digest, "source_checksum": digest,
                      "source_kind": "binary", "version": "v1.13.4", "start": 1700000000.0, "end": 1700000000.0}
