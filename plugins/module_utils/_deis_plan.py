# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""The decisions of the deis_* modules and of the migrate_apps role, as pure functions of plain data (no HTTP).

Upstream facts they rest on (deis/deis, tags named) are cited where they are used.
"""

import json
import re

CONFIG_FIELDS = ("values", "memory", "cpu", "tags")
HIDDEN = "(hidden)"
CHANGED = "(changed)"
REDACTED = "********"
# An app runs on the new cluster in these statuses (not_deployed ones exist there without a build).
ON_NEW_CLUSTER = ("migrated", "already_done", "not_deployed")
STATUSES = ("migrated", "already_done", "not_deployed", "skipped", "failed")
TAKEN = "name taken by another user (%s) on the new cluster: not touched"


# -- config, limits, tags --------------------------------------------------------------------------

def as_text(field, value):
    """How the controller stores a config value: cpu shares as int, the rest as text (controller/api/serializers.py:45-77)."""
    if value is None:
        return None
    if field == "cpu":
        try:
            return int(value)
        except (TypeError, ValueError):
            return value
    if isinstance(value, bool):
        return "True" if value else "False"
    return value if isinstance(value, str) else (json.dumps(value) if isinstance(value, (dict, list)) else str(value))


def config_change(current, desired, purge=False):
    """The POST config/ body turning CURRENT into DESIRED ({field: {key: value or None}}), {} when nothing differs.

    None in DESIRED unsets a key; with PURGE, keys of a given field that DESIRED does not name are unset too.
    """
    change = {}
    for field in CONFIG_FIELDS:
        wanted = desired.get(field)
        if wanted is None:
            continue
        have = current.get(field) or {}
        diff = {}
        for key, value in wanted.items():
            value = as_text(field, value)
            if value is None:
                if key in have:
                    diff[key] = None
            elif key not in have or as_text(field, have[key]) != value:
                diff[key] = value
        if purge:
            diff.update({key: None for key in have if key not in wanted})
        if diff:
            change[field] = diff
    return change


def apply_config_change(current, change):
    """CURRENT after CHANGE, as the controller merges it (controller/api/models.py:807-828)."""
    after = {field: dict(current.get(field) or {}) for field in CONFIG_FIELDS}
    for field, diff in change.items():
        for key, value in diff.items():
            if value is None:
                after[field].pop(key, None)
            else:
                after[field][key] = value
    return after


def hide_values(config, show_values=False):
    """CONFIG with every environment value replaced by "(hidden)" unless SHOW_VALUES (limits and tags stay)."""
    shown = {field: dict(config.get(field) or {}) for field in CONFIG_FIELDS}
    if not show_values:
        shown["values"] = {key: HIDDEN for key in shown["values"]}
    return shown


def config_output(before, change, show_values=False):
    """(before, after, change) for a module's result and diff: values show as "(hidden)", changed ones as "(changed)",
    unless SHOW_VALUES."""
    after = apply_config_change(before, change)
    if show_values:
        return before, after, change
    hidden_after = hide_values(after)
    for key, value in (change.get("values") or {}).items():
        if value is not None:
            hidden_after["values"][key] = CHANGED
    hidden_change = dict(change)
    if "values" in change:
        hidden_change["values"] = {key: (None if value is None else CHANGED) for key, value in change["values"].items()}
    return hide_values(before), hidden_after, hidden_change


def secret_values(config):
    """The environment values of CONFIG that must never be printed (text of at least 3 characters)."""
    return sorted({str(value) for value in (config.get("values") or {}).values() if value is not None and len(str(value)) >= 3},
                  key=len, reverse=True)


def redact(text, secrets):
    """TEXT with every secret replaced by ********."""
    text = "" if text is None else str(text)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


# -- scale ---------------------------------------------------------------------------------------

def running(structure):
    """A structure without its zero counts."""
    return {kind: int(count) for kind, count in (structure or {}).items() if int(count) > 0}


def scale_change(current, desired, exact=False):
    """The POST scale/ body turning CURRENT into DESIRED, {} when equal; with EXACT, types not in DESIRED go to 0."""
    have, change = running(current), {}
    for kind, count in desired.items():
        if have.get(kind, 0) != int(count):
            change[kind] = int(count)
    if exact:
        change.update({kind: 0 for kind in have if kind not in desired})
    return change


# -- domains -------------------------------------------------------------------------------------

def domain_key(domain):
    """The name a domain stands for: without the one trailing dot the controller strips (controller/api/serializers.py:296-297),
    compared without case (DNS names); the controller itself keeps the spelling it was given."""
    name = domain[:-1] if domain.endswith(".") else domain
    return name.lower()


def domain_changes(current, desired, purge=False):
    """(to add, to remove) turning the CURRENT domain list into DESIRED.

    Added domains keep the spelling of DESIRED (without a trailing dot). Removed ones keep the stored spelling of CURRENT:
    DELETE of a spelling the controller does not hold is a 500 (controller/api/views.py:307-309, a get() that raises).
    """
    have = {domain_key(domain): domain for domain in current}
    wanted = {}
    for domain in desired:
        wanted.setdefault(domain_key(domain), domain[:-1] if domain.endswith(".") else domain)
    add = sorted(spelling for key, spelling in wanted.items() if key not in have)
    remove = sorted(spelling for key, spelling in have.items() if key not in wanted) if purge else []
    return add, remove


def domains_present(current, domains):
    """The DOMAINS that CURRENT holds (in any case)."""
    have = {domain_key(domain) for domain in current}
    return [domain for domain in domains if domain_key(domain) in have]


# -- builds and releases -------------------------------------------------------------------------

def migration_image(registry, app_id, release):
    """`<old registry>/<app>:v<N>`: the image the old cluster's registry holds for release N (Release.image,
    controller/api/models.py:855-857, pushed by controller/registry/dockerclient.py:49-53)."""
    return "%s/%s:v%d" % (registry.rstrip("/"), app_id, release)


def release_live(release, containers, structure, recorded=None):
    """Whether the app's latest RELEASE was deployed: (True, False or None when it cannot be told, reason).

    A failed publish (pull) leaves its build and release rows: Release.new creates the row before it publishes
    (v1.12.3 controller/api/models.py:859-878) and only a failed deploy deletes it (:761-766). A deploy moves every
    container to the new release, or scales an app with an empty structure by default (:454-476). So: some container
    runs the latest release; an app with a build and an empty structure was never deployed; with no container at all
    (every type scaled to 0) only a record of an earlier 2xx answer (RECORDED, the release version) tells.
    """
    if release is None:
        return False, "the app has no release"
    if not release.get("build"):
        return True, None
    version = "v%d" % release["version"]
    if containers:
        if any(container.get("release") == version for container in containers):
            return True, None
        return False, "no container runs the latest release %s: its publish or deploy failed" % version
    if not structure:
        return False, "release %s was never deployed (a deployed build scales an empty app by default)" % version
    if recorded == release["version"]:
        return True, None
    return None, "no container runs (every process type is scaled to 0) and no earlier run recorded release %s as accepted" % version


def desired_from_old(old, registry, old_domain):
    """What the new cluster must have for the old app OLD (read_app of the old cluster)."""
    domains = list(old["domains"]) + (["%s.%s" % (old["id"], old_domain)] if old_domain else [])
    deployed = bool(old["release"] and old.get("image"))
    return {"image": migration_image(registry, old["id"], old["release"]) if deployed else None,
            "procfile": old["procfile"], "config": old["config"], "domains": domains,
            "structure": running(old["structure"]) if deployed else {},
            "owner": old.get("owner"), "perms": list(old.get("perms") or [])}


def is_ours(owner, admin, old_owner):
    """An app on the new cluster is ours when the migrating admin or the old app's owner owns it."""
    return owner is not None and owner in (admin, old_owner)


