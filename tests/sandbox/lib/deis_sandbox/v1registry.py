"""A minimal client of the Docker registry v1 protocol, as the registry of every Deis v1 cluster
serves it (deis/docker-registry branch deis-v1-lts, the code in shared/upstream/).

Used on the host (Python 3) to seed the old cluster's registry, and inside the controller image
(Python 2.7) by the publish recorder, so it keeps to what both interpreters share.

Protocol facts, all from deis/docker-registry deis-v1-lts (c37b9dd):
* `PUT /v1/images/<id>/json` stores the body as sent (docker_registry/images.py:331-376) and marks
  the image incomplete; `PUT /v1/images/<id>/layer` stores the layer and computes
  `sha256:` + sha256(json + "\\n" + layer) (images.py:195-227, lib/checksums.py:76-80);
  `PUT /v1/images/<id>/checksum` with that value in `X-Docker-Checksum-Payload` completes it
  (images.py:230-257).  Incomplete images answer 400 to GET (images.py:32-39).
* `PUT /v1/repositories/<repo>/tags/<tag>` with the JSON string of an image id
  (tags.py:186-219); `GET /v1/repositories/<repo>/tags/<tag>` answers that string, or 404
  `{"error": "Tag not found"}` (tags.py:105-119).
* `PUT /v1/repositories/<repo>/` with the image list and `PUT .../images` afterwards are the
  index calls of a push (index.py:83-101); `GET .../images` is what a docker daemon asks first
  on a v1 pull, 404 when the repository was never pushed (index.py:104-116).
* A repository without a namespace is stored as `library/<repo>` (toolkit.py:296-307).
"""
import hashlib
import io
import json
import tarfile
import threading
import time

try:
    import http.client as httplib
except ImportError:  # Python 2.7 inside the controller image
    import httplib

DOCKER_USER_AGENT = "docker/1.9.1 go/go1.4.3 git-commit/a34a1d5 kernel/4.3.3 os/linux arch/amd64"


class RegistryError(Exception):
    """An answer the protocol does not allow at that step (or no answer at all)."""

    def __init__(self, message, status=None, body=b""):
        Exception.__init__(self, message)
        self.status = status
        self.body = body


def _bytes(text):
    return text if isinstance(text, bytes) else text.encode("utf-8")


class V1Registry(object):
    """One v1 registry at host:port over plain http."""

    def __init__(self, endpoint, timeout=30):
        self.endpoint = endpoint
        self.timeout = timeout

    def request(self, method, path, body=None, headers=None):
        """(status, headers with lower-case names, body bytes); raises RegistryError when unreachable."""
        host, port = self.endpoint.split(":", 1) if ":" in self.endpoint else (self.endpoint, "80")
        connection = httplib.HTTPConnection(host, int(port), timeout=self.timeout)
        sent = {"User-Agent": DOCKER_USER_AGENT}
        sent.update(headers or {})
        try:
            connection.request(method, path, body, sent)
            response = connection.getresponse()
            return response.status, dict((k.lower(), v) for k, v in response.getheaders()), response.read()
        except (OSError, IOError, httplib.HTTPException) as error:
            raise RegistryError("%s http://%s%s: %s" % (method, self.endpoint, path, error))
        finally:
            connection.close()

    def _expect(self, status_wanted, method, path, body=None, headers=None):
        status, _headers, answer = self.request(method, path, body, headers)
        if status != status_wanted:
            raise RegistryError("%s http://%s%s answered %d: %s" % (method, self.endpoint, path, status,
                                                                    answer[:200].decode("utf-8", "replace")),
                                status, answer)
        return answer

    # reading

    def ping(self):
        return self.request("GET", "/v1/_ping")[0]

    def tag(self, repository, tag):
        """The image id the tag points at, or None (404)."""
        status, _headers, body = self.request("GET", "/v1/repositories/%s/tags/%s" % (repository, tag))
        if status == 404:
            return None
        if status != 200:
            raise RegistryError("GET tag %s:%s answered %d" % (repository, tag, status), status, body)
        return json.loads(body.decode("utf-8"))

    def tags(self, repository):
        """{tag: image id} of a repository, or None (404)."""
        status, _headers, body = self.request("GET", "/v1/repositories/%s/tags" % repository)
        if status == 404:
            return None
        if status != 200:
            raise RegistryError("GET tags of %s answered %d" % (repository, status), status, body)
        return json.loads(body.decode("utf-8"))

    def repository_images(self, repository):
        """The index image list of a repository, or None (404: never pushed)."""
        status, _headers, body = self.request("GET", "/v1/repositories/%s/images" % repository)
        if status == 404:
            return None
        if status != 200:
            raise RegistryError("GET images of %s answered %d" % (repository, status), status, body)
        return json.loads(body.decode("utf-8"))

    def has_image(self, image_id):
        return self.request("GET", "/v1/images/%s/json" % image_id)[0] == 200

    def image_json(self, image_id):
        """The image JSON exactly as stored (the checksum covers these bytes)."""
        return self._expect(200, "GET", "/v1/images/%s/json" % image_id)

    def ancestry(self, image_id):
        """The image and its parents, the image first."""
        return json.loads(self._expect(200, "GET", "/v1/images/%s/ancestry" % image_id).decode("utf-8"))

    def layer(self, image_id):
        return self._expect(200, "GET", "/v1/images/%s/layer" % image_id)

    # writing

    def put_image(self, image_id, json_bytes, layer_bytes):
        """json, layer, then the checksum the registry computed over both.  A 409 means another push completed the
        image meanwhile (images.py:210-211, 244-246, 357-358: 'Image already exists' once its mark is gone); docker
        1.x then skips the image, and so does this, once the image reads back complete."""
        try:
            self._expect(200, "PUT", "/v1/images/%s/json" % image_id, json_bytes, {"Content-Type": "application/json"})
            self._expect(200, "PUT", "/v1/images/%s/layer" % image_id, layer_bytes,
                         {"Content-Type": "application/octet-stream"})
            self._expect(200, "PUT", "/v1/images/%s/checksum" % image_id, None,
                         {"X-Docker-Checksum-Payload": checksum(json_bytes, layer_bytes)})
        except RegistryError as error:
            if error.status != 409 or not self.has_image(image_id):
                raise

    def put_tag(self, repository, tag, image_id):
        self._expect(200, "PUT", "/v1/repositories/%s/tags/%s" % (repository, tag), _bytes(json.dumps(image_id)),
                     {"Content-Type": "application/json"})

    def push(self, repository, tag, images):
        """Push IMAGES ([(id, json bytes, layer bytes)], base first) and tag the last one, in the order
        of a docker 1.x push: repository image list, missing images, tag, image list with checksums."""
        listing = [{"id": image_id} for image_id, _json, _layer in images]
        self._expect(200, "PUT", "/v1/repositories/%s/" % repository, _bytes(json.dumps(listing)),
                     {"Content-Type": "application/json"})
        for image_id, json_bytes, layer_bytes in images:
            # Builds of one process share base layers: one upload per layer at a time (an image being uploaded
            # reads as missing, 400, until its checksum is in).
            with _upload_lock(image_id):
                if not self.has_image(image_id):
                    self.put_image(image_id, json_bytes, layer_bytes)
        self.put_tag(repository, tag, images[-1][0])
        checksums = [{"id": image_id, "checksum": checksum(json_bytes, layer_bytes)}
                     for image_id, json_bytes, layer_bytes in images]
        self._expect(204, "PUT", "/v1/repositories/%s/images" % repository, _bytes(json.dumps(checksums)),
                     {"Content-Type": "application/json"})


