# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""Reading apps, migrating them from an old Deis v1 controller to a new one, and re-pointing migrated builds to the new
cluster's registry before the old one is stopped. The decisions are in _deis_plan; this module does the HTTP in order.

A write that got no certain answer (timeout, lost connection, 5xx) is never simply sent again: ``attempt`` re-reads the
state and either finds it done, finds that nothing happened (then it sends again, a bounded number of times), or finds
a definite failure (a build or config release the controller made but could not deploy).
"""

import json
import secrets
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.deis.platform.plugins.module_utils._deis_client import DeisApiError, RegistryV1, check_app_id
from ansible_collections.deis.platform.plugins.module_utils._deis_module import write_private_file
from ansible_collections.deis.platform.plugins.module_utils._deis_plan import (
    CONFIG_FIELDS, TAKEN, config_change, desired_from_old, domain_changes, domains_present, is_ours, migration_steps,
    builds_from, on_registry, owner_target, redact, release_live, repoint_candidates, repoint_needed, repointed_version,
    scale_change, secret_values, share_targets, transfer_supported)

PASSWORD_BYTES = 18


# -- reading -------------------------------------------------------------------------------------

def read_app(client, app_id, app=None, perms=False, deployment=False, recorded=None):
    """Everything about one app: owner, url, structure, domains, config, latest release and its build's image/procfile.

    PERMS adds the users it is shared with; DEPLOYMENT adds "live" (whether the latest release was deployed, see
    _deis_plan.release_live, with RECORDED the release an earlier run saw accepted) and its reason.
    """
    app = app or client.get(client.app_path(app_id))
    release = client.latest(app_id, "releases")
    build = client.build(app_id, release["build"]) if release and release.get("build") else None
    config = client.config(app_id)
    info = {
        "id": app["id"], "owner": app.get("owner"), "url": app.get("url"), "structure": dict(app.get("structure") or {}),
        "created": app.get("created"), "updated": app.get("updated"),
        "domains": sorted(client.domains(app_id)),
        "config": {field: dict(config.get(field) or {}) for field in CONFIG_FIELDS},
        "release": release["version"] if release else None,
        "build": build["uuid"] if build else None,
        "image": build["image"] if build else None,
        "procfile": dict(build.get("procfile") or {}) if build else {},
    }
    if perms:
        info["perms"] = client.perms(app_id)
    if deployment:
        containers = client.containers(app_id) if build else []
        info["live"], info["live_reason"] = release_live(release, containers, info["structure"], recorded)
    return info


def repointed_origin(client, app_id, image, wanted):
    """The image a build repointed by repoint_app came from, when that may be WANTED: for IMAGE `<registry>/<app>:v<K>`
    from a registry other than WANTED's, the image of the new cluster's release K's build (the migrated one); else None
    (no request)."""
    version = repointed_version(image, app_id)
    if version is None or not wanted or image == wanted or image.split("/", 1)[0] == wanted.split("/", 1)[0]:
        return None
    try:
        release = client.get(client.app_path(app_id, "releases/v%d/" % version))
    except DeisApiError as error:
        if error.status == 404:
            return None
        raise
    build = client.build(app_id, release["build"]) if release and release.get("build") else None
    return build["image"] if build else None


def read_apps(client, app_ids=None, concurrency=8, perms=False):
    """read_app for every app (or the listed ones), in threads; returns (infos sorted by id, {id: error})."""
    listed = {app["id"]: app for app in client.apps()}
    wanted = sorted(listed) if app_ids is None else sorted(set(app_ids))
    infos, errors = [], {}

    def one(app_id):
        try:
            return app_id, read_app(client, app_id, listed.get(app_id), perms=perms), None
        except (DeisApiError, ValueError) as error:
            return app_id, None, str(error)
    with ThreadPoolExecutor(max_workers=max(1, int(concurrency))) as pool:
        for app_id, info, error in pool.map(one, wanted):
            if info is not None:
                infos.append(info)
            else:
                errors[app_id] = error
    return infos, errors


def visible_app(client, app_id):
    """The app; None when absent; False when it exists but belongs to someone the user may not see (403)."""
    try:
        return client.app(app_id)
    except DeisApiError as error:
        if error.status == 403:
            return False
        raise


def latest_version(client, app_id):
    release = client.latest(app_id, "releases")
    return release["version"] if release else 0


# -- writes that re-read after an uncertain answer ------------------------------------------------

def attempt(client, write, settle, what):
    """WRITE(); when its answer is uncertain, SETTLE() re-reads: True (it took effect), False (it did not: send again,
    at most client.retries more times) or raises (a definite failure). Returns what WRITE returned, or None when settled."""
    last = None
    for number in range(client.retries + 1):
        if number:
            client.sleep(min(client.retry_delay * (2 ** (number - 1)), 30.0))
        try:
            return write()
        except DeisApiError as error:
            if not error.uncertain:
                raise
            last = error
        if settle():
            return None
    raise DeisApiError("%s did not take effect after %d tries (last: %s)" % (what, client.retries + 1, last.message),
                       last.status, last.method, last.url)


def deployed_release(client, app_id, before, image=None):
    """After an uncertain build/config request: True when a release newer than BEFORE (with IMAGE, when given) was deployed,
    False when no such release appeared; raises when the controller made it but did not deploy it."""
    release = client.latest(app_id, "releases")
    if not release or release["version"] <= before:
        return False
    build = client.build(app_id, release["build"]) if release.get("build") else None
    if image is not None and (build is None or build["image"] != image):
        return False
    structure = (client.get(client.app_path(app_id)) or {}).get("structure")
    live, reason = release_live(release, client.containers(app_id) if build else [], structure)
    if not live:
        raise DeisApiError("release v%d was made but not deployed: %s" % (release["version"], reason), None, "POST", client.url)
    return True


class Migration:
    """Migrating apps from OLD to NEW (two DeisClients) as ADMIN; one app at a time per thread."""

    def __init__(self, old, new, registry, old_domain, admin, users=None, check_mode=False, recorded=None):
        self.old, self.new, self.registry, self.old_domain, self.admin = old, new, registry, old_domain, admin
        self.users, self.check_mode, self.recorded = users, check_mode, recorded or {}
        self.can_transfer = transfer_supported(new.versions.get("platform_version"))

    def app(self, old):
        """Migrate one app (OLD: read_app of the old cluster with perms); never raises for the app's own problems.

        Returns {"app", "status": migrated|already_done|not_deployed|skipped|failed, "reason", "steps", "changed",
        "release", "accepted_release", "owner", "new_owner", "shared_with", "not_shared", ...}.
        """
        app_id = old["id"]
        desired = desired_from_old(old, self.registry, self.old_domain)
        owner = owner_target(desired["owner"], self.admin, self.users, self.can_transfer)
        result = {"app": app_id, "status": "failed", "reason": None, "steps": [], "changed": False, "release": None,
                  "accepted_release": None, "old_release": old["release"], "image": desired["image"], "domains": desired["domains"],
                  "structure": desired["structure"], "owner": desired["owner"], "new_owner": None, "shared_with": [],
                  "not_shared": share_targets(desired["perms"], self.users, owner)[1]}
        try:
            check_app_id(app_id)
            new_app = visible_app(self.new, app_id)
            if new_app is False:
                result.update(status="skipped", reason=TAKEN % "another user")
                return result
            new = self.read_new(app_id, new_app, desired["image"]) if new_app else None
            decision = migration_steps(desired, new, self.admin, self.users, self.can_transfer)
            if decision["action"] == "skip":
                result.update(status="skipped", reason=decision["reason"], new_owner=new["owner"])
                return result
            result["steps"] = decision["steps"]
            if self.check_mode or not decision["steps"]:
                after = new
            else:
                after = self.run(app_id, desired, new, owner, result)
                if after is None:
                    return result
                result["changed"] = True
            done = "already_done" if not decision["steps"] else "migrated"
            result.update(status=done if desired["image"] else "not_deployed")
            if after is not None:
                result.update(release=after["release"], new_owner=after["owner"], shared_with=sorted(after.get("perms") or []))
        except (DeisApiError, ValueError, KeyError, TypeError) as error:
            result.update(status="failed", reason=redact(error, secret_values(old["config"])))
        return result

    def read_new(self, app_id, app=None, wanted=None):
        """The new cluster's app; with WANTED (the migrated image), origin_image of a build repointed from it."""
        info = read_app(self.new, app_id, app, perms=True, deployment=True, recorded=self.recorded.get(app_id))
        info["origin_image"] = repointed_origin(self.new, app_id, info["image"], wanted)
        return info

    def run(self, app_id, desired, new, owner, result):
        """Create/build/config/domains/scale/perms/owner on the new cluster; the app after, or None when it was skipped."""
        client = self.new
        if new is None:
            self.create(app_id)
            app = visible_app(client, app_id)
            if app is None:
                raise DeisApiError("the app was not created", None, "POST", client.url + "/v1/apps/")
            if app is False or not is_ours(app.get("owner"), self.admin, desired["owner"]):
                result.update(status="skipped", reason=TAKEN % (app and app.get("owner") or "another user"), steps=[])
                return None
            new = self.read_new(app_id, app)
        if desired["image"] and (not builds_from(new, desired["image"]) or not new["live"]):
            result["accepted_release"] = self.build(app_id, desired)
        change = config_change(new["config"], desired["config"])
        if change:
            result["accepted_release"] = self.configure(app_id, change) or result["accepted_release"]
        for domain in domain_changes(new["domains"], desired["domains"])[0]:
            self.add_domain(app_id, domain)
        if desired["image"]:
            self.scale(app_id, desired["structure"])
        for username in share_targets(desired["perms"], self.users, owner)[0]:
            if username not in new["perms"]:
                self.share(app_id, username)
        if owner is not None and new["owner"] != owner:
            self.transfer(app_id, owner)
        return self.read_new(app_id)

    def create(self, app_id):
        client = self.new

        def write():
            try:
                client.create_app(app_id)
            except DeisApiError as error:
                # "App with this id already exists.": an earlier, uncertain create got through; the caller looks.
                if error.status != 400 or visible_app(client, app_id) is None:
                    raise
        attempt(client, write, lambda: visible_app(client, app_id) is not None, "creating %s" % app_id)

    def build(self, app_id, desired):
        """POST builds/ with the old image and Procfile; the release version the controller answered (None when re-read)."""
        client = self.new
        before = latest_version(client, app_id)
        return attempt(client, lambda: client.create_build(app_id, desired["image"], desired["procfile"]),
                       lambda: deployed_release(client, app_id, before, desired["image"]), "the build of %s" % app_id)

    def configure(self, app_id, change):
        client = self.new
        before = latest_version(client, app_id)
        return attempt(client, lambda: client.set_config(app_id, change), lambda: deployed_release(client, app_id, before),
                       "the config of %s" % app_id)

    def add_domain(self, app_id, domain):
        client = self.new
        attempt(client, lambda: client.add_domain(app_id, domain), lambda: bool(domains_present(client.domains(app_id), [domain])),
                "adding %s to %s" % (domain, app_id))

    def scale(self, app_id, structure):
        client = self.new

        def missing():
            return scale_change((client.get(client.app_path(app_id)) or {}).get("structure"), structure, exact=True)
        change = missing()
        if change:
            attempt(client, lambda: client.scale(app_id, change), lambda: not missing(), "scaling %s" % app_id)

    def share(self, app_id, username):
        client = self.new
        attempt(client, lambda: client.share(app_id, username), lambda: username in client.perms(app_id),
                "sharing %s with %s" % (app_id, username))

    def transfer(self, app_id, owner):
        client = self.new
        attempt(client, lambda: client.transfer_app(app_id, owner), lambda: (client.app(app_id) or {}).get("owner") == owner,
                "giving %s to %s" % (app_id, owner))