def transfer_supported(platform_version):
    """Whether the controller can give an app to another user (POST /v1/apps/<id> with owner): from v1.11.0
    (v1.11.0 controller/api/views.py AppViewSet.update; v1.12.3 views.py:238-247, urls.py:65-66). None when unknown."""
    version = version_tuple(platform_version)
    return None if version is None else version >= (1, 11, 0)


def owner_target(old_owner, admin, users, can_transfer=True):
    """Who should own the app on the new cluster: the old owner when such a user exists there (USERS: the new cluster's
    usernames) and the controller can transfer apps, else the admin; None (leave it as it is) when USERS is None
    (unknown: the new login is not an admin)."""
    if users is None:
        return None
    if can_transfer is not False and old_owner and old_owner in users:
        return old_owner
    return admin


def share_targets(old_perms, users, owner):
    """(users to share with, users missing on the new cluster) for the old app's sharing list."""
    if users is None:
        return [], sorted(old_perms)
    return sorted(user for user in old_perms if user in users and user != owner), sorted(user for user in old_perms if user not in users)


def migration_steps(desired, new, admin, users, can_transfer=True):
    """The steps still needed on the new cluster: {"action": "skip", "reason"} or {"action": "migrate", "steps": [...]}.

    NEW is read_app() of the new cluster's app (None when absent, with "live" from release_live); ADMIN the migrating
    user; USERS the new cluster's usernames (None when unknown). Steps, in order: create, build, config, domains, scale,
    perms, owner. An app without a build on the old cluster gets no build and no scale (App.scale refuses an app
    without a build: controller/api/models.py:261-264).
    """
    if new is not None and not is_ours(new.get("owner"), admin, desired["owner"]):
        return {"action": "skip", "reason": TAKEN % new.get("owner")}
    state = new or {"image": None, "live": False, "config": {}, "domains": [], "structure": {}, "perms": [], "owner": admin}
    steps = [] if new else ["create"]
    if desired["image"] and (not builds_from(state, desired["image"]) or not state["live"]):
        steps.append("build")
    if config_change(state["config"], desired["config"]):
        steps.append("config")
    if domain_changes(state["domains"], desired["domains"])[0]:
        steps.append("domains")
    if desired["image"] and ("build" in steps or scale_change(state["structure"], desired["structure"], exact=True)):
        steps.append("scale")
    owner = owner_target(desired["owner"], admin, users, can_transfer)
    share = share_targets(desired["perms"], users, owner)[0]
    if set(share) - set(state["perms"]):
        steps.append("perms")
    if owner is not None and state["owner"] != owner:
        steps.append("owner")
    return {"action": "migrate", "steps": steps}


