"""An HTTP proxy in front of a controller that injects faults, and nothing else.

    python3 faultproxy.py --listen 7110 --target 7100 --knobs FILE [--log FILE]

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
`method` and `path` (a regex searched in the path with its query) narrow a rule; absent, it
matches everything.  Error bodies are the built-in pages of the nginx in front of a Deis v1
controller: the deis router builds nginx 1.9.6 (deis/deis v1.12.3 router/rootfs/bin/build:5) and
its nginx.conf leaves server_tokens on, so the page ends `<center>nginx/1.9.6</center>`.
Every request is logged to --log as one JSON line: method, path, status, injected fault.
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

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "transfer-encoding", "upgrade", "content-length"}
INJECTED_HEADERS = [("Server", "nginx/1.9.6"), ("Content-Type", "text/html")]
REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
           504: "Gateway Time-out"}
FORWARD_TIMEOUT = 1300  # longer than the controller's gunicorn timeout (1200 s, templates/gconf.py)


def nginx_page(status):
    """nginx's built-in error page (nginx 1.9 src/http/ngx_http_special_response.c)."""
    title = "%d %s" % (status, REASONS.get(status, "Error"))
    return ("<html>\r\n<head><title>%s</title></head>\r\n<body bgcolor=\"white\">\r\n<center><h1>%s</h1></center>\r\n"
            "<hr><center>nginx/1.9.6</center>\r\n</body>\r\n</html>\r\n" % (title, title)).encode()


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
        """(fault or None, status, extra seconds) for one request."""
        with self.lock:
            values = self.current()
            fault, status = None, None
            for name in ("fail_before", "fail_after"):
                rule = values.get(name)
                if rule and matches(rule, method, path) and self.random.random() < rule.get("fraction", 0):
                    fault, status = name, rule.get("status", 503 if name == "fail_before" else 502)
                    break
            delay = 0
            for index, rule in enumerate(values.get("slow") or []):
                if matches(rule, method, path) and self.slowed.get(index, 0) < rule.get("times", float("inf")):
                    self.slowed[index] = self.slowed.get(index, 0) + 1
                    delay += rule.get("seconds", 0)
            return fault, status, delay


def matches(rule, method, path):
    if rule.get("method") and rule["method"].upper() != method:
        return False
    return not rule.get("path") or re.search(rule["path"], path) is not None


class ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    target = None
    knobs = None
    log_path = None
    log_lock = threading.Lock()

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
        body = self.read_body()
        fault, status, delay = self.knobs.decide(self.command, self.path)
        if fault == "fail_before":
            self.answer(status, REASONS.get(status, "Error"), INJECTED_HEADERS, nginx_page(status))
            self.record(status, fault)
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
            answer = (502, REASONS[502], INJECTED_HEADERS, nginx_page(502))
        if delay:
            time.sleep(delay)
        if fault == "fail_after":
            answer = (status, REASONS.get(status, "Error"), INJECTED_HEADERS, nginx_page(status))
        self.answer(*answer)
        self.record(answer[0], fault or ("slow" if delay else None))

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

    def record(self, status, fault):
        if not self.log_path:
            return
        line = json.dumps({"time": time.time(), "method": self.command, "path": self.path, "status": status,
                           "fault": fault})
        with self.log_lock, open(self.log_path, "a") as handle:
            handle.write(line + "\n")

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the JSON log above is the record."""


def serve(listen, target, knobs_path, log_path=None):
    handler = type("Handler", (ProxyHandler,), {"target": target, "knobs": Knobs(knobs_path), "log_path": log_path})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", listen), handler)
    server.daemon_threads = True
    server.serve_forever()


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


def start(listen, target, folder):
    """Run the proxy in the background (its PID in FOLDER/proxy.pid), knobs FOLDER/knobs.json (empty
    at first), log FOLDER/proxy.jsonl; returns the knobs path once the proxy accepts connections."""
    import socket
    from deis_sandbox.run import start_background, wait_until
    os.makedirs(folder, exist_ok=True)
    knobs = os.path.join(folder, "knobs.json")
    write_knobs(knobs, {})
    start_background([sys.executable, os.path.abspath(__file__), "--listen", str(listen), "--target", str(target),
                      "--knobs", knobs, "--log", os.path.join(folder, "proxy.jsonl")],
                     os.path.join(folder, "proxy.out"), os.path.join(folder, "proxy.pid"))

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
    options = parser.parse_args(argv)
    serve(options.listen, options.target, options.knobs, options.log)


if __name__ == "__main__":
    main(sys.argv[1:])
