#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deisctl_install
short_description: Put deisctl on a node from a binary or a release archive, sha256-checked, and check its version
description:
  - Takes deisctl as a binary or as the release archive Deis shipped (C(deisctl-<version>-linux-amd64.run), a
    makeself script), from the control node (a file, or a URL downloaded on the control node; deis.io no longer
    serves deisctl) or from the node (O(remote_src)).
  - The source's sha256 is compared with O(checksum) before anything is changed; a URL needs O(checksum) unless
    O(insecure=true).
  - On the node the source goes into a folder made with C(mktemp -d) (only its owner, root with C(become), can
    change it), its sha256 is checked again there, an archive is unpacked with its own code without running its
    C(refresh-units) (C(--noexec)), the deisctl must report O(version), and only then it replaces O(dest)
    (mode 0755) when it differs. The staging folder is removed.
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
    description: Where to download deisctl from (on the control node); needs O(checksum) unless O(insecure=true).
    type: str
  checksum:
    description: The sha256 of the source (binary or archive, as given), C(<hex>) or C(sha256:<hex>).
    type: str
  insecure:
    description: Accept a URL source without O(checksum).
    type: bool
    default: false
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
- name: Install deisctl v1.13.4 from its release archive next to the old one
  deis.platform.deisctl_install:
    src: files/deisctl-1.13.4-linux-amd64.run
    checksum: sha256:0f1e2d...
    dest: /opt/bin/deisctl.v1.13.4
    version: v1.13.4
  become: true
"""

RETURN = r"""
dest:
  description: Where deisctl is.
  type: str
  returned: success
checksum:
  description: SHA-256 of the deisctl binary (extracted from an archive).
  type: str
  returned: success
source_checksum:
  description: SHA-256 of the source as given.
  type: str
  returned: success
source_kind:
  description: V(binary) or V(makeself) (a release archive).
  type: str
  returned: success
start:
  description: When the task started (UNIX time).
  type: float
  returned: always
end:
  description: When the task ended (UNIX time).
  type: float
  returned: always
backup:
  description: Where the replaced deisctl was kept.
  type: str
  returned: O(backup=true) and a deisctl was replaced
version:
  description: What it reports, with a v.
  type: str
  returned: unless in check mode with a change
"""
