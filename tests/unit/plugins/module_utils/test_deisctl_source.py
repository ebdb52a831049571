# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Where a new deisctl comes from: binary or makeself release archive, sha256, URL rules."""

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._deisctl_source import (
    checksum_problem, expected_checksum, source_kind, url_problem)

SUM = "9f" * 32


def test_a_release_archive_is_recognised_by_makeselfs_header(read_fixture):
    """deis/makeself single-binary (3ba8915) makeself-header.sh:1-2 with MS_VERSION 2.2.0 (makeself.sh:76)."""
    assert source_kind(read_fixture("makeself/deisctl-run-head.txt").encode()) == "makeself"


@pytest.mark.parametrize("head", [b"\x7fELF\x02\x01\x01\x00", b"#!/usr/bin/env python3\nPK\x03\x04", b"", b"# This script was generated using Makeself"])
def test_anything_else_is_a_binary(head):
    assert source_kind(head) == "binary"


@pytest.mark.parametrize("text, expected", [
    (None, None), ("", None), ("  ", None), (SUM, SUM), ("sha256:" + SUM.upper(), SUM), (" %s\n" % SUM, SUM)])
def test_expected_checksum(text, expected):
    assert expected_checksum(text) == expected


@pytest.mark.parametrize("text", ["md5:d41d8cd98f00b204e9800998ecf8427e", SUM[:-1], "sha256:xyz", "sha1:" + SUM])
def test_expected_checksum_rejects(text):
    with pytest.raises(ValueError, match="is not a sha256"):
        expected_checksum(text)


def test_url_rules():
    assert url_problem(None, None, False) is None
    assert "needs its sha256 (deisctl_source_checksum)" in url_problem("https://example.org/deisctl-1.13.4-linux-amd64.run", None, False)
    assert "needs its sha256" in url_problem("http://example.org/deisctl", "  ", False)
    assert url_problem("http://example.org/deisctl", None, True) is None
    assert url_problem("https://example.org/deisctl", SUM, False) is None
    assert "not an http(s) URL" in url_problem("ftp://example.org/deisctl", SUM, False)


def test_checksum_problem_names_both_sums():
    assert checksum_problem("deisctl.run", None, SUM) is None
    assert checksum_problem("deisctl.run", SUM, SUM) is None
    assert checksum_problem("deisctl.run", "0" * 64, SUM) == (
        "the sha256 of deisctl.run is %s, expected %s (deisctl_source_checksum): refusing it. Nothing was changed." % (SUM, "0" * 64))
