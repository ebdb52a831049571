# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""One client for the Deis v1 controller REST API (stdlib urllib), plus the pure decision logic of the deis_* modules.

The HTTP part (DeisClient, read_app, migrate_app) is kept apart from the functions that decide what to
change (config_change, scale_change, migration_steps, ...), which take and return plain data.
"""

import json
import os
import re
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

APP_ID_RE = re.compile(r"^[a-z0-9-]+$")
PAGE_SIZE = 100
CONFIG_FIELDS = ("values", "memory", "cpu", "tags")
VERSION_HEADERS = (("api_version", ("DEIS_API_VERSION", "X_DEIS_API_VERSION")),
                   ("platform_version", ("DEIS_PLATFORM_VERSION", "X_DEIS_PLATFORM_VERSION")))
TAKEN = "name taken by another user (%s) on the new cluster: not touched"
TAG_RE = re.compile(r"<[^>]+>")
USER_AGENT = "deis.platform Ansible collection"


class DeisApiError(Exception):
    """A failed call: the HTTP status (None for a connection problem) and the controller's message."""

    def __init__(self, message, status=None, method=None, url=None):
        super().__init__(message)
        self.message, self.status, self.method, self.url = message, status, method, url

    def __str__(self):
        where = "%s %s" % (self.method, self.url) if self.method else ""
        if self.status is None:
            return "%s: %s" % (where, self.message) if where else self.message
        return "%s answered %d: %s" % (where or "controller", self.status, self.message)

    def details(self):
        return {"status": self.status, "method": self.method, "url": self.url, "message": self.message}


def check_app_id(app_id):
    """Raise ValueError unless APP_ID is a valid Deis app id."""
    if not isinstance(app_id, str) or not APP_ID_RE.match(app_id):
        raise ValueError("invalid app id %r: Deis app ids contain only lowercase letters, digits and '-'" % (app_id,))
    return app_id


def error_message(body, content_type):
    """The controller's message from an error body: JSON detail/error/field dict, or the text of an HTML page."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
    if "json" in (content_type or ""):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            for key in ("detail", "error"):
                if isinstance(data.get(key), str):
                    return data[key]
            parts = []
            for key, value in sorted(data.items()):
                value = "; ".join(str(item) for item in value) if isinstance(value, list) else str(value)
                parts.append(value if key == "non_field_errors" else "%s: %s" % (key, value))
            if parts:
                return "; ".join(parts)
    plain = " ".join(TAG_RE.sub(" ", text).split())
    return (plain[:200] + "...") if len(plain) > 200 else (plain or "(empty answer)")


def versions_from_headers(headers):
    """{"api_version", "platform_version"} from the DEIS_* (v1.7+) or older X_DEIS_* response headers."""
    found = {}
    for key, names in VERSION_HEADERS:
        found[key] = next((headers.get(name) for name in names if headers.get(name)), None)
    return found


def session_path(profile=None):
    """~/.deis/<profile>.json as the deis client names it ($DEIS_PROFILE, else client)."""
    name = profile or os.environ.get("DEIS_PROFILE") or "client"
    return os.path.join(os.path.expanduser("~"), ".deis", name + ".json")


def read_session(path):
    """The deis client's session file as a dict; ValueError when it is missing or unusable."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ValueError("no deis session file at %s: give controller and username/password or token, or run 'deis login'" % path)
    except ValueError as error:
        raise ValueError("the deis session file %s is not valid JSON: %s" % (path, error))
    if not isinstance(data, dict) or not data.get("token") or not data.get("controller"):
        raise ValueError("the deis session file %s has no controller and token: log in again" % path)
    return data


def session_content(controller, username, token, validate_certs):
    """The session file the Go client writes (client/controller/client/client.go)."""
    return {"username": username, "ssl_verify": bool(validate_certs), "controller": controller, "token": token, "response_limit": PAGE_SIZE}