# -- users ---------------------------------------------------------------------------------------

def usernames(users):
    return None if users is None else {user["username"] for user in users}


def needed_users(olds):
    """Owners and sharing users of the old apps."""
    needed = set()
    for old in olds:
        if old.get("owner"):
            needed.add(old["owner"])
        needed.update(old.get("perms") or [])
    return needed


def register_users(old, new, missing, path, check_mode=False):
    """Register the MISSING users on NEW with generated passwords (emails from OLD), written to PATH (mode 0600).

    Returns the usernames registered (or that would be, in check mode). Registration needs the admin's token when the
    new controller's registration mode is admin_only (controller/api/permissions.py:97-117).
    """
    if check_mode or not missing:
        return sorted(missing)
    emails = {user["username"]: user.get("email") or "" for user in (old.users() or [])}
    passwords = read_passwords(path)
    registered = []
    for username in sorted(missing):
        password = secrets.token_urlsafe(PASSWORD_BYTES)

        def present(name=username):
            return name in (usernames(new.users()) or set())
        attempt(new, lambda name=username, secret=password: new.register(name, secret, emails.get(name, ""), auth=True), present,
                "registering %s" % username)
        passwords[username] = password
        registered.append(username)
        write_private_json(path, passwords)
    return registered


def read_passwords(path):
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return {}
    except ValueError as error:
        raise ValueError("%s is not a JSON file of usernames and passwords: %s" % (path, error))
    return data if isinstance(data, dict) else {}


