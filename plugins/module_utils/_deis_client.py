# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""The transport to a Deis v1 controller and its REST calls (no decisions: see _deis_plan).

Reads (GET) are retried after connection errors and 5xx answers. Writes (POST/PUT/DELETE) are sent once: a write
that times out, loses its connection or gets a 5xx raises DeisApiError with ``uncertain`` set, and the caller
re-reads the state to find out what happened (_deis_migration.attempt). The token never follows a redirect to
another host.

Facts from upstream (deis/deis, tags named):
- long requests: a build, a config change and a scale pull, layer, push and start inside the request; gunicorn
  allows 1200 s (v1.12.3 controller/templates/gconf.py:12), so those calls get ``long_timeout``;
- login is safe to repeat: ``auth/login/`` is DRF's obtain_auth_token (v1.12.3 controller/api/urls.py:88-89),
  which answers the user's existing token (djangorestframework 3.0.5, pinned in controller/requirements.txt,
  rest_framework/authtoken/views.py:19 ``Token.objects.get_or_create``);
- lists page by 100 and honour ``page_size`` from v1.10 (v1.12.3 controller/deis/settings.py:203-204); ``next``
  links are absolute.
"""

import json
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import http.client

from ansible.module_utils.urls import Request, make_context

APP_ID_RE = re.compile(r"^[a-z0-9-]+$")
PAGE_SIZE = 100
VERSION_HEADERS = (("api_version", ("DEIS_API_VERSION", "X_DEIS_API_VERSION")),
                   ("platform_version", ("DEIS_PLATFORM_VERSION", "X_DEIS_PLATFORM_VERSION")))
TAG_RE = re.compile(r"<[^>]+>")
USER_AGENT = "deis.platform Ansible collection"
REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5
DEFAULT_TIMEOUT = 30.0
# upstream's gunicorn timeout (v1.12.3 controller/templates/gconf.py:12) and router (20 minutes)
DEFAULT_LONG_TIMEOUT = 1200.0
TRANSPORT_FAILURES = (urllib.error.URLError, http.client.HTTPException, socket.timeout, ssl.SSLError, OSError)


class DeisApiError(Exception):
    """A failed call: the HTTP status (None without an answer) and the controller's message.

    ``uncertain`` is set for a write that may or may not have taken effect (timeout, lost connection, 5xx).
    """

    def __init__(self, message, status=None, method=None, url=None, uncertain=False):
        super().__init__(message)
        self.message, self.status, self.method, self.url, self.uncertain = message, status, method, url, uncertain

    def __str__(self):
        where = "%s %s" % (self.method, self.url) if self.method else ""
        if self.status is None:
            return "%s: %s" % (where, self.message) if where else self.message
        return "%s answered %d: %s" % (where or "controller", self.status, self.message)

    def details(self):
        return {"status": self.status, "method": self.method, "url": self.url, "message": self.message, "uncertain": self.uncertain}


def check_app_id(app_id):
    """Raise ValueError unless APP_ID is a valid Deis app id (v1.12.3 controller/api/models.py:73-79)."""
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


def release_from_headers(headers):
    """The Deis-Release header of a build or config answer (v1.12.3 controller/api/views.py:156-160)."""
    value = headers.get("Deis-Release") or headers.get("X-Deis-Release")
    return int(value) if value and str(value).isdigit() else None


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


def origin(url):
    """(scheme, host, port) of URL, with the default port filled in."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def redirect_allowed(from_url, to_url):
    """Whether a redirect may carry the token: same host and port, and never from https down to http."""
    before, after = origin(from_url), origin(to_url)
    if before[1] != after[1]:
        return False
    if before[0] == after[0]:
        return before[2] == after[2]
    return before[0] == "http" and after[0] == "https"


class Answer:
    """A successful HTTP answer."""

    def __init__(self, status, headers, data):
        self.status, self.headers, self.data = status, headers, data


