# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """The deisctl options shared by deisctl, deisctl_config and deisctl_info (the action group deis.platform.deisctl)."""

    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/deis.platform.deisctl) in C(module_defaults) to set O(deisctl), O(endpoint) and O(tunnel) once.
    support: full
    membership:
      - deis.platform.deisctl
options:
  deisctl:
    description: The deisctl to run, for example the new one of a graceful upgrade.
    type: str
    default: /opt/bin/deisctl
  endpoint:
    description: etcd endpoint (C(deisctl --endpoint)); deisctl's default C(http://127.0.0.1:4001) when omitted.
    type: str
  tunnel:
    description: Host to tunnel through (C(DEISCTL_TUNNEL)), when deisctl runs on a workstation.
    type: str
"""
