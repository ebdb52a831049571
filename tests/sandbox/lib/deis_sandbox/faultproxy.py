"""An HTTP proxy in front of a controller that injects faults, and nothing else.

    python3 faultproxy.py --listen 7110 --target 7100 --knobs FILE [--log FILE] [--nginx 1.10.1]
                          [--gate-etcd URL --gate-units REGEX]

Requests and answers pass unchanged (status, reason, headers as written — DEIS_API_VERSION,
DEIS_PLATFORM_VERSION, Location of a redirect — and body), except hop-by-hop headers and the
framing: answers are sent with Content-Length.  The knobs, a JSON file re-read when it changes:

    {"fail_before": {"fraction": 0.05, "status": 503, "method": "POST", "path": "^/v1/apps"},
     "fail_after":  {"fraction": 0.05, "status": 502},
     "slow": [{"method": "POST", "path": "^/v1/apps/[^/]+/builds/?$", "seconds": 65, "times": 1}],
     "seed": 7}

* fail_before: that fraction of matching requests is answered with STATUS without reaching the
  controller (nothing changed there).
* fail_after: that fraction is forwarded, the controller's answer dropped, and the client gets
  STATUS — the controller did the work (the dangerous case for a POST).
* slow: matching requests get their answer SECONDS late (after the controller answered); "times"
  limits how many requests a rule slows (all when absent).  Counts restart when the file changes.
  A slowed request is neither refused nor failed; a refused one does not count as slowed.
`method` and `path` (a regex searched in the path with its query) narrow a rule; absent, it
matches everything.  Error bodies are the built-in pages of the nginx in front of a Deis v1
controller, the cluster's router (--nginx, its version: NGINX_VERSIONS); its nginx.conf leaves
server_tokens on (v1.7.3 and v1.12.3 do not set it, v1.13.4 router/rootfs/etc/confd/templates/
nginx.conf:16 defaults it to on), so the page ends `<center>nginx/1.9.6</center>`.
Every request is logged to --log as one JSON line when it is answered: time, method, path, status,
injected fault (fail_before, fail_after, slow or null) and the seconds it took.

With --gate-etcd the proxy stands for a controller of a Deis platform that runs on the sandbox's
nodes: its port is open until fleet has reported one of the units named by --gate-units running,
and from then on only while one of them runs (the unit state keys /_coreos.com/fleet/state/<unit>
that the nodes' fleet agent writes, node/rootfs/usr/lib/deis-sandbox/lib/simlib/fleetagent.py:
fleet's state namespace, coreos/fleet v0.11.5 registry/unit_state.go:31).  A stopped platform's
controller takes no connection at all.
"""
import argparse
import http.client
import http.server
import json
import os
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.request

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length"}
REASONS = {404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out"}
# The nginx each Deis router builds: v1.7.3 router/build.sh:13, v1.12.3 and v1.13.4 router/rootfs/bin/build:5.
NGINX_VERSIONS = {"v1.7.3": "1.9.0", "v1.12.3": "1.9.6", "v1.13.4": "1.10.1"}
DEFAULT_NGINX = "1.9.6"
FLEET_STATE = "/v2/keys/_coreos.com/fleet/state"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FORWARD_TIMEOUT = 1300  # longer than the controller's gunicorn timeout (1200 s, templates/gconf.py)


def nginx_page(status, nginx=DEFAULT_NGINX):
    """nginx's built-in error page with server_tokens on (nginx 1.9/1.10 src/http/ngx_http_special_response.c)."""
    title = "%d %s" % (status, REASONS.get(status, "Error"))
    return ("<html>\r\n<head><title>%s</title></head>\r\n<body bgcolor=\"white\">\r\n<center><h1>%s</h1></center>\r\n"
            "<hr><center>nginx/%s</center>\r\n</body>\r\n</html>\r\n" % (title, title, nginx)).encode()


def nginx_headers(nginx=DEFAULT_NGINX):
    return [("Server", "nginx/" + nginx), ("Content-Type", "text/html")]


class Knobs:
    """The knobs file, re-read when its modification time changes; draws and slow counts."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.stamp = None
        self.values = {}
        self.random = random.Random()
        self.slowed = {}

    def current(self):
        try:
            info = os.stat(self.path)
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self.stamp:
            values = {}
            if stamp is not None:
                with open(self.path) as handle:
                    values = json.load(handle)
            self.stamp, self.values, self.slowed = stamp, values, {}
            self.random = random.Random(values.get("seed"))
        return self.values

    def decide(self, method, path):
        """(fault or None, status, extra seconds) for one request: refused before forwarding, else slowed (a slowed
        request is answered as the controller answered it, and counts against its rule's "times"), else maybe
        failed after forwarding."""
        with self.lock:
            values = self.current()
            if self.draw(values.get("fail_before"), method, path):
                return "fail_before", values["fail_before"].get("status", 503), 0
            delay = 0
            for index, rule in enumerate(values.get("slow") or []):
                if matches(rule, method, path) and self.slowed.get(index, 0) < rule.get("times", float("inf")):
                    self.slowed[index] = self.slowed.get(index, 0) + 1
                    delay += rule.get("seconds", 0)
            if delay:
                return "slow", None, delay
            if self.draw(values.get("fail_after"), method, path):
                return "fail_after", values["fail_after"].get("status", 502), 0
            return None, None, 0

    def draw(self, rule, method, path):
        return bool(rule) and matches(rule, method, path) and self.random.random() < rule.get("fraction", 0)


def matches(rule, method, path):
    if rule.get("method") and rule["method"].upper() != method:
        return False
    return not rule.get("path") or re.search(rule["path"], path) is not None


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    target = None
    knobs = None
    log_path = None
    nginx = DEFAULT_NGINX
    log_lock = threading.Lock()

    def nginx_answer(self, status):
        return status, REASONS.get(status, "Error"), nginx_headers(self.nginx), nginx_page(status, self.nginx)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                chunk = self.rfile.read(size)
                self.rfile.readline()
                if not size:
                    return b"".join(chunks)
                chunks.append(chunk)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else None

    def handle_any(self):
        started = time.time()
        body = self.read_body()
        fault, status, delay = self.knobs.decide(self.command, self.path)
        if fault == "fail_before":
            self.answer_and_record(self.nginx_answer(status), fault, started)
            return
        headers = [(name, value) for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP]
        if body is not None:
            headers.append(("Content-Length", str(len(body))))
        try:
            upstream = http.client.HTTPConnection("127.0.0.1", self.target, timeout=FORWARD_TIMEOUT)
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                upstream.putheader(name, value)
            upstream.endheaders(body)
            response = upstream.getresponse()
            kept = HOP_BY_HOP - {"content-length"} if self.command == "HEAD" or response.status in (204, 304) else HOP_BY_HOP
            answer = (response.status, response.reason,
                      [(n, v) for n, v in response.getheaders() if n.lower() not in kept], response.read())
            upstream.close()
        except OSError:
            answer = self.nginx_answer(502)
        if delay:
            time.sleep(delay)
        if fault == "fail_after":
            answer = self.nginx_answer(status)
        self.answer_and_record(answer, fault, started)

    def answer_and_record(self, answer, fault, started):
        """Answer (the client may have given up waiting: then nobody reads it) and log the request."""
        try:
            self.answer(*answer)
        except OSError:
            self.close_connection = True
        finally:
            self.record(answer[0], fault, started)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = handle_any

    def answer(self, status, reason, headers, body):
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        if not any(name.lower() == "content-length" for name, _value in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def record(self, status, fault, started):
        if not self.log_path:
            return
        line = json.dumps({"time": time.time(), "method": self.command, "path": self.path, "status": status,
                           "fault": fault, "seconds": round(time.time() - started, 3)})
        with self.log_lock, open(self.log_path, "a") as handle:
            handle.write(line + "\n")

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the JSON log above is the record."""


class PlatformGate:
    """Whether the platform units named by a regex run, from fleet's unit state keys in etcd (see --gate-etcd)."""

    UNKNOWN = "unknown"

    def __init__(self, etcd_endpoint, units):
        self.url = etcd_endpoint.rstrip("/") + FLEET_STATE
        self.units = re.compile(units)
        self.seen_running = False
        self.last = True

    def units_running(self):
        """True / False whether a matching unit runs, None when fleet has no such unit, UNKNOWN when etcd does not
        answer.  A state value is fleet's JSON (loadState, activeState, subState, machineState, unitHash)."""
        try:
            with NO_PROXY.open(self.url, timeout=2) as answer:
                listing = json.loads(answer.read())["node"].get("nodes") or []
        except urllib.error.HTTPError as error:
            return None if error.code == 404 else self.UNKNOWN
        except (OSError, ValueError, KeyError):
            return self.UNKNOWN
        states = []
        for node in listing:
            if self.units.fullmatch(node["key"].rsplit("/", 1)[-1]):
                try:
                    states.append(json.loads(node.get("value") or "{}"))
                except ValueError:
                    states.append({})
        if not states:
            return None
        return any(state.get("activeState") == "active" and state.get("subState") == "running" for state in states)

    def is_open(self):
        """Open until a unit has run; then open only while one runs.  Unchanged while etcd does not answer."""
        running = self.units_running()
        if running != self.UNKNOWN:
            self.seen_running = self.seen_running or running is True
            self.last = running is True or not self.seen_running
        return self.last


def make_server(listen, handler):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", listen), handler)
    server.daemon_threads = True
    return server


def serve(listen, target, knobs_path, log_path=None, nginx=DEFAULT_NGINX, gate=None, poll=0.5):
    """Serve until killed; with GATE (a PlatformGate) the listening socket exists only while the gate is open."""
    handler = type("Handler", (ProxyHandler,), {"target": target, "knobs": Knobs(knobs_path), "log_path": log_path,
                                                "nginx": nginx})
    if gate is None:
        make_server(listen, handler).serve_forever()
        return
    while True:
        while not gate.is_open():
            time.sleep(poll)
        server = make_server(listen, handler)
        serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        serving.start()
        while gate.is_open():
            time.sleep(poll)
        server.shutdown()
        server.server_close()
        serving.join()


def read_log(log_path):
    try:
        with open(log_path) as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def write_knobs(knobs_path, values):
    """Replace the knobs atomically (the proxy sees either the old or the new file)."""
    tmp = knobs_path + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(values, handle)
    os.replace(tmp, knobs_path)


def knobs_path(folder):
    return os.path.join(folder, "knobs.json")


def start(listen, target, folder, nginx=DEFAULT_NGINX, gate_etcd=None, gate_units=None):
    """Run the proxy in the background (its PID in FOLDER/proxy.pid), knobs FOLDER/knobs.json (empty
    at first), log FOLDER/proxy.jsonl; returns the knobs path once the proxy accepts connections
    (with a gate: once it runs, as the gate may keep the port closed)."""
    import socket
    from deis_sandbox.run import read_pid, start_background, wait_until
    os.makedirs(folder, exist_ok=True)
    knobs = knobs_path(folder)
    write_knobs(knobs, {})
    gate = ["--gate-etcd", gate_etcd, "--gate-units", gate_units] if gate_etcd else []
    start_background([sys.executable, os.path.abspath(__file__), "--listen", str(listen), "--target", str(target),
                      "--knobs", knobs, "--log", os.path.join(folder, "proxy.jsonl"), "--nginx", nginx] + gate,
                     os.path.join(folder, "proxy.out"), os.path.join(folder, "proxy.pid"))
    if gate_etcd:
        wait_until(lambda: read_pid(os.path.join(folder, "proxy.pid")), 5, interval=0.1, what="the gated proxy")
        return knobs

    def accepting():
        try:
            socket.create_connection(("127.0.0.1", listen), timeout=1).close()
            return True
        except OSError:
            return False
    wait_until(accepting, 10, interval=0.1, what="fault proxy on 127.0.0.1:%d" % listen)
    return knobs


def stop(folder):
    from deis_sandbox.run import stop_pid
    return stop_pid(os.path.join(folder, "proxy.pid"))


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--target", type=int, required=True)
    parser.add_argument("--knobs", required=True)
    parser.add_argument("--log")
    parser.add_argument("--nginx", default=DEFAULT_NGINX, help="version of the router's nginx, shown on error pages")
    parser.add_argument("--gate-etcd", metavar="URL", help="serve only while fleet (in this etcd) runs a --gate-units unit")
    parser.add_argument("--gate-units", metavar="REGEX", help="fleet unit names of the gate, e.g. deis-controller\\.service")
    options = parser.parse_args(argv)
    if options.gate_etcd and not options.gate_units:
        parser.error("--gate-etcd needs --gate-units")
    gate = PlatformGate(options.gate_etcd, options.gate_units) if options.gate_etcd else None
    serve(options.listen, options.target, options.knobs, options.log, options.nginx, gate)


if __name__ == "__main__":
    main(sys.argv[1:])