class DeisClient:
    """One Deis v1 controller: token auth, pagination, retried reads, writes sent once, redirects kept on one host."""

    def __init__(self, url, token=None, validate_certs=True, timeout=DEFAULT_TIMEOUT, retries=4, retry_delay=0.5,
                 long_timeout=DEFAULT_LONG_TIMEOUT, ca_path=None, client_cert=None, client_key=None, use_proxy=True,
                 sleep=time.sleep):
        self.url, self.token = normalize_url(url), token
        self.timeout, self.long_timeout = float(timeout), float(long_timeout)
        self.retries, self.retry_delay, self.sleep = max(0, int(retries)), retry_delay, sleep
        self.versions = {"api_version": None, "platform_version": None}
        self.warnings = []
        # Built once: open_url builds one (reading the CA bundle, about 30 ms) for every request, http ones included;
        # so requests go through Request.open, the function open_url wraps. Request.open installs its opener for the
        # whole process (urllib.request.install_opener) before it sends: concurrent requests may go through another
        # client's opener, which is harmless as long as all of them are built from the same options.
        context = make_context(cafile=ca_path, validate_certs=validate_certs, client_cert=client_cert, client_key=client_key)
        # follow_redirects='none': redirects come back here (request() follows them on the same host only);
        # unredirected_headers keeps Authorization off any redirect urllib would follow anyway.
        self.opener = Request(use_proxy=use_proxy, validate_certs=validate_certs, http_agent=USER_AGENT, follow_redirects="none",
                              unredirected_headers=["Authorization"], use_netrc=False, context=context)

    def full_url(self, path):
        if path.startswith("http://") or path.startswith("https://"):
            # Pagination links are absolute; keep the path and query but talk to the configured URL.
            parts = urllib.parse.urlsplit(path)
            path = parts.path + ("?" + parts.query if parts.query else "")
        return self.url + path

    def warn_plain_http(self, what):
        if self.url.startswith("http://"):
            message = "%s goes to %s over plain http: use https (and ca_path for a private CA)" % (what, self.url)
            if message not in self.warnings:
                self.warnings.append(message)

    def request(self, method, path, body=None, auth=True, ok=(200, 201, 204), long=False, repeatable=None):
        """One call; returns an Answer or raises DeisApiError.

        REPEATABLE (default: GET/HEAD) calls are retried after connection errors and 5xx; others are sent once and
        raise with ``uncertain`` when the answer is a 5xx or missing. LONG uses long_timeout.
        """
        url = self.full_url(path)
        repeatable = method in ("GET", "HEAD") if repeatable is None else repeatable
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if auth:
            if not self.token:
                raise DeisApiError("not logged in: no token", None, method, url)
            headers["Authorization"] = "token " + self.token
            self.warn_plain_http("the API token")
        timeout = self.long_timeout if long else self.timeout
        attempt = 0
        while True:
            failure = self.call(method, url, data, headers, timeout, ok)
            if isinstance(failure, Answer):
                return failure
            if failure.status is not None and failure.status < 500:
                raise failure
            if not repeatable:
                failure.uncertain = True
                raise failure
            if attempt >= self.retries:
                raise failure
            self.sleep(min(self.retry_delay * (2 ** attempt), 30.0))
            attempt += 1

    def call(self, method, url, data, headers, timeout, ok):
        """Send once, following same-host redirects; the Answer, or the DeisApiError to raise or retry."""
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                status, answer_headers, raw = self.send(method, url, data, headers, timeout)
            except TRANSPORT_FAILURES as error:
                reason = getattr(error, "reason", None) or error
                return DeisApiError("no answer from the controller: %s" % reason, None, method, url)
            self.versions.update({key: value for key, value in versions_from_headers(answer_headers).items() if value})
            content_type = answer_headers.get("Content-Type") or ""
            if status in REDIRECTS and answer_headers.get("Location"):
                target = urllib.parse.urljoin(url, answer_headers["Location"])
                if not redirect_allowed(url, target):
                    return DeisApiError("redirected to %s, another host: not followed (the API token is only sent to %s)"
                                        % (target, self.url), status, method, url)
                if method not in ("GET", "HEAD") and status not in (307, 308):
                    return DeisApiError("redirected to %s: a %s is not re-sent as another method" % (target, method), status, method, url)
                url = target
                continue
            if status in ok:
                return Answer(status, answer_headers, self.decode(raw, content_type))
            return DeisApiError(error_message(raw, content_type), status, method, url)
        return DeisApiError("more than %d redirects" % MAX_REDIRECTS, None, method, url)

    def send(self, method, url, data, headers, timeout):
        """(status, headers, body) of one HTTP exchange; HTTP errors and redirects are answers too."""
        try:
            response = self.opener.open(method, url, data=data, headers=headers, timeout=timeout)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()
        with response:
            return response.status, response.headers, response.read()

    @staticmethod
    def decode(raw, content_type):
        if not raw:
            return None
        if "json" in content_type:
            return json.loads(raw.decode("utf-8"))
        return raw.decode("utf-8", "replace")

    def get(self, path):
        return self.request("GET", path).data

    def list(self, path):
        """Every result of a paginated list, following `next` to the end."""
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
        """POST /v1/auth/login/ (repeatable: it answers the existing token); keeps and returns the token."""
        self.warn_plain_http("the password of %s" % username)
        try:
            answer = self.request("POST", "/v1/auth/login/", {"username": username, "password": password}, auth=False, repeatable=True)
        except DeisApiError as error:
            if error.status == 400:
                error.message = "login as %s failed (%s): check the username and password" % (username, error.message)
            raise
        self.token = answer.data["token"]
        return self.token

    def register(self, username, password, email, auth=False):
        """POST /v1/auth/register/; the first user of a controller becomes its admin (v1.12.3 controller/api/serializers.py:121-123).

        With AUTH the admin's token goes along, as registration mode admin_only requires (controller/api/permissions.py:97-117).
        """
        self.warn_plain_http("a password")
        return self.request("POST", "/v1/auth/register/", {"username": username, "password": password, "email": email}, auth=auth).data

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

    def users(self):
        """Every user (admins only: GET /v1/users/, v1.12.3 controller/api/urls.py:102, views.py:487-494); None when not allowed."""
        try:
            return self.list("/v1/users/")
        except DeisApiError as error:
            if error.status in (401, 403):
                return None
            raise

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
        return self.request("POST", "/v1/apps/", {"id": check_app_id(app_id)}).data

    def transfer_app(self, app_id, owner):
        """POST /v1/apps/<id> with {"owner"} (v1.12+: controller/api/views.py:238-247, urls.py:65-66; 404 for an unknown user)."""
        self.request("POST", self.app_path(app_id), {"owner": owner}, ok=(200, 204))

    def delete_app(self, app_id):
        self.request("DELETE", self.app_path(app_id))

    def releases(self, app_id):
        """Every release, newest first (ordering -created: controller/api/models.py:847-849)."""
        return self.list(self.app_path(app_id, "releases/"))

    def latest(self, app_id, kind):
        """The newest release or build (the controller lists them newest first), or None."""
        page = self.get(self.app_path(app_id, "%s/?page_size=1" % kind))
        results = page.get("results") or []
        return results[0] if results else None

    def build(self, app_id, uuid):
        """Build UUID, or None. Deis v1 answers GET builds/<uuid>/ with the latest release's build whatever the uuid
        (ReleasableViewSet.get_object: deis/deis v1.7.3 controller/api/views.py:102-104, v1.12.3 :152-154, v1.13.4
        :174-176), so an older build is looked up in the list."""
        build = self.get(self.app_path(app_id, "builds/%s/" % uuid))
        if build and build.get("uuid") == uuid:
            return build
        return next((item for item in self.list(self.app_path(app_id, "builds/")) if item.get("uuid") == uuid), None)

    def create_build(self, app_id, image, procfile=None):
        """`deis pull`: POST builds/ (long); returns the new release version (Deis-Release header) or None."""
        body = {"image": image}
        if procfile:
            body["procfile"] = procfile
        answer = self.request("POST", self.app_path(app_id, "builds/"), body, long=True)
        return release_from_headers(answer.headers)

    def containers(self, app_id):
        """The app's containers ({type, num, release: "v<N>", state}: controller/api/serializers.py:246-261)."""
        return self.list(self.app_path(app_id, "containers/"))

    def config(self, app_id):
        return self.get(self.app_path(app_id, "config/"))

    def set_config(self, app_id, change):
        """POST config/ with CHANGE ({values, memory, cpu, tags}; null unsets) (long); returns the new release version."""
        answer = self.request("POST", self.app_path(app_id, "config/"), change, long=True)
        return release_from_headers(answer.headers)

    def domains(self, app_id):
        """The custom domains as stored (with their case: controller/api/models.py:994-1001)."""
        return [item["domain"] for item in self.list(self.app_path(app_id, "domains/"))]

    def add_domain(self, app_id, domain):
        self.request("POST", self.app_path(app_id, "domains/"), {"domain": domain})

    def remove_domain(self, app_id, domain):
        """DELETE domains/<domain>: the stored spelling, as an unknown one is a 500 (controller/api/views.py:307-309)."""
        self.request("DELETE", self.app_path(app_id, "domains/%s" % urllib.parse.quote(domain, safe="")))

    def scale(self, app_id, structure):
        self.request("POST", self.app_path(app_id, "scale/"), structure, long=True)

    def perms(self, app_id):
        """Users the app is shared with: GET perms/ answers {"users": [...]} (controller/api/views.py:428-433)."""
        return sorted((self.get(self.app_path(app_id, "perms/")) or {}).get("users") or [])

    def share(self, app_id, username):
        self.request("POST", self.app_path(app_id, "perms/"), {"username": username})


