"""Talking to the sandbox's Deis controllers and router from tests, and running them in threads."""
import contextlib
import json
import os
import random
import socket
import sys
import threading
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SANDBOX = os.path.join(HERE, "..", "..", "sandbox", "sandbox")
sys.path.insert(0, os.path.join(HERE, "..", "..", "sandbox", "lib"))
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Answer:
    """An HTTP answer: status, headers, text and (for JSON) data."""

    def __init__(self, status, headers, raw):
        self.status, self.headers, self.text = status, headers, raw.decode("utf-8")
        is_json = (headers.get("Content-Type") or "").startswith("application/json")
        self.data = json.loads(self.text) if is_json and self.text else None

    def __repr__(self):
        return "<%d %s>" % (self.status, self.text[:300])


def request(url, method="GET", body=None, headers=None, timeout=30):
    data = None if body is None else json.dumps(body).encode("utf-8")
    wanted = dict({"Content-Type": "application/json"} if data is not None else {}, **(headers or {}))
    try:
        with OPENER.open(urllib.request.Request(url, data=data, method=method, headers=wanted), timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())


class Api:
    """A controller at BASE, as one user (token) or anonymously."""

    def __init__(self, base, token=None):
        self.base, self.token = base, token

    def call(self, method, path, body=None, headers=None):
        wanted = dict(headers or {})
        if self.token:
            wanted["Authorization"] = "token " + self.token
        return request(self.base + path, method, body, wanted)

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.call("POST", path, {} if body is None else body, **kwargs)

    def delete(self, path, **kwargs):
        return self.call("DELETE", path, **kwargs)

    def register(self, username, password="s3cret pass", **extra):
        return self.post("/v1/auth/register", dict({"username": username, "password": password, "email": username + "@example.test"}, **extra))

    def login(self, username, password="s3cret pass"):
        answer = self.post("/v1/auth/login/", {"username": username, "password": password})
        assert answer.status == 200, answer
        return Api(self.base, answer.data["token"])

    def user(self, username, password="s3cret pass"):
        """Register USERNAME and log in."""
        assert self.register(username, password).status == 201
        return self.login(username, password)


@contextlib.contextmanager
def serving(server):
    """Run an http.server in a thread for the block."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def free_port_block(count):
    """The first of COUNT consecutive free loopback ports, below Linux's ephemeral range (32768-60999): a port in
    that range can be taken by an outgoing connection between this check and the server's start."""
    for base in random.sample(range(21000, 32000, 10), 200):
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no %d consecutive free ports" % count)
