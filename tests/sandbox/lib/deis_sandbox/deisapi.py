"""A small client of the Deis v1 controller REST API for the sandbox itself (seeding, faults, tests):
one request per call, no retries, no redirects followed; the paths and bodies the deis CLI and the
builder send (deis/deis v1.12.3 client/controller/models/*, builder/rootfs/etc/confd/templates/builder)."""
import http.client
import json
import urllib.parse


class ApiError(Exception):
    def __init__(self, method, path, answer):
        super().__init__("%s %s answered %d: %s" % (method, path, answer.status, answer.text[:300]))
        self.answer = answer


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode("utf-8", "replace")
        is_json = (headers.get("Content-Type") or "").startswith("application/json")
        self.data = json.loads(self.text) if is_json and self.text else None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.text[:200])


class Controller:
    """The controller at URL (http://host:port), as the user of TOKEN or anonymously."""

    def __init__(self, url, token=None, timeout=1300):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout
        parsed = urllib.parse.urlsplit(self.url)
        self.host, self.port = parsed.hostname, parsed.port or 80

    def call(self, method, path, body=None, headers=None, expect=None):
        """One request; with EXPECT (a status or a tuple of them) any other status raises ApiError."""
        sent = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            sent["Content-Type"] = "application/json"
        if self.token:
            sent["Authorization"] = "token " + self.token
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, data, sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        if expect is not None and answer.status not in (expect if isinstance(expect, tuple) else (expect,)):
            raise ApiError(method, path, answer)
        return answer

    def as_user(self, token):
        return Controller(self.url, token, self.timeout)

    # accounts

    def register(self, username, password, email=None):
        """POST /v1/auth/register/ (deis register); 201, or 400 when the user exists."""
        body = {"username": username, "password": password, "email": email or username + "@sandbox.test"}
        return self.call("POST", "/v1/auth/register/", body)

    def login(self, username, password):
        """A Controller acting as USERNAME (POST /v1/auth/login/, rest_framework.authtoken)."""
        answer = self.call("POST", "/v1/auth/login/", {"username": username, "password": password}, expect=200)
        return self.as_user(answer.data["token"])

    # reading

    def get(self, path):
        return self.call("GET", path, expect=200).data

    def every(self, path):
        """Every result of a paginated list (following `next`, the controller's absolute URL)."""
        results, page = [], path
        while page:
            data = self.get(page)
            results += data["results"]
            page = urllib.parse.urlsplit(data["next"])._replace(scheme="", netloc="").geturl() if data.get("next") else None
        return results

    def apps(self):
        return self.every("/v1/apps/")

    def app(self, app):
        return self.get("/v1/apps/%s/" % app)

    def config(self, app):
        return self.get("/v1/apps/%s/config/" % app)

    def builds(self, app):
        return self.every("/v1/apps/%s/builds/" % app)

    def releases(self, app):
        return self.every("/v1/apps/%s/releases/" % app)

    def domains(self, app):
        return [entry["domain"] for entry in self.every("/v1/apps/%s/domains/" % app)]

    def perms(self, app):
        return self.get("/v1/apps/%s/perms/" % app)["users"]

    def containers(self, app):
        return self.every("/v1/apps/%s/containers/" % app)