class RegistryV1:
    """A Deis v1 cluster's own registry (the v1-protocol docker-registry, deis-v1-lts), asked over plain http as the
    controllers' Docker daemons reach it (insecure_registry=True: v1.12.3 controller/registry/dockerclient.py:73, 79).

    It takes the SSL context of the controller client it works beside: ansible's Request.open installs its opener for
    the whole process before sending, so the openers of concurrent requests must not differ."""

    def __init__(self, address, timeout=DEFAULT_TIMEOUT, use_proxy=True, context=None):
        self.url = normalize_url(address)
        self.timeout = float(timeout)
        self.opener = Request(use_proxy=use_proxy, http_agent=USER_AGENT, follow_redirects="none", use_netrc=False,
                              context=context or make_context())

    def has_tag(self, repository, tag):
        """Whether the registry holds REPOSITORY:TAG: GET /v1/repositories/<repo>/tags/<tag> answers 200 or 404
        (docker-registry deis-v1-lts docker_registry/tags.py:105-121)."""
        url = "%s/v1/repositories/%s/tags/%s" % (self.url, urllib.parse.quote(repository), urllib.parse.quote(tag))
        try:
            response = self.opener.open("GET", url, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            with error:
                if error.code == 404:
                    return False
                raise DeisApiError(error_message(error.read(), error.headers.get("Content-Type")), error.code, "GET", url)
        except TRANSPORT_FAILURES as error:
            raise DeisApiError("no answer from the registry: %s" % (getattr(error, "reason", None) or error), None, "GET", url)
        with response:
            return response.status == 200
