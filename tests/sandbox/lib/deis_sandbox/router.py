"""The new cluster's router: what a Deis v1 router answers, with the app state read from the new
controller's own database.

The real router is nginx configured by confd from etcd (deis/deis v1.13.4
router/rootfs/etc/confd/templates/nginx.conf; v1.12.3 the same file, v1.7.3 router/image/templates/
nginx.conf).  For every app under /deis/services it writes one server per custom domain
(`server_name <domain>`, nginx.conf:207-296) and one for `~^<app>\\.(?<domain>.+)$` (:299-363), so
`<app>.<any domain>` - the new domain and the old one alike - reaches the app; an app whose
/deis/services/<app> holds no container answers `return 503` (:287-290, :354-357); a host no
server names falls to the default server, `/health-check` 200 and everything else `return 404`
(:366-381).  The controller writes /deis/services/<app> for every app it saves
(controller/api/models.py _etcd_publish_app) and /deis/domains/<domain> = app for every domain
(_etcd_publish_domains); deis-publisher adds a container's host:port only for `web` and `cmd`
containers (publisher/server/publisher.go:18 appNameRegex).  nginx matches server names without
regard to case (it lowercases the Host header, ngx_http_validate_host, and non-regex server names).

Here the same facts come from the controller's database (sqlite3, read-only): every api_app row
is an app, api_domain rows are its domains, and its api_container rows of type web or cmd are the
containers the mock scheduler started (scheduler/mock.py starts every container it creates;
App.scale and App.deploy write the rows, api/models.py).  No app container runs in the sandbox:
a running app answers as the static web server of its image would, with the files under /app of
the release image the new cluster's registry holds (`<app>:v<N>`, N the containers' release), so
every app answers with a page of its own.  Not modelled: the controller's and store gateway's
servers (deis.<domain>, deis-store.<domain>), TLS, whitelists, the firewall.

Run by the sandbox as `sandbox _router --port P --database FILE --registry HOST:PORT [--nginx V]`.
"""
import argparse
import io
import mimetypes
import posixpath
import sqlite3
import tarfile
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from deis_sandbox import v1registry
from deis_sandbox.faultproxy import DEFAULT_NGINX, REASONS, nginx_page

APP_ROOT = "app/"


class ControllerState:
    """Apps, domains and published containers from the controller's database (read-only, per request)."""

    def __init__(self, database):
        self.database = database

    def query(self, sql, parameters=()):
        try:
            connection = sqlite3.connect("file:%s?mode=ro" % urllib.parse.quote(self.database), uri=True, timeout=10)
        except sqlite3.OperationalError:
            return []
        try:
            return connection.execute(sql, parameters).fetchall()
        except sqlite3.OperationalError:
            return []  # the controller has not built its schema yet
        finally:
            connection.close()

    def route(self, host):
        """(app, release version of its web/cmd containers or None) that HOST reaches, or None (default server)."""
        for domain, app in self.query("SELECT d.domain, a.id FROM api_domain d JOIN api_app a ON d.app_id = a.uuid"):
            if domain.lower().rstrip(".") == host:
                return app, self.published_version(app)
        first_label = host.split(".", 1)[0]
        if "." in host and first_label in {row[0] for row in self.query("SELECT id FROM api_app")}:
            return first_label, self.published_version(first_label)
        return None

    def published_version(self, app):
        """The release of the app's published containers (the newest, publisher.go IsPublishableApp), or None."""
        rows = self.query("SELECT r.version FROM api_container c JOIN api_app a ON c.app_id = a.uuid "
                          "JOIN api_release r ON c.release_id = r.uuid WHERE a.id = ? AND c.type IN ('web', 'cmd')",
                          (app,))
        return max((row[0] for row in rows), default=None)


class ImageFiles:
    """The files of release images in the cluster's registry, by image id (images never change)."""

    def __init__(self, registry):
        self.registry = v1registry.V1Registry(registry, timeout=10)
        self.lock = threading.Lock()
        self.cache = {}

    def files(self, repository, tag):
        """{path: bytes} of the image REPOSITORY:TAG, later layers over earlier ones; None when the tag is missing."""
        image_id = self.registry.tag(repository, tag)
        if image_id is None:
            return None
        with self.lock:
            if image_id in self.cache:
                return self.cache[image_id]
        files = {}
        for layer_id in reversed(self.registry.ancestry(image_id)):
            with tarfile.open(fileobj=io.BytesIO(self.registry.layer(layer_id))) as layer:
                for member in layer.getmembers():
                    if member.isfile():
                        files[member.name.lstrip("./")] = layer.extractfile(member).read()
        with self.lock:
            self.cache[image_id] = files
        return files


class RouterHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "nginx/" + self.server.nginx

    def do_GET(self):  # noqa: N802 (http.server's name)
        host = (self.headers.get("Host") or "").split(":", 1)[0].lower().rstrip(".")
        path = urllib.parse.urlsplit(self.path).path
        target = self.server.state.route(host) if host else None
        if target is None:
            if path == "/health-check":
                self.reply(200, "text/plain", b"")
            else:
                self.reply_nginx(404)
            return
        app, version = target
        if version is None:
            self.reply_nginx(503)
            return
        self.reply_app(app, version, path)

    do_HEAD = do_POST = do_PUT = do_DELETE = do_GET

    def reply_app(self, app, version, path):
        """The app's answer: the file under /app of its release image (index.html for a folder)."""
        try:
            files = self.server.images.files(app, "v%d" % version)
        except (v1registry.RegistryError, tarfile.TarError):
            files = None
        if files is None:
            self.reply_nginx(502)  # nginx's answer when the upstream does not answer
            return
        name = posixpath.normpath(APP_ROOT + path.lstrip("/"))
        if path.endswith("/") or name + "/index.html" in files:
            name += "/index.html"
        if name.startswith(APP_ROOT) and name in files:
            self.reply(200, mimetypes.guess_type(name)[0] or "application/octet-stream", files[name])
        else:
            self.reply(404, "text/plain; charset=utf-8", b"404 Not Found\n")

    def reply_nginx(self, status):
        self.reply(status, "text/html", nginx_page(status, self.server.nginx), REASONS.get(status))

    def reply(self, status, content_type, body, reason=None):
        self.send_response(status, reason)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet, as the router's access log is not kept."""


class RouterServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, database, registry, nginx=DEFAULT_NGINX):
        self.state = ControllerState(database)
        self.images = ImageFiles(registry)
        self.nginx = nginx
        super().__init__(("127.0.0.1", port), RouterHandler)


def main(argv):
    top = argparse.ArgumentParser(prog="sandbox _router", description="The new cluster's router on a loopback port.")
    top.add_argument("--port", type=int, required=True)
    top.add_argument("--database", required=True, help="the new controller's controller.sqlite3")
    top.add_argument("--registry", required=True, help="the new cluster's registry, host:port")
    top.add_argument("--nginx", default=DEFAULT_NGINX, help="the router's nginx version (error pages, Server header)")
    args = top.parse_args(argv)
    server = RouterServer(args.port, args.database, args.registry, args.nginx)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
