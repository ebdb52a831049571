"""A Deis v1 controller REST API (deis/deis v1.x controller/api) on a loopback port, for the
app-migration rehearsal.  Facts: shared/reference/deis-v1-facts.md sections 3 and 4.

Run by the sandbox as `sandbox _controller --port P --state-dir DIR --domain D ...`.  The data
lives in DIR/state.json, rewritten atomically after every change, so a restart keeps it;
DIR/control.json (write_control) changes the fault knobs and the registration mode at runtime.

Choices where the facts are silent (the controller's own code decided most of them):
* A new release whose build is a `deis pull` image (builds:create, config:set, rollback) first
  GETs the image manifest from the registry named in the image reference, with the manifest v2
  Accept header, as the controller's `docker pull` does.  An unreachable registry or a missing
  tag answers 500 with Django's page `<h1>Server Error (500)</h1>` (text/html): v1.x lets the
  DockerException escape the view (deis/deis#5051) and the client prints `500 INTERNAL SERVER
  ERROR`.  Nothing is recorded then.  A registry off loopback is never contacted: it counts as
  unreachable.  Builds with a git sha came from deis-builder and are not fetched.
* An unknown release version, build or domain answers 404 {"detail": "Not found."}.
* Injected faults answer before the request is looked at, so nothing changes: 500 with the
  Django page or 503 with the router's nginx page.  /healthz never fails.
* With --gate-etcd (the old cluster when the sandbox also runs a Deis platform), the API is the
  platform's: once fleet has reported deis-controller.service active/running, the controller
  refuses connections (its port closes) while that unit is not running or no longer exists, as
  the controller URL of a stopped platform does, and answers again when the unit runs.
* Not simulated: logs, run, perms, keys, certs, hooks, auth cancel/passwd/tokens.
"""
import argparse
import hashlib
import hmac
import ipaddress
import json
import os
import random
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%Z"
PAGE_SIZE = 100
STATE_FILE = "state.json"
CONTROL_FILE = "control.json"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
REGISTRATION_MODES = ("enabled", "disabled", "admin_only")
RESERVED_NAMES = ("deis",)
APP_ID = "[a-z0-9-]+"
APP_ID_RE = re.compile("^%s$" % APP_ID)
VERSION_RE = re.compile(r"^1\.\d+\.\d+$")
USERNAME_RE = re.compile(r"^[\w.@+-]+$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CONFIG_KEY_RE = re.compile(r"^[a-z_]+[a-z0-9_]*$", re.IGNORECASE)
PROCTYPE_RE = re.compile(r"^(?P<type>[a-z]+)")
MEMORY_RE = re.compile(r"^(?P<mem>[0-9]+(MB|KB|GB|[BKMG]))$", re.IGNORECASE)
CPU_RE = re.compile(r"^(?P<cpu>[0-9]+)$")
TAG_KEY_RE = re.compile(r"^[A-Za-z]+$")
TAG_VALUE_RE = re.compile(r"^\w+$")
DOMAIN_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
NOT_FOUND = {"detail": "Not found."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
SERVER_ERROR_PAGE = "<h1>Server Error (500)</h1>"
UNAVAILABLE_PAGE = ("<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body bgcolor=\"white\">\r\n"
                    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
# controller/api/__init__.py: the REST API version of each platform minor release.
API_VERSIONS = {1: "1.1.0", 2: "1.1.1", 3: "1.1.2", 4: "1.1.2", 5: "1.2.0", 6: "1.3.0", 7: "1.4.0", 8: "1.5.0", 9: "1.5.0",
                10: "1.6.0", 11: "1.7.0", 12: "1.7.0", 13: "1.7.0"}
# Names like the controller's utils.generate_app_name() makes ("happy-bandit").
ADJECTIVES = ("ablest", "bitter", "brave", "calm", "dapper", "eager", "fabled", "gentle", "happy", "icy", "jumping", "keen",
              "lively", "mellow", "nimble", "odd", "plucky", "quiet", "rustic", "sturdy", "tidy", "upbeat", "vivid", "wry")
NOUNS = ("anchor", "bandit", "beacon", "cuddlefish", "dingo", "ember", "falcon", "gazebo", "harbor", "igloo", "jackal",
         "kettle", "lantern", "magnet", "nomad", "otter", "pelican", "quarry", "raccoon", "saddle", "tundra", "walrus")
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class ApiError(Exception):
    """An answer other than success: status, body (JSON data, or text), its content type and what to log."""

    def __init__(self, status, body, content_type="application/json", reason=None):
        super().__init__(status)
        self.status, self.body, self.content_type, self.reason = status, body, content_type, reason


def field_errors(errors):
    return ApiError(400, {field: [message] for field, message in errors.items()})


def server_error(reason):
    """Django's answer to an exception the view does not catch."""
    return ApiError(500, SERVER_ERROR_PAGE, "text/html; charset=utf-8", reason)


def timestamp(moment):
    return moment.strftime(DATETIME_FORMAT)


def platform_minor(platform_version):
    return int(platform_version.split(".")[1])


def api_version(platform_version):
    """The REST API version ("1.7.0") a platform version ("1.13.4") serves; None for v1.0."""
    minor = platform_minor(platform_version)
    return API_VERSIONS.get(minor, API_VERSIONS[13]) if minor else None


def version_headers(platform_version):
    """Response headers of the version middlewares: none in v1.0, X_ ones in v1.1-1.6, both kinds from v1.7."""
    minor = platform_minor(platform_version)
    if minor == 0:
        return []
    api = api_version(platform_version).rsplit(".", 1)[0]
    if minor < 7:
        return [("X_DEIS_API_VERSION", api), ("X_DEIS_PLATFORM_VERSION", platform_version)]
    return [("DEIS_API_VERSION", api), ("X_DEIS_API_VERSION", api),
            ("DEIS_PLATFORM_VERSION", platform_version), ("X_DEIS_PLATFORM_VERSION", platform_version)]


def release_headers(platform_version, version):
    if platform_minor(platform_version) < 7:
        return [("X-Deis-Release", version)]
    return [("Deis-Release", version), ("X-Deis-Release", version)]


def version_mismatch(platform_version, headers):
    """The 405 message when the request's version header does not match the server, else None.

    v1.0: X-Deis-Version must equal the platform's "x.y"; v1.1-1.6 X-Deis-Version and v1.7+
    Deis-Version must have the API's major version."""
    minor = platform_minor(platform_version)
    if minor == 0:
        client, server = headers.get("X-Deis-Version"), platform_version.rsplit(".", 1)[0]
        matches = client == server
    else:
        client = headers.get("X-Deis-Version" if minor < 7 else "Deis-Version")
        server = api_version(platform_version).split(".")[0]
        matches = client is not None and client.split(".")[0] == server
    if client is None or matches:
        return None
    return "Client and server versions do not match. Client version: %s Server version: %s" % (client, server)


def hash_password(password, salt=None):
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000).hex()
    return "pbkdf2_sha256$1000$%s$%s" % (salt, digest)


def password_matches(password, stored):
    rounds, salt, digest = stored.split("$")[1:]
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), int(rounds)).hex(), digest)


