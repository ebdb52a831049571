# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""Where a new deisctl comes from: its kind (binary or release archive), the sha256 it must have, URL rules.

Deis shipped deisctl as `deisctl-<version>-<os>-amd64.run` (deis/deis v1.13.4 deisctl/Makefile:16-29): a makeself
archive (deis/makeself, branch single-binary, makeself-header.sh) whose line 2 is
`# This script was generated using Makeself <version>`.  Its embedded MD5 only shows the archive is whole; it says
nothing about where it came from, hence the sha256 of what the user names.
"""

import re

MAKESELF_MARK = b"# This script was generated using Makeself"
SHA256_RE = re.compile(r"^(?:sha256:)?(?P<hex>[0-9a-fA-F]{64})$")


def source_kind(head):
    """'makeself' when the first bytes are a makeself archive's header, else 'binary'."""
    lines = head.split(b"\n")[:3]
    if lines and lines[0].startswith(b"#!") and any(line.startswith(MAKESELF_MARK) for line in lines[1:]):
        return "makeself"
    return "binary"


def expected_checksum(text):
    """'sha256:<hex>' or '<hex>' -> lowercase hex; None for no checksum; ValueError for anything else."""
    if text is None or not text.strip():
        return None
    match = SHA256_RE.match(text.strip())
    if not match:
        raise ValueError("deisctl checksum %r is not a sha256 (64 hex digits, optionally prefixed with sha256:)" % text)
    return match.group("hex").lower()


def url_problem(url, checksum, insecure):
    """Why a URL source is refused before anything is downloaded, or None."""
    if not url:
        return None
    if not url.startswith(("https://", "http://")):
        return "deisctl URL %s is not an http(s) URL" % url
    if not (checksum or "").strip() and not insecure:
        return ("deisctl from the URL %s needs its sha256 (deisctl_source_checksum), or deisctl_source_insecure: true to "
                "accept whatever the server sends. Nothing was changed." % url)
    return None


def checksum_problem(source, wanted, actual):
    """Why the source is refused (its sha256 is not the expected one), or None."""
    if wanted is None or wanted == actual:
        return None
    return ("the sha256 of %s is %s, expected %s (deisctl_source_checksum): refusing it. Nothing was changed."
            % (source, actual, wanted))
