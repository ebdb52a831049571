# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""The report of a platform upgrade (deis_upgrade_report), from the registered results of the role's steps."""

# What is down between the first and the last step named, per strategy.
DOWNTIME = {
    "inplace": (("stop",), ("start",), "the platform: applications, routers and control plane"),
    "graceful": (("upgrade-prep",), ("upgrade-takeover",), "the control plane; the routers keep serving, one restarting at a time"),
}


def step_times(result):
    """(start, end, changed, failed) of a registered result; a loop's results span the earliest start to the latest end.
    None for a skipped or never-run step."""
    if not isinstance(result, dict) or result.get("skipped"):
        return None
    items = [r for r in result.get("results", []) if isinstance(r, dict) and not r.get("skipped")] if "results" in result else [result]
    starts = [r["start"] for r in items if isinstance(r.get("start"), (int, float))]
    ends = [r["end"] for r in items if isinstance(r.get("end"), (int, float))]
    if not starts or not ends:
        return None
    return min(starts), max(ends), any(r.get("changed") for r in items), any(r.get("failed") for r in items)


def build_report(facts):
    """facts: {"before", "target", "after", "version_source", "strategy", "stateless", "needed", "steps": [{"name", "result"}],
    "rollback_steps": [...], "rolled_back_to", "error", "upstream_gaps"} -> the report (plain data, JSON-ready)."""
    steps = _steps(facts.get("steps") or [])
    rollback = _steps(facts.get("rollback_steps") or [])
    report = {
        "versions": {"before": facts.get("before"), "target": facts.get("target"), "after": facts.get("after")},
        "version_source": facts.get("version_source"),
        "strategy": facts.get("strategy") if facts.get("needed") else None,
        "stateless": bool(facts.get("stateless")),
        "upgraded": bool(facts.get("needed")) and not facts.get("error"),
        "steps": steps,
        "downtime": downtime(facts.get("strategy"), steps, rollback) if facts.get("needed") else None,
        "rollback": None,
        "error": facts.get("error"),
        "upstream_gaps": facts.get("upstream_gaps") or {},
    }
    if facts.get("error"):
        report["rollback"] = {"done": bool(rollback), "to": facts.get("rolled_back_to"), "steps": rollback}
    if steps:
        report["seconds"] = round(max(step["end"] for step in steps) - steps[0]["start"], 1)
    report["summary"] = summary(report)
    return report


def summary(report):
    """One line: versions, where the version came from, strategy, downtime, steps, rollback."""
    versions = report["versions"]
    text = "Deis %s -> %s (version from %s; %s)" % (
        versions["before"], versions["after"], report["version_source"], report["strategy"] or "nothing to do")
    down = report["downtime"]
    if down and down["seconds"] is not None:
        text += "; down %.1f s: %s" % (down["seconds"], down["what"])
    if report["steps"]:
        text += "; steps: " + ", ".join("%s %.1f s" % (step["name"], step["seconds"]) for step in report["steps"])
    if report["rollback"]:
        text += "; rolled back to %s" % report["rollback"]["to"] if report["rollback"]["done"] else "; not rolled back"
    return text + "."


def _steps(named):
    out = []
    for step in named:
        times = step_times(step.get("result"))
        if times:
            start, end, changed, failed = times
            out.append({"name": step["name"], "start": round(start, 3), "end": round(end, 3), "seconds": round(end - start, 1),
                        "changed": changed, "failed": failed})
    return sorted(out, key=lambda step: step["start"])


def downtime(strategy, steps, rollback):
    """The window in which DOWNTIME[strategy] was down: from the start of its first step to the end of its last one, or of
    the rollback when there was one (the old platform then came back)."""
    if strategy not in DOWNTIME:
        return None
    first, last, what = DOWNTIME[strategy]
    starts = [s["start"] for s in steps if s["name"] in first]
    if not starts:
        return None
    ends = [s["end"] for s in rollback] or [s["end"] for s in steps if s["name"] in last]
    if not ends:
        return {"what": what, "start": starts[0], "end": None, "seconds": None}
    return {"what": what, "start": starts[0], "end": max(ends), "seconds": round(max(ends) - starts[0], 1)}
