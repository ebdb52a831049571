# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""RFC 1035 master-file text for CNAME records (the zone snippet of dns_cname_records)."""


def fqdn(name):
    """NAME with the trailing dot of an absolute domain name."""
    return name if name.endswith(".") else name + "."


def zone_snippet(records, ttl=None):
    """Lines `<name>.  [TTL]  CNAME  <target>.` for {name: target}, sorted by name."""
    width = max([len(fqdn(name)) for name in records] + [0]) + 4
    lines = []
    for name in sorted(records):
        lines.append("%s%sCNAME    %s" % (fqdn(name).ljust(width), "%d    " % ttl if ttl else "", fqdn(records[name])))
    return "\n".join(lines) + ("\n" if lines else "")
