# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""/etc/coreos/update.conf (Flatcar: /etc/flatcar/update.conf): KEY=VALUE lines read by update_engine."""

import re

GROUP_RE = re.compile(r"[A-Za-z0-9._-]+")


def update_conf_path(flavor):
    return "/etc/flatcar/update.conf" if flavor == "flatcar" else "/etc/coreos/update.conf"


def with_group(text, group):
    """The file's text with GROUP set to group; every other line kept as it is."""
    if not GROUP_RE.fullmatch(group):
        raise ValueError("update group %r is not a channel name like stable, beta or alpha" % group)
    lines = text.splitlines()
    out = []
    replaced = False
    for line in lines:
        if re.match(r"^\s*GROUP\s*=", line):
            if not replaced:
                out.append("GROUP=%s" % group)
                replaced = True
            continue
        out.append(line)
    if not replaced:
        out.insert(0, "GROUP=%s" % group)
    return "\n".join(out) + "\n"