_UPLOAD_LOCKS = {}
_UPLOAD_LOCKS_GUARD = threading.Lock()


def _upload_lock(image_id):
    with _UPLOAD_LOCKS_GUARD:
        return _UPLOAD_LOCKS.setdefault(image_id, threading.Lock())


def checksum(json_bytes, layer_bytes):
    """The simple checksum of deis-v1-lts lib/checksums.py:76-80: sha256 over json, newline, layer."""
    digest = hashlib.sha256(json_bytes + b"\n")
    digest.update(layer_bytes)
    return "sha256:" + digest.hexdigest()


def pull(source, image_id):
    """IMAGE_ID and its parents from the V1Registry SOURCE as [(id, json bytes, layer bytes)], base first,
    ready for push() to another registry (the bytes stay as stored, so the checksums hold)."""
    return [(ancestor, source.image_json(ancestor), source.layer(ancestor))
            for ancestor in reversed(source.ancestry(image_id))]


def layer_tar(files):
    """A layer: a tar of FILES ({path: bytes}), with fixed times so equal content gives equal bytes."""
    buffer = io.BytesIO()
    archive = tarfile.open(fileobj=buffer, mode="w")
    for path in sorted(files):
        content = _bytes(files[path])
        info = tarfile.TarInfo(path)
        info.size, info.mode, info.mtime = len(content), 0o644, 0
        archive.addfile(info, io.BytesIO(content))
    archive.close()
    return buffer.getvalue()


def image_json(image_id, parent, env, cmd=None, created=None):
    """Image JSON as docker 1.x writes it (the fields a v1 pull reads: id, parent, config)."""
    data = {"id": image_id, "created": created or time.strftime("%Y-%m-%dT%H:%M:%S.000000000Z", time.gmtime()),
            "container_config": {"Env": list(env), "Cmd": cmd}, "config": {"Env": list(env), "Cmd": cmd},
            "architecture": "amd64", "os": "linux", "Size": 0}
    if parent:
        data["parent"] = parent
    return _bytes(json.dumps(data, sort_keys=True))


def content_id(*parts):
    """A 64-hex image id made from content (the registry takes 16 or 64 hex digits, toolkit.py:29-39)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(_bytes(part))
        digest.update(b"\0")
    return digest.hexdigest()


def make_image(repository, tag, files, env=(), cmd=None):
    """One image of one layer holding FILES: [(id, json bytes, layer bytes)] ready for push()."""
    layer = layer_tar(files)
    image_id = content_id(repository, tag, layer, json.dumps([list(env), cmd]))
    return [(image_id, image_json(image_id, None, env, cmd, created="2016-01-01T00:00:00.000000000Z"), layer)]


def registry_of(name):
    """The registry host:port of a repository name by docker's rule (first part with '.' or ':' or
    'localhost'), and the remote name; (None, name) for a Docker Hub name."""
    first, rest = name.split("/", 1) if "/" in name else (name, "")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first, rest
    return None, name
