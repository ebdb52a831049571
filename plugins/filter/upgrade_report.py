# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: upgrade_report
short_description: Build the report of a Deis platform upgrade from the role's registered steps
description:
  - Used by the C(deis.platform.upgrade_inplace) role for C(deis_upgrade_report). Each step's registered result carries
    C(start) and C(end) (UNIX times, set by the collection's deisctl and docker_image modules); skipped steps are left out.
  - The downtime window runs from the C(stop) step to the C(start) step (in place), or from C(upgrade-prep) to
    C(upgrade-takeover) (graceful, the control plane only), or to the end of the rollback when there was one.
author:
  - deis.platform contributors (@deis-platform)
positional: _input
options:
  _input:
    description:
      - A dictionary with C(before), C(target), C(after), C(version_source), C(strategy), C(stateless), C(needed),
        C(steps) and C(rollback_steps) (lists of C(name)/C(result)), C(rolled_back_to), C(error), C(upstream_gaps).
    type: dict
    required: true
"""

EXAMPLES = r"""
- name: Build the report
  ansible.builtin.set_fact:
    report: "{{ {'before': 'v1.12.3', 'target': 'v1.13.4', 'needed': true, 'strategy': 'inplace',
                 'steps': [{'name': 'stop', 'result': stop_result}]} | deis.platform.upgrade_report }}"
"""

RETURN = r"""
_value:
  description: The report (versions, version_source, strategy, steps with start/end/seconds, downtime, rollback, error).
  type: dict
"""

from ansible_collections.deis.platform.plugins.module_utils._upgrade_report import build_report


class FilterModule:
    """deis.platform.upgrade_report"""

    def filters(self):
        return {"upgrade_report": build_report}