def write_session(path, data):
    """Write DATA as JSON to PATH with mode 0600; returns True when the file changed."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    try:
        with open(path, encoding="utf-8") as handle:
            same = handle.read() == text
    except (FileNotFoundError, UnicodeDecodeError):
        same = False
    mode_ok = os.path.exists(path) and (os.stat(path).st_mode & 0o777) == 0o600
    if same and mode_ok:
        return False
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return True


def normalize_url(url):
    """The controller URL with a scheme (http:// like the deis client adds) and without a trailing slash."""
    url = (url or "").strip()
    if not url:
        raise ValueError("no controller URL given")
    if "://" not in url:
        url = "http://" + url
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("%r is not an http(s) URL of a Deis controller" % url)
    return url.rstrip("/")


class Answer:
    """A successful HTTP answer."""

    def __init__(self, status, headers, data):
        self.status, self.headers, self.data = status, headers, data


class DeisClient:
    """A Deis v1 controller: token auth, pagination, retries with exponential backoff on connection errors and 5xx."""

    def __init__(self, url, token=None, validate_certs=True, timeout=30.0, retries=4, retry_delay=0.5, sleep=time.sleep):
        self.url, self.token = normalize_url(url), token
        self.timeout, self.retries, self.retry_delay, self.sleep = timeout, max(0, int(retries)), retry_delay, sleep
        self.versions = {"api_version": None, "platform_version": None}
        context = ssl.create_default_context()
        if not validate_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))

    def full_url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            # Pagination links are absolute; keep the path and query but talk to the configured URL.
            parts = urllib.parse.urlsplit(path)
            path = parts.path + ("?" + parts.query if parts.query else "")
        return self.url + path

    def request(self, method, path, body=None, auth=True, ok=(200, 201, 204)):
        """One call, retried on connection errors and 5xx; returns an Answer or raises DeisApiError."""
        url = self.full_url(path)
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise DeisApiError("not logged in: no token", None, method, url)
            headers["Authorization"] = "token " + self.token
        attempt = 0
        while True:
            try:
                status, answer_headers, raw = self.send(method, url, data, headers)
            except (urllib.error.URLError, OSError) as error:
                failure = DeisApiError("cannot reach the controller: %s" % getattr(error, "reason", error), None, method, url)
            else:
                self.versions.update({key: value for key, value in versions_from_headers(answer_headers).items() if value})
                content_type = answer_headers.get("Content-Type") or ""
                if status in ok:
                    return Answer(status, answer_headers, self.decode(raw, content_type))
                failure = DeisApiError(error_message(raw, content_type), status, method, url)
                if status < 500:
                    raise failure
            if attempt >= self.retries:
                raise failure
            self.sleep(min(self.retry_delay * (2 ** attempt), 30.0))
            attempt += 1

    def send(self, method, url, data, headers):
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    @staticmethod
    def decode(raw, content_type):
        if not raw:
            return None
        if "json" in content_type:
            return json.loads(raw.decode("utf-8"))
        return raw.decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path).data

    def post(self, path, body):
        return self.request("POST", path, body)

    def list(self, path):
        """Every result of a paginated list, following `next` to the end (page_size 100)."""
        separator = "&" if "?" in path else "?"
        page = self.get("%s%spage_size=%d" % (path, separator, PAGE_SIZE))
        items = list(page.get("results") or [])
        while page.get("next"):
            page = self.get(page["next"])
            items.extend(page.get("results") or [])
        return items

    # -- auth --------------------------------------------------------------------------------

    def probe(self):
        """GET /v1/ must answer 401 on a Deis controller (as the deis client checks); returns the versions."""
        try:
            answer = self.request("GET", "/v1/", auth=False, ok=(401,))
        except DeisApiError as error:
            raise DeisApiError("%s/v1/ does not appear to be a valid Deis controller (%s). Make sure that the controller URL is correct "
                               "and the server is running." % (self.url, error), error.status, "GET", self.url + "/v1/")
        return dict(self.versions, status=answer.status)

    def login(self, username, password):
        """POST /v1/auth/login/; keeps and returns the token."""
        try:
            answer = self.request("POST", "/v1/auth/login/", {"username": username, "password": password}, auth=False)
        except DeisApiError as error:
            if error.status == 400:
                error.message = "login as %s failed (%s): check the username and password" % (username, error.message)
            raise
        self.token = answer.data["token"]
        return self.token

    def register(self, username, password, email):
        """POST /v1/auth/register/; the first user of a controller becomes its admin."""
        return self.request("POST", "/v1/auth/register/", {"username": username, "password": password, "email": email}, auth=False).data

    def is_admin(self, username):
        """True/False when the controller tells (admin perms; apps of other users visible); None when it cannot be told."""
        try:
            self.request("GET", "/v1/admin/perms/")
            return True
        except DeisApiError as error:
            if error.status == 403:
                return False
            if error.status != 404:
                raise
        if any(app.get("owner") != username for app in self.list("/v1/apps/")):
            return True
        return None

    # -- apps --------------------------------------------------------------------------------

    def app_path(self, app_id, suffix=""):
        return "/v1/apps/%s/%s" % (check_app_id(app_id), suffix)

    def apps(self):
        return self.list("/v1/apps/")

    def app(self, app_id):
        """The app, or None when the controller does not know it."""
        try:
            return self.get(self.app_path(app_id))
        except DeisApiError as error:
            if error.status == 404:
                return None
            raise

    def create_app(self, app_id):
        return self.post("/v1/apps/", {"id": check_app_id(app_id)}).data

    def delete_app(self, app_id):
        self.request("DELETE", self.app_path(app_id))

    def latest(self, app_id, kind):
        """The newest release or build (the controller lists them newest first), or None."""
        page = self.get(self.app_path(app_id, "%s/?page_size=1" % kind))
        results = page.get("results") or []
        return results[0] if results else None

    def build(self, app_id, uuid):
        return self.get(self.app_path(app_id, "builds/%s/" % uuid))

    def create_build(self, app_id, image, procfile=None):
        """`deis pull`: POST builds/; returns the new release version (Deis-Release header) or None."""
        body = {"image": image}
        if procfile:
            body["procfile"] = procfile
        answer = self.post(self.app_path(app_id, "builds/"), body)
        return release_from_headers(answer.headers)

    def config(self, app_id):
        return self.get(self.app_path(app_id, "config/"))

    def set_config(self, app_id, change):
        """POST config/ with CHANGE ({values, memory, cpu, tags}; null unsets); returns the new release version."""
        answer = self.post(self.app_path(app_id, "config/"), change)
        return release_from_headers(answer.headers)

    def domains(self, app_id):
        return [item["domain"] for item in self.list(self.app_path(app_id, "domains/"))]

    def add_domain(self, app_id, domain):
        self.post(self.app_path(app_id, "domains/"), {"domain": domain})

    def remove_domain(self, app_id, domain):
        self.request("DELETE", self.app_path(app_id, "domains/%s" % urllib.parse.quote(domain, safe="")))

    def scale(self, app_id, structure):
        self.post(self.app_path(app_id, "scale/"), structure)