def write_private_json(path, data):
    """DATA as JSON at PATH, mode 0600, replaced atomically."""
    write_private_file(path, json.dumps(data, indent=2, sort_keys=True) + "\n")


def migrate_apps(old, new, app_ids, registry, old_domain, admin, concurrency=8, check_mode=False, recorded=None,
                 register=False, passwords_path=None):
    """Read the old apps, settle the users, then migrate each app with at most CONCURRENCY at a time.

    Returns {"results": [...], "users": {present, missing, registered, known}}; one failing app never stops the others.
    """
    olds, errors = read_apps(old, app_ids, concurrency, perms=True)
    users = usernames(new.users())
    needed = needed_users(olds)
    missing = sorted(needed - users) if users is not None else sorted(needed)
    registered = []
    if register and users is not None and missing:
        registered = register_users(old, new, missing, passwords_path, check_mode)
        users = users | set(registered)
        missing = sorted(set(missing) - set(registered))
    migration = Migration(old, new, registry, old_domain, admin, users, check_mode, recorded)

    def one(info):
        try:
            return migration.app(info)
        except Exception as error:  # pylint: disable=broad-exception-caught
            return {"app": info["id"], "status": "failed", "reason": "unexpected error: %s" % redact(error, secret_values(info["config"])),
                    "steps": [], "changed": False, "release": None, "accepted_release": None}
    with ThreadPoolExecutor(max_workers=max(1, int(concurrency))) as pool:
        results = list(pool.map(one, olds))
    for app_id, error in sorted(errors.items()):
        results.append({"app": app_id, "status": "failed", "reason": "could not be read on the old cluster: %s" % error,
                        "steps": [], "changed": False, "release": None, "accepted_release": None})
    results.sort(key=lambda item: item["app"])
    return {"results": results,
            "users": {"known": users is not None, "present": sorted(needed - set(missing) - set(registered)),
                      "missing": missing, "registered": registered}}


