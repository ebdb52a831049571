#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deisctl_install
short_description: Put a deisctl binary on a node and check its version
description:
  - Copies a deisctl from the control node (a file, or a URL downloaded on the control node; deis.io no longer
    serves deisctl) to the node over the connection, installs it with mode 0755 when its checksum differs, and
    checks that it runs and reports the expected version.
  - The work is done by an action plugin of the same name; no Python is needed on the node.
author:
  - deis.platform contributors (@deis-platform)
attributes:
  check_mode:
    support: full
    description: Compares checksums without copying.
  diff_mode:
    support: none
    description: No diff.
  platform:
    support: full
    platforms: posix
    description: A node of a Deis v1 cluster.
options:
  src:
    description: deisctl on the control node.
    type: path
  url:
    description: Where to download deisctl from (on the control node).
    type: str
  dest:
    description: Where it goes on the node.
    type: str
    default: /opt/bin/deisctl
  version:
    description: The version C(dest --version) must print (with or without the v).
    type: str
  validate_certs:
    description: Verify the TLS certificate of O(url).
    type: bool
    default: true
  remote_src:
    description: O(src) is a path on the node (for example a deisctl kept by O(backup)).
    type: bool
    default: false
  backup:
    description: Keep the deisctl being replaced as C(<dest>.<its version>), for a rollback.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Install the new deisctl next to the old one for a graceful upgrade
  deis.platform.deisctl_install:
    src: files/deisctl-1.13.4
    dest: /tmp/upgrade/deisctl
    version: v1.13.4
  become: true
"""

RETURN = r"""
dest:
  description: Where deisctl is.
  type: str
  returned: success
checksum:
  description: SHA-256 of the installed file.
  type: str
  returned: success
backup:
  description: Where the replaced deisctl was kept.
  type: str
  returned: O(backup=true) and a deisctl was replaced
version:
  description: What it reports, with a v.
  type: str
  returned: unless in check mode with a change
"""