def release_from_headers(headers):
    value = headers.get("Deis-Release") or headers.get("X-Deis-Release")
    return int(value) if value and str(value).isdigit() else None


def client_from_options(url=None, username=None, password=None, token=None, profile=None, validate_certs=True,
                        timeout=30.0, retries=4, retry_delay=0.5):
    """A logged-in client: token as given, else a login with username/password, else the deis client's session file."""
    if not token and not (username and password):
        session = read_session(session_path(profile))
        url = url or session["controller"]
        if normalize_url(url) != normalize_url(session["controller"]):
            raise ValueError("the deis session file is for %s, not %s: give username/password or token" % (session["controller"], url))
        token = session["token"]
    if not url:
        raise ValueError("no controller URL given")
    client = DeisClient(url, token, validate_certs, timeout, retries, retry_delay)
    if not token:
        client.login(username, password)
    return client


# -- reading an app ----------------------------------------------------------------------------

def read_app(client, app_id, app=None):
    """Everything about one app: owner, url, structure, domains, config, latest release version and its image/procfile."""
    app = app or client.get(client.app_path(app_id))
    release = client.latest(app_id, "releases")
    build = client.build(app_id, release["build"]) if release and release.get("build") else None
    config = client.config(app_id)
    return {
        "id": app["id"], "owner": app.get("owner"), "url": app.get("url"), "structure": dict(app.get("structure") or {}),
        "created": app.get("created"), "updated": app.get("updated"),
        "domains": sorted(client.domains(app_id)),
        "config": {field: dict(config.get(field) or {}) for field in CONFIG_FIELDS},
        "release": release["version"] if release else None,
        "image": build["image"] if build else None,
        "procfile": dict(build.get("procfile") or {}) if build else {},
    }


def read_apps(client, app_ids=None, concurrency=8):
    """read_app for every app (or the listed ones), in threads; returns (infos sorted by id, {id: error})."""
    listed = {app["id"]: app for app in client.apps()}
    wanted = sorted(listed) if app_ids is None else sorted(set(app_ids))
    infos, errors = [], {}

    def one(app_id):
        try:
            return app_id, read_app(client, app_id, listed.get(app_id)), None
        except (DeisApiError, ValueError) as error:
            return app_id, None, str(error)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for app_id, info, error in pool.map(one, wanted):
            if info is not None:
                infos.append(info)
            else:
                errors[app_id] = error
    return infos, errors


