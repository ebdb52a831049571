"""`sandbox fault etcd-v04`: an etcd that answers like etcd 0.4 (Deis v1.7-v1.8 user-data run CoreOS's etcd 0.4).

Three loopback ports (DEIS_SANDBOX_ETCD04_PORT, default 4101-4103) play a three-member etcd 0.4.9 cluster in front
of the sandbox's real etcd: the key space (/v2/keys) is the real etcd's, forwarded as it is; the cluster routes
answer as etcd 0.4.9 does (deisctl-upstream-facts.md section 7, routes v0.4.9 server/server.go:125-139):
  /v2/members       404 text/plain `404 page not found\\n` (not a 0.4 route)
  /v2/machines      200 text/plain, the client URLs joined by ", ", the leader first, no newline (server.go:308-313)
  /v2/stats/self    200 JSON {"name", "state": leader|follower, "leaderInfo": {"leader", ...}, ...}
  /v2/stats/leader  200 JSON on the leader, 403 `not current leader` elsewhere (server.go:323-333)
  /v2/leader        the leader's peer URL; /version `etcd 0.4.9`; /health 404.
Nothing on the nodes changes: a tool pointed at one of these endpoints (etcdctl --endpoints, deisctl --endpoint,
curl) gets these answers from the network, and reacts as it would to a real etcd 0.4 cluster.
"""
import argparse
import http.client
import http.server
import json
import os
import sys
import threading
import time

from deis_sandbox.paths import ETCD_CLIENT_PORTS, state_path
from deis_sandbox.run import read_pid, start_background, stop_pid, wait_until

PID = "etcd04.pid"
NAMES = ("n1", "n2", "n3")
NOT_FOUND = b"404 page not found\n"
FORWARDED = ("/v2/keys",)


def ports():
    base = int(os.environ.get("DEIS_SANDBOX_ETCD04_PORT", "4101"))
    return [base + offset for offset in range(len(NAMES))]


def endpoint():
    return "http://127.0.0.1:%d" % ports()[0]


def start(sandbox_script):
    if read_pid(state_path(PID)):
        return endpoint()
    start_background([sys.executable, sandbox_script, "_etcd04"], state_path("etcd04.log"), state_path(PID))
    wait_until(answering, 15, 0.2, what="the etcd 0.4 front on %s" % endpoint())
    return endpoint()


def stop():
    return stop_pid(state_path(PID))


def answering():
    connection = http.client.HTTPConnection("127.0.0.1", ports()[-1], timeout=1)
    try:
        connection.request("GET", "/version")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def status():
    pid = read_pid(state_path(PID))
    return {"endpoint": endpoint(), "endpoints": ["http://127.0.0.1:%d" % port for port in ports()], "pid": pid} if pid else None


class Member(http.server.BaseHTTPRequestHandler):
    """One member; `index` 0 is the leader."""

    protocol_version = "HTTP/1.1"
    index = 0
    started = time.time()

    def do_GET(self):  # noqa: N802  (http.server's naming)
        self.route()

    do_PUT = do_POST = do_DELETE = do_HEAD = do_GET

    def route(self):
        path = self.path.split("?", 1)[0]
        if path.startswith(FORWARDED):
            self.forward()
        elif self.command != "GET":
            self.answer(404, "text/plain; charset=utf-8", NOT_FOUND)
        elif path == "/v2/machines":
            urls = ", ".join("http://127.0.0.1:%d" % port for port in ports())
            self.answer(200, "text/plain; charset=utf-8", urls.encode())
        elif path == "/v2/stats/self":
            self.answer(200, "application/json", json.dumps(self.self_stats(), separators=(",", ":")).encode())
        elif path == "/v2/stats/leader":
            if self.index:
                self.answer(403, "text/plain; charset=utf-8", b"not current leader")
            else:
                followers = {name: {"latency": {"current": 0.5, "average": 0.6, "standardDeviation": 0.1, "minimum": 0.3,
                                                "maximum": 2.1}, "counts": {"fail": 0, "success": 141}} for name in NAMES[1:]}
                self.answer(200, "application/json", json.dumps({"leader": NAMES[0], "followers": followers}, separators=(",", ":")).encode())
        elif path == "/v2/leader":
            self.answer(200, "text/plain; charset=utf-8", b"http://127.0.0.1:7001")
        elif path == "/version":
            self.answer(200, "text/plain; charset=utf-8", b"etcd 0.4.9")
        else:
            self.answer(404, "text/plain; charset=utf-8", NOT_FOUND)

    def self_stats(self):
        start = time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime(self.started))
        uptime = "%.6fs" % (time.time() - self.started)
        stats = {"name": NAMES[self.index], "state": "follower" if self.index else "leader", "startTime": start,
                 "leaderInfo": {"leader": NAMES[0], "uptime": uptime, "startTime": start}}
        if self.index:
            stats.update(recvAppendRequestCnt=141, recvPkgRate=20.0, recvBandwidthRate=383.5, sendAppendRequestCnt=0)
        else:
            stats.update(recvAppendRequestCnt=0, sendAppendRequestCnt=279, sendPkgRate=40.35, sendBandwidthRate=767.12)
        return stats

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        upstream = http.client.HTTPConnection("127.0.0.1", ETCD_CLIENT_PORTS[0], timeout=330)
        try:
            headers = {name: value for name, value in self.headers.items() if name.lower() in ("content-type", "content-length")}
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            payload = response.read()
            kept = [(name, value) for name, value in response.getheaders()
                    if name.lower() in ("content-type", "x-etcd-index", "x-raft-index", "x-raft-term", "x-etcd-cluster-id")]
            self.answer(response.status, None, payload, kept)
        except OSError:
            self.answer(502, "text/plain; charset=utf-8", b"etcd is not reachable\n")
        finally:
            upstream.close()

    def answer(self, status, content_type, body, headers=()):
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):
        """Quiet."""


def main(argv):
    """`sandbox _etcd04`: serve the three members until SIGTERM."""
    argparse.ArgumentParser(prog="sandbox _etcd04").parse_args(argv)
    servers = []
    for index, port in enumerate(ports()):
        handler = type("Member%d" % index, (Member,), {"index": index})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        server.daemon_threads = True
        servers.append(server)
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()
    return 0
