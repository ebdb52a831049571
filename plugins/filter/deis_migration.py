# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The migrate_apps role's decisions as filters: each one is a function of deis.platform.plugins.module_utils._deis_plan
(unit-tested there), so the role's tasks only pass data along."""

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._deis_plan import (
    cname_records, decommission_blockers, needs_router_test, repoint_needed, report_line, report_rows, router_verdicts, run_failures)


def deis_router_tested(results):
    """The deis_migrate results of the apps to test through the router (those with a build on the new cluster)."""
    return [item for item in results if needs_router_test(item)]


def deis_router_verdicts(answers, statuses=None, pattern=None):
    """{app: {ok, status, reason}} from the results of an ansible.builtin.uri loop over deis_router_tested."""
    return router_verdicts(answers, statuses or None, pattern or None)


def deis_report_rows(results, verdicts):
    """One report row per app: its deis_migrate result and router verdict."""
    return report_rows(results, verdicts or {})


def deis_report_lines(rows):
    """The text report's line of each row."""
    return [report_line(row) for row in rows]


def deis_run_failures(rows):
    """Apps that make the run fail: failed ones and failed router tests."""
    return run_failures(rows)


def deis_cname_records(results, old_domain, new_domain):
    """{<app>.<old domain>: <app>.<new domain>} for every app the new cluster holds."""
    return cname_records(results, old_domain, new_domain)


def deis_decommission_blockers(results, verdicts, repointed=None):
    """Why the old cluster must keep running (empty list: it may be stopped)."""
    return decommission_blockers(results, verdicts or {}, repointed)


def deis_repoint_needed(platform_version):
    """Whether a Deis platform version pulls a `deis pull` build's image again for every release (v1.12 and later)."""
    return repoint_needed(platform_version)


class FilterModule:
    """deis.platform filters of the migrate_apps role."""

    def filters(self):
        return {
            "deis_router_tested": deis_router_tested,
            "deis_router_verdicts": deis_router_verdicts,
            "deis_report_rows": deis_report_rows,
            "deis_report_lines": deis_report_lines,
            "deis_run_failures": deis_run_failures,
            "deis_cname_records": deis_cname_records,
            "deis_decommission_blockers": deis_decommission_blockers,
            "deis_repoint_needed": deis_repoint_needed,
        }