# -- decision logic (pure) ------------------------------------------------------------------------

def as_text(field, value):
    """How the controller stores a config value: cpu shares as int, the rest as text."""
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
    """CURRENT after CHANGE, as the controller merges it (for diff output)."""
    after = {field: dict(current.get(field) or {}) for field in CONFIG_FIELDS}
    for field, diff in change.items():
        for key, value in diff.items():
            if value is None:
                after[field].pop(key, None)
            else:
                after[field][key] = value
    return after


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


def domain_changes(current, desired, purge=False):
    """(to add, to remove) turning the CURRENT domain list into DESIRED."""
    have = {domain.lower().rstrip(".") for domain in current}
    wanted = [domain.lower().rstrip(".") for domain in desired]
    add = sorted({domain for domain in wanted if domain not in have})
    remove = sorted(have - set(wanted)) if purge else []
    return add, remove


def migration_image(registry, app_id, release):
    """`<old registry>/<app>:v<N>`: the image the old cluster's registry holds for release N."""
    return "%s/%s:v%d" % (registry.rstrip("/"), app_id, release)


def desired_from_old(old, registry, old_domain):
    """What the new cluster must have for the old app OLD."""
    domains = list(old["domains"]) + (["%s.%s" % (old["id"], old_domain)] if old_domain else [])
    return {"image": migration_image(registry, old["id"], old["release"]) if old["release"] else None,
            "procfile": old["procfile"], "config": old["config"], "domains": domains, "structure": running(old["structure"])}


def migration_steps(desired, new, username):
    """The steps still needed on the new cluster, or ("skipped", reason).

    NEW is read_app() of the new cluster's app (None when absent); USERNAME is the migrating user.
    Returns {"action": "skip", "reason"} or {"action": "migrate", "steps": [...]} (empty steps: already done).
    """
    if new is not None and new.get("owner") != username:
        return {"action": "skip", "reason": TAKEN % new.get("owner")}
    if desired["image"] is None:
        return {"action": "skip", "reason": "the app has no build on the old cluster: nothing to pull"}
    if new is None:
        steps = ["create", "build"]
        if config_change({}, desired["config"]):
            steps.append("config")
        return {"action": "migrate", "steps": steps + ["domains", "scale"]}
    steps = []
    if new["image"] != desired["image"]:
        steps.append("build")
    if config_change(new["config"], desired["config"]):
        steps.append("config")
    if domain_changes(new["domains"], desired["domains"])[0]:
        steps.append("domains")
    if "build" in steps or scale_change(new["structure"], desired["structure"], exact=True):
        steps.append("scale")
    return {"action": "migrate", "steps": steps}


def classify(old_apps, new_apps, username):
    """The plan by app id: create (absent on the new cluster), update (ours already) or conflict (someone else's)."""
    owners = {app["id"]: app.get("owner") for app in new_apps}
    plan = {}
    for app_id in sorted(app["id"] for app in old_apps):
        if app_id not in owners:
            plan[app_id] = "create"
        else:
            plan[app_id] = "update" if owners[app_id] == username else "conflict"
    return plan


def zone_snippet(records, ttl=None):
    """RFC 1035 master-file lines `<name>.  [TTL]  CNAME  <target>.` for {name: target}, sorted."""
    width = max([len(fqdn(name)) for name in records] + [0]) + 4
    lines = []
    for name in sorted(records):
        lines.append("%s%sCNAME    %s" % (fqdn(name).ljust(width), "%d    " % ttl if ttl else "", fqdn(records[name])))
    return "\n".join(lines) + ("\n" if lines else "")


def fqdn(name):
    return name if name.endswith(".") else name + "."


# -- migrating one app (HTTP, using the decisions above) -----------------------------------------

def visible_app(client, app_id):
    """The app; None when absent; False when it exists but belongs to someone the user may not see (403)."""
    try:
        return client.app(app_id)
    except DeisApiError as error:
        if error.status == 403:
            return False
        raise