# -- decommission: builds off the old registry --------------------------------------------------------

def repoint_app(client, app_id, registry, old_registry, new_registry, check_mode=False):
    """Make APP_ID's build independent of OLD_REGISTRY: build from the image NEW_REGISTRY (a RegistryV1 of REGISTRY,
    host:port) holds for the release the migrated build made first, with the same Procfile (a build without a process
    type of the previous one destroys its containers: controller/api/models.py:768-779).

    Returns {"app", "status": repointed|already_done|not_needed|no_build|failed, "image", "reason", "release"}.
    """
    result = {"app": app_id, "status": "failed", "image": None, "reason": None, "release": None}
    try:
        release = client.latest(app_id, "releases")
        build = client.build(app_id, release["build"]) if release and release.get("build") else None
        if build is None:
            result.update(status="no_build", reason="the app has no build")
            return result
        result["image"] = build["image"]
        if on_registry(build["image"], registry):
            result.update(status="already_done", release=release["version"])
            return result
        if not on_registry(build["image"], old_registry):
            result.update(status="not_needed", release=release["version"], reason="the build's image is not from the old registry %s" % old_registry)
            return result
        structure = (client.get(client.app_path(app_id)) or {}).get("structure")
        live, reason = release_live(release, client.containers(app_id), structure)
        if live is False:
            raise DeisApiError("the latest release is not deployed (%s): run the migration again first" % reason)
        source = None
        for version in repoint_candidates(client.releases(app_id), build["uuid"]):
            if new_registry.has_tag(app_id, "v%d" % version):
                source = "%s/%s:v%d" % (registry.rstrip("/"), app_id, version)
                break
        if source is None:
            raise DeisApiError("the new registry %s holds no release image of build %s" % (registry, build["uuid"]))
        result["image"] = source
        if not check_mode:
            before = release["version"]
            version = attempt(client, lambda: client.create_build(app_id, source, build.get("procfile") or None),
                              lambda: deployed_release(client, app_id, before, source), "the build of %s from %s" % (app_id, source))
            result["release"] = version or latest_version(client, app_id)
        result["status"] = "repointed"
    except (DeisApiError, ValueError, KeyError, TypeError) as error:
        result.update(status="failed", reason=str(error))
    return result


def repoint_apps(client, app_ids, registry, old_registry, concurrency=8, check_mode=False, registry_timeout=10.0, use_proxy=True):
    """(needed, results): repoint_app for every id, or status not_needed for every app when the controller's version does not
    need it (see _deis_plan.repoint_needed)."""
    if not client.versions.get("platform_version"):
        client.probe()
    needed = repoint_needed(client.versions.get("platform_version"))
    if needed is None:
        raise ValueError("the new controller does not tell its version (no DEIS_PLATFORM_VERSION header): cannot tell whether "
                         "its builds depend on the old registry")
    if not needed:
        reason = ("Deis %s imports pulled images into its own registry and builds new releases from that copy"
                  % client.versions.get("platform_version"))
        return False, [{"app": app_id, "status": "not_needed", "image": None, "reason": reason, "release": None} for app_id in sorted(app_ids)]
    new_registry = RegistryV1(registry, registry_timeout, use_proxy, client.opener.context)
    with ThreadPoolExecutor(max_workers=max(1, int(concurrency))) as pool:
        return True, list(pool.map(lambda app_id: repoint_app(client, app_id, registry, old_registry, new_registry, check_mode),
                                   sorted(app_ids)))
