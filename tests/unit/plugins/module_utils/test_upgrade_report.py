# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""deis_upgrade_report from the role's registered steps."""

from __future__ import annotations

from ansible_collections.deis.platform.plugins.module_utils._upgrade_report import build_report, step_times

T = 1700000000.0


def done(start, end, changed=True, **extra):
    return dict({"changed": changed, "start": T + start, "end": T + end}, **extra)


def test_step_times_of_a_loop_and_of_skipped_steps():
    loop = {"results": [done(0, 5), done(1, 20, changed=False), {"skipped": True}]}
    assert step_times(loop) == (T, T + 20, True, False)
    assert step_times({"skipped": True}) is None
    assert step_times(None) is None
    assert step_times({"changed": False}) is None


def test_inplace_report_downtime_is_stop_to_start():
    report = build_report({
        "before": "v1.12.3", "target": "v1.13.4", "after": "v1.13.4", "version_source": "DEIS_RELEASE of /etc/deis-release",
        "strategy": "inplace", "needed": True, "stateless": False,
        "steps": [{"name": "pre-pull", "result": {"results": [done(0, 60), done(0, 62)]}},
                  {"name": "refresh-units", "result": done(63, 64)},
                  {"name": "stop", "result": done(64, 70)}, {"name": "uninstall", "result": done(70, 75)},
                  {"name": "stateless logger", "result": {"skipped": True}},
                  {"name": "install", "result": done(76, 80)}, {"name": "start", "result": done(80, 95.5)}]})
    assert report["versions"] == {"before": "v1.12.3", "target": "v1.13.4", "after": "v1.13.4"}
    assert [s["name"] for s in report["steps"]] == ["pre-pull", "refresh-units", "stop", "uninstall", "install", "start"]
    assert report["downtime"] == {"what": "the platform: applications, routers and control plane", "start": T + 64, "end": T + 95.5,
                                  "seconds": 31.5}
    assert report["upgraded"] is True and report["rollback"] is None and report["seconds"] == 95.5
    assert report["summary"].startswith("Deis v1.12.3 -> v1.13.4 (version from DEIS_RELEASE of /etc/deis-release; inplace); "
                                        "down 31.5 s: the platform")


def test_graceful_report_and_gaps():
    report = build_report({"before": "v1.12.3", "target": "v1.13.4", "after": "v1.13.4", "strategy": "graceful", "needed": True,
                           "steps": [{"name": "upgrade-prep", "result": done(0, 10)}, {"name": "upgrade-takeover", "result": done(10, 40)}],
                           "upstream_gaps": {"logger": "why"}})
    assert report["downtime"]["seconds"] == 40.0 and report["downtime"]["what"].startswith("the control plane")
    assert report["upstream_gaps"] == {"logger": "why"}


def test_a_rollback_ends_the_downtime_and_is_reported():
    report = build_report({"before": "v1.12.3", "target": "v1.13.4", "after": "v1.12.3", "strategy": "inplace", "needed": True,
                           "error": "Start the platform (new deisctl): deis-controller.service failed", "rolled_back_to": "v1.12.3",
                           "steps": [{"name": "stop", "result": done(0, 5)}, {"name": "start", "result": done(10, 20, failed=True)}],
                           "rollback_steps": [{"name": "install and start", "result": {"results": [done(21, 25), done(25, 40)]}}]})
    assert report["upgraded"] is False and report["steps"][-1]["failed"] is True
    assert report["rollback"] == {"done": True, "to": "v1.12.3", "steps": [
        {"name": "install and start", "start": T + 21, "end": T + 40, "seconds": 19.0, "changed": True, "failed": False}]}
    assert report["downtime"]["seconds"] == 40.0
    assert report["summary"].endswith("; rolled back to v1.12.3.")


def test_nothing_to_do():
    report = build_report({"before": "v1.13.4", "target": "v1.13.4", "after": "v1.13.4", "version_source": "/deis/platform/version",
                           "strategy": "graceful", "needed": False, "steps": [{"name": "stop", "result": None}]})
    assert (report["strategy"], report["downtime"], report["steps"], report["upgraded"]) == (None, None, [], False)
    assert report["summary"] == "Deis v1.13.4 -> v1.13.4 (version from /deis/platform/version; nothing to do)."


def test_steps_are_listed_in_the_order_they_ran():
    report = build_report({"before": "v1.12.3", "target": "v1.13.4", "strategy": "graceful", "needed": True,
                           "steps": [{"name": "swap deisctl", "result": done(50, 51)}, {"name": "upgrade-prep", "result": done(0, 10)}]})
    assert [s["name"] for s in report["steps"]] == ["upgrade-prep", "swap deisctl"] and report["seconds"] == 51.0