def split_image(image):
    """(registry host or None, repository, tag) of a docker image reference, like docker-py's parse_repository_tag."""
    name, tag = image, "latest"
    head, colon, tail = image.rpartition(":")
    if colon and "/" not in tail:
        name, tag = head, tail
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first, rest, tag
    return None, name, tag


def is_loopback(hostname):
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False


def pull_problem(image, timeout=5.0):
    """Why the controller's `docker pull IMAGE` would fail, or None when the registry has the tag."""
    host, repository, tag = split_image(image)
    if host is None:
        return "%s lives on Docker Hub, out of the sandbox's reach" % image
    if not is_loopback(host.rsplit(":", 1)[0]):
        return "registry %s is off loopback: the sandbox never contacts it" % host
    request = urllib.request.Request("http://%s/v2/%s/manifests/%s" % (host, repository, tag), headers={"Accept": MANIFEST_V2})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            response.read()
        return None
    except urllib.error.HTTPError as error:
        return "Error: image %s:%s not found (registry %s answered %d)" % (repository, tag, host, error.code)
    except (urllib.error.URLError, OSError) as error:
        return "unable to ping registry endpoint http://%s/v2/: %s" % (host, getattr(error, "reason", error))


def pull_from_registry(build):
    """The controller's publish step for a new release of BUILD: raises the 500 a failed pull gives."""
    if build is None or build["sha"]:
        return
    problem = pull_problem(build["image"])
    if problem:
        raise server_error(problem)


def skip_pull(build):
    """For seeding: the images are in place already."""
    return build