def migrate_app(old_client, new_client, app_id, registry, old_domain, username, check_mode=False, old=None):
    """Migrate one app; returns {"app", "status": migrated|already_done|skipped|failed, "reason", "steps", "release", ...}.

    Never raises for the app's own problems: they become status failed with the reason.
    """
    result = {"app": app_id, "status": "failed", "reason": None, "steps": [], "release": None, "image": None}
    try:
        check_app_id(app_id)
        old = old or read_app(old_client, app_id)
        desired = desired_from_old(old, registry, old_domain)
        result.update(image=desired["image"], old_release=old["release"], domains=desired["domains"], structure=desired["structure"])
        new_app = visible_app(new_client, app_id)
        if new_app is False:
            result.update(status="skipped", reason=TAKEN % "another user")
            return result
        new = read_app(new_client, app_id, new_app) if new_app else None
        decision = migration_steps(desired, new, username)
        if decision["action"] == "skip":
            result.update(status="skipped", reason=decision["reason"])
            return result
        result["steps"] = decision["steps"]
        if not decision["steps"]:
            result.update(status="already_done", release=new["release"])
            return result
        if check_mode:
            result.update(status="migrated", release=None)
            return result
        new = run_steps(new_client, app_id, desired, new, username, result)
        if new is None:
            return result
        result.update(status="migrated", release=new["release"])
    except (DeisApiError, ValueError, KeyError, TypeError) as error:
        result.update(status="failed", reason=str(error))
    return result


def run_steps(client, app_id, desired, new, username, result):
    """Create/build/config/domains/scale on the new cluster; returns the app's state after, or None when skipped."""
    if new is None:
        try:
            client.create_app(app_id)
        except DeisApiError as error:
            # A retried create whose first attempt got through answers "must be unique": look again.
            if error.status != 400:
                raise
        app = visible_app(client, app_id)
        if app is None:
            raise DeisApiError("the app was not created", None, "POST", client.url + "/v1/apps/")
        if app is False or app.get("owner") != username:
            result.update(status="skipped", reason=TAKEN % (app and app.get("owner") or "another user"), steps=[])
            return None
        new = read_app(client, app_id, app)
    if new["image"] != desired["image"]:
        client.create_build(app_id, desired["image"], desired["procfile"])
    change = config_change(new["config"], desired["config"])
    if change:
        client.set_config(app_id, change)
    for domain in domain_changes(new["domains"], desired["domains"])[0]:
        client.add_domain(app_id, domain)
    current = client.get(client.app_path(app_id)).get("structure") or {}
    change = scale_change(current, desired["structure"], exact=True)
    if change:
        client.scale(app_id, change)
    return read_app(client, app_id)


def migrate_apps(old_client, new_client, app_ids, registry, old_domain, username, concurrency=8, check_mode=False, olds=None):
    """migrate_app for every id with at most CONCURRENCY at a time; one failing app never stops the others."""
    olds = olds or {}

    def one(app_id):
        try:
            return migrate_app(old_client, new_client, app_id, registry, old_domain, username, check_mode, olds.get(app_id))
        except Exception as error:
            return {"app": app_id, "status": "failed", "reason": "unexpected error: %s" % error, "steps": [], "release": None}
    with ThreadPoolExecutor(max_workers=max(1, int(concurrency))) as pool:
        return list(pool.map(one, sorted(app_ids)))


# -- module plumbing ------------------------------------------------------------------------------

def transport_argument_spec():
    """The options of the deis.platform.deis_api.transport doc fragment."""
    return {"validate_certs": {"type": "bool", "default": True}, "timeout": {"type": "float", "default": 30.0},
            "retries": {"type": "int", "default": 4}, "retry_delay": {"type": "float", "default": 0.5}}


def connection_argument_spec():
    """The options of the deis.platform.deis_api doc fragment and its transport section."""
    return {
        "controller": {"type": "str"}, "username": {"type": "str"}, "password": {"type": "str", "no_log": True},
        "token": {"type": "str", "no_log": True}, "profile": {"type": "str"}, **transport_argument_spec(),
    }


def client_from_params(params):
    """A logged-in DeisClient from module params holding the connection options."""
    return client_from_options(params["controller"], params["username"], params["password"], params["token"], params["profile"],
                               params["validate_certs"], params["timeout"], params["retries"], params["retry_delay"])


def run_module(module, work):
    """Call WORK(module) and exit with its result; controller and option errors become fail_json with details."""
    try:
        result = work(module)
    except DeisApiError as error:
        module.fail_json(msg=str(error), details=error.details())
    except ValueError as error:
        module.fail_json(msg=str(error))
    module.exit_json(**result)