def summary(results):
    """Number of apps per status."""
    return {status: sum(1 for item in results if item["status"] == status) for status in STATUSES}


# -- builds after decommission (v1.12+) -------------------------------------------------------------

def version_tuple(version):
    """(major, minor, patch) of "1.12.3" or "v1.12.3"; None when VERSION is not one."""
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.(\d+))?", str(version or ""))
    return tuple(int(part or 0) for part in match.groups()) if match else None


def repoint_needed(platform_version):
    """Whether builds from an external registry depend on it for every new release: True from Deis v1.12, False before,
    None when the version is unknown.

    v1.12+: Release.publish passes deis_registry=bool(build.sha), so a `deis pull` build (no sha) is pulled from its
    external image again for each new release (v1.12.3 controller/api/models.py:880-889, registry/dockerclient.py:35-42).
    v1.7-v1.11: publish asks the cluster's own registry to import the image (the answer is not checked) and then reads
    `<app>:<tag>` from that registry, which keeps its copy (v1.7.3 controller/api/models.py:733-752,
    registry/private.py:48, 104-110): nothing to do there.
    """
    version = version_tuple(platform_version)
    if version is None:
        return None
    return version >= (1, 12, 0)


def repoint_candidates(releases, build_uuid):
    """Versions of the releases made with the build BUILD_UUID, oldest first: the first one the new registry holds is the
    image to build from.

    Its image there is the migrated image plus that release's ENV layer (controller/registry/dockerclient.py:49-53, 55-60):
    for the release the migration's build made (before the config step), only DEIS_APP and DEIS_RELEASE.
    """
    return sorted(release["version"] for release in releases if release.get("build") == build_uuid)


def repointed_version(image, app_id):
    """K when IMAGE is `<registry>/<APP_ID>:v<K>` (a release image of the app in a cluster's registry, what repoint_app
    builds from), else None."""
    match = re.match(r"^[^/]+/%s:v(\d+)$" % re.escape(app_id), image or "")
    return int(match.group(1)) if match else None


def builds_from(state, image):
    """Whether the new cluster's app (read_app) runs IMAGE: its build is IMAGE, or was repointed from it before a
    decommission (origin_image, see _deis_migration.repointed_origin)."""
    return image is not None and image in (state.get("image"), state.get("origin_image"))


def on_registry(image, registry):
    """Whether IMAGE is held by REGISTRY (host:port)."""
    return bool(image) and image.startswith(registry.rstrip("/") + "/")


# -- the role's verdicts, report and DNS ------------------------------------------------------------

