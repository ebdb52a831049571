"""The new cluster's router on a loopback port: routes by Host header, `<app>.<domain>` or a custom
domain attached to the app, reading the new controller's state file; it answers 200 with
`app=<id> release=v<N>` for a known app and nginx's 404 page for anything else.

Run by the sandbox as `sandbox _router --port P --controller-state FILE --domain D`."""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOT_FOUND_PAGE = ("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body bgcolor=\"white\">\r\n"
                  "<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


class Routes:
    """Host name -> (app, release version), rebuilt whenever the controller's state file changes."""

    def __init__(self, state_file, domain):
        self.state_file, self.domain = state_file, domain.lower()
        self.lock = threading.Lock()
        self.seen, self.table = None, {}

    def load(self):
        try:
            status = os.stat(self.state_file)
            key = (status.st_ino, status.st_mtime_ns, status.st_size)
        except FileNotFoundError:
            return {}
        with self.lock:
            if key != self.seen:
                with open(self.state_file, encoding="utf-8") as handle:
                    apps = json.load(handle)["apps"]
                table = {}
                for app_id, entry in apps.items():
                    target = (app_id, entry["releases"][-1]["version"])
                    table["%s.%s" % (app_id, self.domain)] = target
                    for domain in entry["domains"]:
                        table[domain["domain"].lower()] = target
                self.seen, self.table = key, table
            return self.table

    def lookup(self, host):
        """The (app, version) HOST (a Host header: name[:port]) routes to, or None."""
        return self.load().get((host or "").split(":", 1)[0].lower().rstrip("."))


class RouterHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"

    def do_GET(self):  # noqa: N802 (http.server's name)
        target = self.server.routes.lookup(self.headers.get("Host"))
        if target is None:
            status, content_type, body = 404, "text/html", NOT_FOUND_PAGE
        else:
            status, content_type, body = 200, "text/plain; charset=utf-8", "app=%s release=v%d\n" % target
        payload = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_HEAD = do_POST = do_GET


class RouterServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, state_file, domain):
        self.routes = Routes(state_file, domain)
        super().__init__(("127.0.0.1", port), RouterHandler)


def main(argv):
    top = argparse.ArgumentParser(prog="sandbox _router", description="The new cluster's router on a loopback port.")
    top.add_argument("--port", type=int, required=True)
    top.add_argument("--controller-state", required=True, help="the new controller's state.json")
    top.add_argument("--domain", required=True, help="the new cluster's platform domain")
    args = top.parse_args(argv)
    server = RouterServer(args.port, args.controller_state, args.domain)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