def text_of(value):
    """unicode(value) as the controller's JSONStringFieldSerializer stores it."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (int, float, str)):
        return str(value)
    return json.dumps(value)


def int_or_same(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def check_values(values):
    for key in values:
        if not CONFIG_KEY_RE.match(key):
            return "Config keys must start with a letter or underscore and only contain [A-z0-9_]"
    return None


def check_memory(memory):
    for key, value in memory.items():
        if value is None:
            continue
        if not PROCTYPE_RE.match(key):
            return "Process types can only contain [a-z]"
        if not MEMORY_RE.match(str(value)):
            return "Limit format: <number><unit>, where unit = B, K, M or G"
    return None


def check_cpu(cpu):
    for key, value in cpu.items():
        if value is None:
            continue
        if not PROCTYPE_RE.match(key):
            return "Process types can only contain [a-z]"
        if not CPU_RE.match(str(value)):
            return "CPU shares must be an integer"
        if not 0 <= int(value) <= 1024:
            return "CPU shares must be between 0 and 1024"
    return None


def check_tags(tags):
    for key, value in tags.items():
        if value is None:
            continue
        if not TAG_KEY_RE.match(key):
            return "Tag keys can only contain [a-z]"
        if not TAG_VALUE_RE.match(str(value)):
            return "Invalid tag value"
    return None


CONFIG_FIELDS = (("values", text_of, check_values), ("memory", text_of, check_memory), ("cpu", int_or_same, check_cpu),
                 ("tags", text_of, check_tags))


def domain_problem(domain):
    """DomainSerializer.validate_domain: the message for an unacceptable hostname."""
    if len(domain) > 255:
        return "Hostname must be 255 characters or less."
    labels = domain.split(".")
    if "xip.io" in domain:
        return None
    if labels[0] == "*":
        return "Adding a wildcard subdomain is currently not supported."
    for label in labels:
        if not DOMAIN_LABEL_RE.match(label) or "--" in label or label.isdigit() or (len(labels) == 1 and any(c.isdigit() for c in label)):
            return "Hostname does not look valid."
    return None


def describe_changes(new, old, noun=""):
    """'added A, B, changed C, deleted D' as Release.save() summarises a dict diff."""
    parts = (("added", [k for k in new if k not in old]), ("changed", [k for k in new if k in old and new[k] != old[k]]),
             ("deleted", [k for k in old if k not in new]))
    return ", ".join("%s %s%s" % (verb, noun, ", ".join(sorted(keys))) for verb, keys in parts if keys)


def default_structure(build):
    """App._default_scale: the first deploy of a build scales to this."""
    if not build["sha"] or (build["dockerfile"] and not build["procfile"]) or (build["procfile"] and "web" not in build["procfile"]):
        return {"cmd": 1}
    return {"web": 1}


def required_text(body, field, max_length, errors):
    value = body.get(field)
    if value is None:
        errors[field] = "This field is required."
    elif not isinstance(value, str):
        errors[field] = "Not a valid string."
    elif not value:
        errors[field] = "This field may not be blank."
    elif len(value) > max_length:
        errors[field] = "Ensure this field has no more than %d characters." % max_length
    return value


class Store:
    """Users, apps and their builds, configs, releases and domains, kept in one JSON file."""

    def __init__(self, path, domain, clock=None):
        self.path, self.domain = path, domain
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.lock = threading.RLock()
        try:
            with open(path, encoding="utf-8") as handle:
                self.data = json.load(handle)
        except FileNotFoundError:
            self.data = {"users": {}, "apps": {}}

    def save(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle, ensure_ascii=False)
        os.replace(tmp, self.path)

    def stamp(self):
        now = timestamp(self.clock())
        return {"uuid": str(uuid.uuid4()), "created": now, "updated": now}

    # -- users -------------------------------------------------------------------------------

    def register(self, body, caller, mode):
        """UserRegistrationViewSet: the first user to register becomes the superuser."""
        if mode == "disabled":
            raise ApiError(403, {"detail": "Registration is disabled"})
        if mode == "admin_only" and not (caller and caller["is_superuser"]):
            raise ApiError(403, FORBIDDEN)
        errors = {}
        username = required_text(body, "username", 30, errors)
        password = required_text(body, "password", 128, errors)
        if "username" not in errors:
            if not USERNAME_RE.match(username):
                errors["username"] = "Enter a valid username."
            elif username in self.data["users"]:
                errors["username"] = "This field must be unique."
        email = body.get("email") or ""
        if not isinstance(email, str) or (email and not EMAIL_RE.match(email)):
            errors["email"] = "Enter a valid email address."
        if errors:
            raise field_errors(errors)
        first = not any(user["is_superuser"] for user in self.data["users"].values())
        now = timestamp(self.clock())
        user = {"username": username, "password": hash_password(password), "email": email, "first_name": str(body.get("first_name") or ""),
                "last_name": str(body.get("last_name") or ""), "is_superuser": first, "is_staff": first, "is_active": True,
                "date_joined": now, "last_login": now, "token": secrets.token_hex(20)}
        self.data["users"][username] = user
        return user

    def login(self, body):
        """DRF's obtain_auth_token."""
        errors = {}
        username = required_text(body, "username", 254, errors)
        password = required_text(body, "password", 128, errors)
        if errors:
            raise field_errors(errors)
        user = self.data["users"].get(username)
        if user is None or not password_matches(password, user["password"]):
            raise ApiError(400, {"non_field_errors": ["Unable to log in with provided credentials."]})
        return user["token"]

    def user_for(self, authorization):
        """The user an `Authorization: token KEY` header names; None without one (DRF TokenAuthentication)."""
        parts = (authorization or "").split()
        if not parts or parts[0].lower() != "token":
            return None
        if len(parts) == 1:
            raise ApiError(401, {"detail": "Invalid token header. No credentials provided."})
        if len(parts) > 2:
            raise ApiError(401, {"detail": "Invalid token header. Token string should not contain spaces."})
        for user in self.data["users"].values():
            if hmac.compare_digest(user["token"], parts[1]):
                return user
        raise ApiError(401, {"detail": "Invalid token."})

    @staticmethod
    def user_json(user):
        shown = ("email", "username", "first_name", "last_name", "is_superuser", "is_staff", "last_login", "date_joined", "is_active")
        return dict({key: user[key] for key in shown}, groups=[], user_permissions=[])

    # -- apps --------------------------------------------------------------------------------

    def app_json(self, entry):
        app = entry["app"]
        return {"uuid": app["uuid"], "id": app["id"], "owner": app["owner"], "url": "%s.%s" % (app["id"], self.domain),
                "structure": app["structure"], "created": app["created"], "updated": app["updated"]}

    def visible_apps(self, user):
        """Owned apps; a superuser sees them all (guardian gives superusers every permission)."""
        return [entry for entry in self.data["apps"].values() if user["is_superuser"] or entry["app"]["owner"] == user["username"]]

    def entry_for(self, user, app_id):
        """An app the user may use: 404 when unknown, 403 when someone else's."""
        entry = self.data["apps"].get(app_id)
        if entry is None:
            raise ApiError(404, NOT_FOUND)
        if not user["is_superuser"] and entry["app"]["owner"] != user["username"]:
            raise ApiError(403, FORBIDDEN)
        return entry

    def generate_name(self):
        while True:
            name = "%s-%s" % (random.choice(ADJECTIVES), random.choice(NOUNS))
            if name not in self.data["apps"]:
                return name

    def create_app(self, user, body):
        """App.create(): the app, its empty config and release v1."""
        app_id = body.get("id")
        if app_id is None:
            app_id = self.generate_name()
        else:
            errors = {}
            required_text(body, "id", 64, errors)
            if not errors:
                if not APP_ID_RE.match(app_id):
                    errors["id"] = "App IDs can only contain [a-z0-9-]."
                elif app_id in RESERVED_NAMES:
                    errors["id"] = "%s is a reserved name." % app_id
                elif app_id in self.data["apps"]:
                    errors["id"] = "This field must be unique."
            if errors:
                raise field_errors(errors)
        app = dict(self.stamp(), id=app_id, owner=user["username"], structure={})
        config = dict(self.stamp(), owner=user["username"], app=app_id, values={}, memory={}, cpu={}, tags={})
        entry = {"app": app, "builds": [], "configs": [config], "releases": [], "domains": []}
        self.data["apps"][app_id] = entry
        self.add_release(entry, user, None, config)
        return entry

    def delete_app(self, entry):
        del self.data["apps"][entry["app"]["id"]]

    def change_owner(self, user, entry, body):
        """AppViewSet.update: POST /v1/apps/<id>/ {"owner": "username"}."""
        new_owner = body.get("owner")
        if new_owner:
            if entry["app"]["owner"] != user["username"] and not user["is_superuser"]:
                raise ApiError(403, FORBIDDEN)
            if new_owner not in self.data["users"]:
                raise ApiError(404, NOT_FOUND)
            entry["app"]["owner"] = new_owner
        entry["app"]["updated"] = timestamp(self.clock())

    def scale(self, entry, body):
        """AppViewSet.scale + App.scale: the new structure keeps the other process types that have containers."""
        try:
            requested = {kind: int(count) for kind, count in body.items()}
        except (AttributeError, TypeError, ValueError) as error:
            raise ApiError(400, {"detail": "Invalid scaling format: %s" % error}) from error
        if any(count < 0 for count in requested.values()):
            raise ApiError(400, {"detail": "Must be greater than or equal to zero"})
        build = self.latest_build(entry)
        if build is None:
            raise ApiError(400, {"detail": "No build associated with this release"})
        for kind in requested:
            if kind != "cmd" and kind not in (build["procfile"] or {}):
                raise ApiError(400, {"detail": "Container type %s does not exist in application" % kind})
        app = entry["app"]
        structure = {kind: count for kind, count in app["structure"].items() if count > 0 and kind not in requested}
        structure.update(requested)
        app["structure"], app["updated"] = structure, timestamp(self.clock())

    # -- releases, builds, configs -----------------------------------------------------------

    @staticmethod
    def find(items, key, value):
        for item in items:
            if item[key] == value:
                return item
        return None

    def latest_release(self, entry):
        return entry["releases"][-1]

    def latest_build(self, entry):
        return self.find(entry["builds"], "uuid", self.latest_release(entry)["build"])

    def latest_config(self, entry):
        return self.find(entry["configs"], "uuid", self.latest_release(entry)["config"])

    def summarize(self, entry, owner, version, build, config):
        """Release.save(): the summary of what changed since the previous release (quirks included)."""
        previous = entry["releases"][-1] if entry["releases"] else None
        old_build = self.find(entry["builds"], "uuid", previous["build"]) if previous else None
        old_config = self.find(entry["configs"], "uuid", previous["config"]) if previous else None
        summary = ""
        if version == 1:
            summary += "%s created initial release" % entry["app"]["owner"]
        elif build is not old_build and build is not None:
            summary += "%s deployed %s" % (build["owner"], build["sha"][:7] if build["sha"] else build["image"])
        if config is not old_config:
            empty = {"values": {}, "memory": {}, "cpu": {}, "tags": {}}
            old = old_config or empty
            changes = describe_changes(config["values"], old["values"])
            if changes:
                summary += "%s%s %s" % (" and " if summary else "", config["owner"], changes)
            limits = [name for name in ("memory", "cpu") if config[name] != old[name]]
            if limits:
                summary += "%s changed limits for %s" % (config["owner"], ", ".join(limits))
            changes = describe_changes(config["tags"], old["tags"], "tag ")
            if changes:
                summary += "%s%s %s" % (" and " if summary else "", config["owner"], changes)
        return summary or ("%s changed nothing" % owner)

    def add_release(self, entry, user, build, config, summary=None):
        previous = entry["releases"][-1] if entry["releases"] else None
        version = previous["version"] + 1 if previous else 1
        summary = summary or self.summarize(entry, user["username"], version, build, config)
        release = dict(self.stamp(), app=entry["app"]["id"], build=build["uuid"] if build else None, config=config["uuid"],
                       owner=user["username"], summary=summary, version=version)
        entry["releases"].append(release)
        return release

    def create_build(self, user, entry, body, pull):
        """BuildViewSet: a build, then a release of it; the first build scales the app to its default structure."""
        errors = {}
        image = required_text(body, "image", 256, errors)
        procfile = body.get("procfile") or {}
        if isinstance(procfile, str):
            try:
                procfile = json.loads(procfile)
            except ValueError:
                procfile = None
        if not isinstance(procfile, dict):
            errors["procfile"] = "Expected a JSON object of process types and commands."
        if errors:
            raise field_errors(errors)
        build = dict(self.stamp(), owner=user["username"], app=entry["app"]["id"], image=image, sha=str(body.get("sha") or ""),
                     procfile=procfile, dockerfile=str(body.get("dockerfile") or ""))
        pull(build)
        entry["builds"].append(build)
        release = self.add_release(entry, user, build, self.latest_config(entry))
        if not entry["app"]["structure"]:
            entry["app"]["structure"] = default_structure(build)
        return build, release

    def set_config(self, user, entry, body, pull):
        """ConfigViewSet + Config.save(): merge into the latest config (null unsets), then a new release."""
        current = self.latest_config(entry)
        merged, errors = {}, {}
        for field, convert, check in CONFIG_FIELDS:
            given = body.get(field, {})
            if isinstance(given, str):
                try:
                    given = json.loads(given)
                except ValueError:
                    given = None
            if not isinstance(given, dict):
                errors[field] = "Expected a JSON object."
                continue
            given = {key: None if value is None else convert(value) for key, value in given.items()}
            problem = check(given)
            if problem:
                errors[field] = problem
                continue
            merged[field] = dict(current[field], **given)
            for key, value in given.items():
                if value is None:
                    del merged[field][key]
        if errors:
            raise field_errors(errors)
        build = self.latest_build(entry)
        pull(build)
        config = dict(self.stamp(), owner=user["username"], app=entry["app"]["id"], **merged)
        entry["configs"].append(config)
        release = self.add_release(entry, user, build, config)
        return config, release

    def rollback(self, user, entry, body, pull):
        """ReleaseViewSet.rollback: a new release with the build and config of an earlier one."""
        latest = self.latest_release(entry)
        try:
            version = int(body.get("version") or latest["version"] - 1)
        except (TypeError, ValueError) as error:
            raise ApiError(400, {"detail": "Invalid version: %s" % error}) from error
        if version < 1:
            raise ApiError(400, {"detail": "version cannot be below 0"})
        target = self.find(entry["releases"], "version", version)
        if target is None:
            raise ApiError(404, NOT_FOUND)
        build = self.find(entry["builds"], "uuid", target["build"])
        pull(build)
        config = self.find(entry["configs"], "uuid", target["config"])
        return self.add_release(entry, user, build, config, summary="%s rolled back to v%d" % (user["username"], version))

    # -- domains, containers ------------------------------------------------------------------

    def add_domain(self, user, entry, body):
        errors = {}
        domain = required_text(body, "domain", 255, errors)
        if not errors:
            domain = domain[:-1] if domain.endswith(".") else domain
            problem = domain_problem(domain)
            if problem is None and any(self.find(other["domains"], "domain", domain) for other in self.data["apps"].values()):
                problem = "The domain %s is already in use by another app" % domain
            if problem:
                errors["domain"] = problem
        if errors:
            raise field_errors(errors)
        record = dict(self.stamp(), owner=user["username"], app=entry["app"]["id"], domain=domain)
        entry["domains"].append(record)
        return record

    def remove_domain(self, entry, domain):
        record = self.find(entry["domains"], "domain", domain)
        if record is None:
            raise ApiError(404, NOT_FOUND)
        entry["domains"].remove(record)

    def containers(self, entry):
        """The containers the structure stands for, all up, on the latest release."""
        app, release = entry["app"], self.latest_release(entry)
        return [{"owner": app["owner"], "app": app["id"], "release": "v%d" % release["version"], "type": kind, "num": num, "state": "up",
                 "created": release["created"], "updated": release["created"],
                 "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, "%s/%s/%d" % (app["uuid"], kind, num)))}
                for kind in sorted(app["structure"]) for num in range(1, app["structure"][kind] + 1)]


class Knobs:
    """The runtime-settable settings: control.json over the start options, reread when the file changes."""

    def __init__(self, path, defaults):
        self.path, self.defaults = path, defaults
        self.seen, self.values = None, dict(defaults)

    def current(self):
        try:
            status = os.stat(self.path)
            key = (status.st_ino, status.st_mtime_ns, status.st_size)
        except FileNotFoundError:
            key = None
        if key != self.seen:
            self.seen = key
            self.values = dict(self.defaults, **(read_json(self.path) or {}))
        return self.values


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (FileNotFoundError, ValueError):
        return None


def write_control(state_dir, **changes):
    """Merge CHANGES (error_fraction, latency_ms, registration_mode) into STATE_DIR/control.json, atomically."""
    path = os.path.join(state_dir, CONTROL_FILE)
    values = dict(read_json(path) or {}, **changes)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(values, handle, sort_keys=True)
    os.replace(path + ".tmp", path)


class Reply:
    """What a route answers."""

    def __init__(self, status, body=None, content_type="application/json", headers=()):
        self.status, self.body, self.content_type, self.headers = status, body, content_type, list(headers)


ROUTES = [(re.compile("^%s/?$" % pattern.replace("APP", "(?P<id>%s)" % APP_ID)), methods, authenticated) for pattern, methods, authenticated in (
    ("/healthz", {"GET": "healthz", "HEAD": "healthz"}, False),
    ("/v1", {"GET": "api_root"}, True),
    ("/v1/auth/register", {"POST": "register"}, False),
    ("/v1/auth/login", {"POST": "login"}, False),
    ("/v1/apps", {"GET": "list_apps", "POST": "create_app"}, True),
    ("/v1/apps/APP", {"GET": "get_app", "POST": "update_app", "DELETE": "delete_app"}, True),
    ("/v1/apps/APP/scale", {"POST": "scale"}, True),
    ("/v1/apps/APP/builds", {"GET": "list_builds", "POST": "create_build"}, True),
    (r"/v1/apps/APP/builds/(?P<uuid>[-_\w]+)", {"GET": "get_build"}, True),
    ("/v1/apps/APP/config", {"GET": "get_config", "POST": "set_config"}, True),
    ("/v1/apps/APP/domains", {"GET": "list_domains", "POST": "add_domain"}, True),
    (r"/v1/apps/APP/domains/(?P<domain>[-._\w]+)", {"DELETE": "remove_domain"}, True),
    ("/v1/apps/APP/releases", {"GET": "list_releases"}, True),
    ("/v1/apps/APP/releases/rollback", {"POST": "rollback"}, True),
    ("/v1/apps/APP/releases/v(?P<version>[0-9]+)", {"GET": "get_release"}, True),
    ("/v1/apps/APP/containers", {"GET": "list_containers"}, True),
)]


class ControllerHandler(BaseHTTPRequestHandler):
    """One request: faults, the version middleware, routing, token auth, then the view."""

    protocol_version = "HTTP/1.1"
    server_version = "deis-sandbox-controller"

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.answer()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_GET

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        knobs = self.server.knobs.current()
        if knobs["latency_ms"]:
            time.sleep(knobs["latency_ms"] / 1000.0)
        url = urllib.parse.urlsplit(self.path)
        try:
            reply = self.dispatch(url, raw, knobs)
        except ApiError as error:
            if error.reason:
                self.log_message("500 for %s %s: %s", self.command, url.path, error.reason)
            reply = Reply(error.status, error.body, error.content_type)
            if error.status == 401:
                reply.headers.append(("WWW-Authenticate", "Token"))
        self.send(reply)

    def dispatch(self, url, raw, knobs):
        if url.path.rstrip("/") != "/healthz":
            self.server.inject_fault(knobs["error_fraction"])
        mismatch = version_mismatch(self.server.platform_version, self.headers)
        if mismatch:
            raise ApiError(405, {"error": mismatch})
        for pattern, methods, authenticated in ROUTES:
            match = pattern.match(url.path)
            if match:
                break
        else:
            raise ApiError(404, "<h1>Not Found</h1><p>The requested URL %s was not found on this server.</p>" % url.path, "text/html")
        if self.command not in methods:
            raise ApiError(405, {"detail": "Method \"%s\" not allowed." % self.command})
        store = self.server.store
        with store.lock:
            try:
                user = store.user_for(self.headers.get("Authorization"))
            except ApiError:
                if authenticated:
                    raise
                user = None
            if authenticated and user is None:
                raise ApiError(401, {"detail": "Authentication credentials were not provided."})
            body = parse_body(raw, self.headers.get("Content-Type") or "")
            view = getattr(self, "view_" + methods[self.command])
            reply = view(match.groupdict(), user, body, dict(knobs, query=url.query, path=url.path))
            if self.command in ("POST", "DELETE") and reply.status < 300:
                store.save()
        return reply

    def send(self, reply):
        if reply.body is None:
            payload = b""
        elif reply.content_type == "application/json":
            payload = json.dumps(reply.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        else:
            payload = reply.body.encode("utf-8")
        self.send_response(reply.status)
        for name, value in version_headers(self.server.platform_version) + reply.headers:
            self.send_header(name, str(value))
        if reply.status != 204:
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    # -- views: (url groups, user, parsed body, knobs with the query) -> Reply ----------------

    def page(self, items, context):
        """DRF 3.0 pagination: 100 a page, ?page=N (or "last"), ?page_size=N, absolute next/previous URLs."""
        params = urllib.parse.parse_qsl(context["query"], keep_blank_values=True)
        given = dict(params)
        size = PAGE_SIZE
        if given.get("page_size", "").isdigit() and int(given["page_size"]) > 0:
            size = int(given["page_size"])
        pages = max(1, -(-len(items) // size))
        wanted = given.get("page", "1")
        number = pages if wanted == "last" else int(wanted) if wanted.isdigit() else 0
        if not 1 <= number <= pages:
            raise ApiError(404, NOT_FOUND)
        base = "http://%s%s" % (self.headers.get("Host") or "%s:%d" % self.server.server_address[:2], context["path"])

        def link(target):
            query = [(key, str(target) if key == "page" else value) for key, value in params]
            if "page" not in given:
                query.append(("page", str(target)))
            return base + "?" + urllib.parse.urlencode(query)
        return {"count": len(items), "next": link(number + 1) if number < pages else None,
                "previous": link(number - 1) if number > 1 else None, "results": items[(number - 1) * size:number * size]}

    def app_entry(self, groups, user):
        return self.server.store.entry_for(user, groups["id"])

    def created_release(self, body, release):
        return Reply(201, body, headers=release_headers(self.server.platform_version, release["version"]))

    def view_healthz(self, groups, user, body, context):
        return Reply(200, "OK", "text/html; charset=utf-8")

    def view_api_root(self, groups, user, body, context):
        return Reply(200, {})

    def view_register(self, groups, user, body, context):
        return Reply(201, Store.user_json(self.server.store.register(body, user, context["registration_mode"])))

    def view_login(self, groups, user, body, context):
        return Reply(200, {"token": self.server.store.login(body)})

    def view_list_apps(self, groups, user, body, context):
        store = self.server.store
        return Reply(200, self.page([store.app_json(entry) for entry in store.visible_apps(user)], context))

    def view_create_app(self, groups, user, body, context):
        app = self.server.store.app_json(self.server.store.create_app(user, body))
        return Reply(201, app, headers=[("Location", app["url"])])

    def view_get_app(self, groups, user, body, context):
        return Reply(200, self.server.store.app_json(self.app_entry(groups, user)))

    def view_update_app(self, groups, user, body, context):
        self.server.store.change_owner(user, self.app_entry(groups, user), body)
        return Reply(200)

    def view_delete_app(self, groups, user, body, context):
        self.server.store.delete_app(self.app_entry(groups, user))
        return Reply(204)

    def view_scale(self, groups, user, body, context):
        self.server.store.scale(self.app_entry(groups, user), body)
        return Reply(204)

    def view_list_builds(self, groups, user, body, context):
        return Reply(200, self.page(self.app_entry(groups, user)["builds"][::-1], context))

    def view_get_build(self, groups, user, body, context):
        build = Store.find(self.app_entry(groups, user)["builds"], "uuid", groups["uuid"])
        if build is None:
            raise ApiError(404, NOT_FOUND)
        return Reply(200, build)

    def view_create_build(self, groups, user, body, context):
        build, release = self.server.store.create_build(user, self.app_entry(groups, user), body, pull_from_registry)
        return self.created_release(build, release)

    def view_get_config(self, groups, user, body, context):
        return Reply(200, self.server.store.latest_config(self.app_entry(groups, user)))

    def view_set_config(self, groups, user, body, context):
        config, release = self.server.store.set_config(user, self.app_entry(groups, user), body, pull_from_registry)
        return self.created_release(config, release)

    def view_list_domains(self, groups, user, body, context):
        return Reply(200, self.page(self.app_entry(groups, user)["domains"], context))

    def view_add_domain(self, groups, user, body, context):
        return Reply(201, self.server.store.add_domain(user, self.app_entry(groups, user), body))

    def view_remove_domain(self, groups, user, body, context):
        self.server.store.remove_domain(self.app_entry(groups, user), groups["domain"])
        return Reply(204)

    def view_list_releases(self, groups, user, body, context):
        return Reply(200, self.page(self.app_entry(groups, user)["releases"][::-1], context))

    def view_get_release(self, groups, user, body, context):
        release = Store.find(self.app_entry(groups, user)["releases"], "version", int(groups["version"]))
        if release is None:
            raise ApiError(404, NOT_FOUND)
        return Reply(200, release)

    def view_rollback(self, groups, user, body, context):
        release = self.server.store.rollback(user, self.app_entry(groups, user), body, pull_from_registry)
        return Reply(201, {"version": release["version"]})

    def view_list_containers(self, groups, user, body, context):
        return Reply(200, self.page(self.server.store.containers(self.app_entry(groups, user)), context))


def parse_body(raw, content_type):
    """JSON or form data, as DRF's parsers read it; views get a dict."""
    if not raw.strip():
        return {}
    try:
        text = raw.decode("utf-8")
        if content_type.startswith("application/x-www-form-urlencoded"):
            return dict(urllib.parse.parse_qsl(text, keep_blank_values=True))
        data = json.loads(text)
    except ValueError as error:
        raise ApiError(400, {"detail": "JSON parse error - %s" % error}) from error
    if not isinstance(data, dict):
        raise ApiError(400, {"non_field_errors": ["Invalid data. Expected a dictionary, but got %s." % type(data).__name__]})
    return data


class ControllerServer(ThreadingHTTPServer):
    """The HTTP server with the store, the platform version and the fault knobs its handlers share."""

    daemon_threads = True

    def __init__(self, port, state_dir, domain, platform_version, knobs, seed):
        if not VERSION_RE.match(platform_version):
            raise ValueError("platform version %r is not a Deis v1 version like 1.13.4" % platform_version)
        os.makedirs(state_dir, exist_ok=True)
        self.store = Store(os.path.join(state_dir, STATE_FILE), domain)
        self.platform_version = platform_version
        self.knobs = Knobs(os.path.join(state_dir, CONTROL_FILE), knobs)
        self.rng, self.rng_lock = random.Random(seed), threading.Lock()
        super().__init__(("127.0.0.1", port), ControllerHandler)

    def inject_fault(self, fraction):
        """Answer this request with a 500 or 503 with probability FRACTION (seeded, so runs repeat)."""
        if not fraction:
            return
        with self.rng_lock:
            hit, status = self.rng.random() < fraction, self.rng.choice((500, 503))
        if hit and status == 500:
            raise server_error("injected fault")
        if hit:
            raise ApiError(503, UNAVAILABLE_PAGE, "text/html")


def make_server(port, state_dir, domain, platform_version="1.13.4", registration_mode="enabled", error_fraction=0.0, latency_ms=0, seed=0):
    knobs = {"registration_mode": registration_mode, "error_fraction": error_fraction, "latency_ms": latency_ms}
    return ControllerServer(port, state_dir, domain, platform_version, knobs, seed)


class PlatformGate:
    """Whether the platform's controller unit runs, from fleet's state key in etcd (see --gate-etcd)."""

    UNIT = "deis-controller.service"

    UNKNOWN = "unknown"

    def __init__(self, etcd_endpoint):
        self.url = etcd_endpoint.rstrip("/") + "/v2/keys/_coreos.com/fleet/state/" + self.UNIT
        self.seen_running = False
        self.last = True

    def unit_running(self):
        """True / False from the unit's fleet state, None when fleet has none, UNKNOWN when etcd does not answer."""
        try:
            with urllib.request.urlopen(self.url, timeout=2) as answer:
                state = json.loads(json.loads(answer.read())["node"]["value"])
        except urllib.error.HTTPError as error:
            return None if error.code == 404 else self.UNKNOWN
        except (OSError, ValueError, KeyError):
            return self.UNKNOWN
        return state.get("activeState") == "active" and state.get("subState") == "running"

    def is_open(self):
        """Open until the unit has run; then open only while it runs. Unchanged while etcd does not answer."""
        running = self.unit_running()
        if running != self.UNKNOWN:
            self.seen_running = self.seen_running or running is True
            self.last = running is True or not self.seen_running
        return self.last


def parser():
    top = argparse.ArgumentParser(prog="sandbox _controller", description="A Deis v1 controller REST API on a loopback port.")
    top.add_argument("--port", type=int, required=True)
    top.add_argument("--state-dir", required=True, help="holds state.json (the data) and control.json (runtime knobs)")
    top.add_argument("--domain", required=True, help="the platform domain: app URLs are <app>.<domain>")
    top.add_argument("--platform-version", default="1.13.4")
    top.add_argument("--registration-mode", choices=REGISTRATION_MODES, default="enabled")
    top.add_argument("--error-fraction", type=float, default=0.0, help="share of requests answered 500/503")
    top.add_argument("--latency-ms", type=int, default=0, help="delay before every answer")
    top.add_argument("--seed", type=int, default=0, help="seed of the fault dice")
    top.add_argument("--gate-etcd", metavar="URL", help="serve only while the platform's deis-controller unit runs (fleet state in this etcd)")
    return top


def main(argv):
    args = parser().parse_args(argv)
    gate = PlatformGate(args.gate_etcd) if args.gate_etcd else None
    while True:
        server = make_server(args.port, args.state_dir, args.domain, args.platform_version, args.registration_mode,
                             args.error_fraction, args.latency_ms, args.seed)
        if gate is None:
            try:
                server.serve_forever()
            finally:
                server.server_close()
            return 0
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        serving.start()
        while gate.is_open():
            time.sleep(0.5)
        server.shutdown()
        server.server_close()
        serving.join()
        while not gate.is_open():
            time.sleep(0.5)