def router_verdict(answer, statuses=None, pattern=None):
    """Whether one router answer (an ansible.builtin.uri result) shows the app migrated: {ok, status, reason}.

    Only the HTTP status counts: by default any answer below 500 within the timeout (a 502/503/504 is the router saying
    the app does not run); STATUSES narrows it to a list, PATTERN (a regular expression) must match the body when given.
    """
    status = answer.get("status", -1)
    status = -1 if status is None else int(status)
    body = answer.get("content") or ""
    if status < 0:
        return {"ok": False, "status": status, "reason": "no answer: %s" % (answer.get("msg") or "connection failed")}
    if statuses:
        if status not in [int(item) for item in statuses]:
            return {"ok": False, "status": status, "reason": "status %d is not one of %s" % (status, sorted(int(item) for item in statuses))}
    elif status >= 500:
        return {"ok": False, "status": status, "reason": "status %d: the router has no running app behind the name" % status}
    if pattern and not re.search(pattern, body):
        return {"ok": False, "status": status, "reason": "the answer does not match %r" % pattern}
    return {"ok": True, "status": status, "reason": None}


def router_verdicts(answers, statuses=None, pattern=None):
    """{app: verdict} for the results of a uri loop over migrate results (each answer's item has the app)."""
    return {answer["item"]["app"]: router_verdict(answer, statuses, pattern) for answer in answers}


def needs_router_test(result):
    """Apps that run on the new cluster with a build are tested through the router; never-deployed ones are not."""
    return result["status"] in ("migrated", "already_done")


def report_rows(results, verdicts):
    """One row per app: the migration result with its router verdict (None when not tested)."""
    return [dict(result, router=verdicts.get(result["app"])) for result in results]


def report_line(row):
    """The text report's line for one row."""
    parts = ["%-40s %-13s" % (row["app"], row["status"])]
    if row.get("release"):
        parts.append("v%s" % row["release"])
    if row.get("steps"):
        parts.append("steps=" + ",".join(row["steps"]))
    if row.get("router"):
        parts.append("router=" + ("ok" if row["router"]["ok"] else "FAILED %s (%s)" % (row["router"]["status"], row["router"]["reason"])))
    if row.get("owner") and row.get("new_owner") and row["owner"] != row["new_owner"]:
        parts.append("owner=%s (old owner %s is not a user of the new cluster)" % (row["new_owner"], row["owner"]))
    if row.get("not_shared"):
        parts.append("not shared with (no such user on the new cluster): " + ",".join(row["not_shared"]))
    if row.get("reason"):
        parts.append("reason: " + row["reason"])
    return " ".join(parts)


def run_failures(rows):
    """What makes the migration run fail: apps that failed, and apps whose router test failed (skipped apps are reported only)."""
    failures = []
    for row in rows:
        if row["status"] == "failed":
            failures.append("%s: failed (%s)" % (row["app"], row.get("reason")))
        elif row.get("router") and not row["router"]["ok"]:
            failures.append("%s: router test failed (%s)" % (row["app"], row["router"]["reason"]))
    return failures


def cname_records(results, old_domain, new_domain):
    """{<app>.<old domain>: <app>.<new domain>} for every app the new cluster holds."""
    return {"%s.%s" % (item["app"], old_domain): "%s.%s" % (item["app"], new_domain) for item in results if item["status"] in ON_NEW_CLUSTER}


def decommission_blockers(results, verdicts, repointed=None):
    """Why the old cluster must not be stopped yet (empty: it may be).

    Every app must be on the new cluster (migrated, already_done or not_deployed), every one with a build must have passed
    its router test, and, when REPOINTED (deis_repoint_builds results) is given, every one must be repointed or need none.
    """
    blockers = []
    for item in results:
        if item["status"] not in ON_NEW_CLUSTER:
            blockers.append("%s: %s%s" % (item["app"], item["status"], (" (%s)" % item["reason"]) if item.get("reason") else ""))
        elif needs_router_test(item):
            verdict = verdicts.get(item["app"])
            if not verdict or not verdict["ok"]:
                blockers.append("%s: router test %s" % (item["app"], "missing" if not verdict else "failed (%s)" % verdict["reason"]))
    for item in repointed or []:
        if item["status"] not in ("repointed", "already_done", "not_needed", "no_build"):
            blockers.append("%s: build still on the old registry (%s)" % (item["app"], item.get("reason") or item["status"]))
    return blockers
