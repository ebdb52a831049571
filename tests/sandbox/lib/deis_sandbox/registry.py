"""The old cluster's image registry: Debian's docker-registry 2.8 on a loopback port, holding a
tiny real image (busybox-static in an empty rootfs, `docker import`, pushed once with the docker
engine) and one tag per app release, `<app>:v<N>`, added through the registry's HTTP API: a
per-tag image config (so every app/release has its own digest) over the shared busybox layer."""
import concurrent.futures
import hashlib
import io
import json
import os
import tarfile
import urllib.error
import urllib.parse
import urllib.request

from deis_sandbox.run import SandboxError, read_pid, run, start_background, stop_pid, wait_until

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"
IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json"
BASE_REPOSITORY = "sandbox/busybox"
BASE_TAG = "base"
BUSYBOX = "/bin/busybox"
APP_COMMAND = '["/bin/busybox", "httpd", "-f", "-p", "5000", "-h", "/"]'
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method, url, body=None, headers=None, timeout=30):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def write_config(folder, port):
    os.makedirs(os.path.join(folder, "data"), exist_ok=True)
    path = os.path.join(folder, "config.yml")
    with open(path, "w") as handle:
        handle.write("version: 0.1\nlog:\n  level: warn\n  accesslog:\n    disabled: true\n"
                     "storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n"
                     "http:\n  addr: 127.0.0.1:%d\n  secret: deis-sandbox-registry\n" % (os.path.join(folder, "data"), port))
    return path


def healthy(endpoint):
    try:
        return http("GET", "http://%s/v2/" % endpoint, timeout=2)[0] == 200
    except OSError:
        return False


def start(folder, port):
    """Start `docker-registry serve` unless it runs; storage stays in FOLDER/data across restarts."""
    if read_pid(os.path.join(folder, "registry.pid")):
        return False
    config = write_config(folder, port)
    start_background(["docker-registry", "serve", config], os.path.join(folder, "registry.log"), os.path.join(folder, "registry.pid"))
    wait_until(lambda: healthy("127.0.0.1:%d" % port), 30, what="docker-registry on 127.0.0.1:%d" % port)
    return True


def stop(folder):
    return stop_pid(os.path.join(folder, "registry.pid"))


def pid(folder):
    return read_pid(os.path.join(folder, "registry.pid"))


def rootfs_tar():
    """An empty rootfs with busybox-static as /bin/busybox and /bin/sh."""
    with open(BUSYBOX, "rb") as handle:
        busybox = handle.read()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for folder in ("bin", "tmp"):
            info = tarfile.TarInfo(folder)
            info.type, info.mode = tarfile.DIRTYPE, 0o1777 if folder == "tmp" else 0o755
            tar.addfile(info)
        info = tarfile.TarInfo("bin/busybox")
        info.size, info.mode = len(busybox), 0o755
        tar.addfile(info, io.BytesIO(busybox))
        link = tarfile.TarInfo("bin/sh")
        link.type, link.linkname = tarfile.SYMTYPE, "busybox"
        tar.addfile(link)
    return buffer.getvalue(), hashlib.sha256(busybox + APP_COMMAND.encode()).hexdigest()[:12]


def app_image():
    """The tiny app image in the local docker engine, imported once (its tag names its content)."""
    tar, digest = rootfs_tar()
    tag = "deis-sandbox/app:" + digest
    if run(["docker", "image", "inspect", tag], check=False).returncode != 0:
        run(["docker", "import", "-c", "CMD " + APP_COMMAND, "-", tag], input_bytes=tar)
    return tag


def push_base(endpoint, image):
    """Push the app image once as sandbox/busybox:base (the local registry tag is dropped again)."""
    target = "%s/%s:%s" % (endpoint, BASE_REPOSITORY, BASE_TAG)
    run(["docker", "tag", image, target])
    try:
        run(["docker", "push", target])
    finally:
        run(["docker", "rmi", target], check=False)


def manifest(endpoint, repository, tag):
    """(status, manifest or None) of a tag, asked with the manifest v2 Accept header."""
    status, _headers, body = http("GET", "http://%s/v2/%s/manifests/%s" % (endpoint, repository, tag), headers={"Accept": MANIFEST_V2})
    return status, json.loads(body) if status == 200 else None


def base_image(endpoint):
    """The pushed base image's manifest and image config."""
    status, base = manifest(endpoint, BASE_REPOSITORY, BASE_TAG)
    if status != 200 or base.get("mediaType") != MANIFEST_V2:
        raise SandboxError("the registry has no v2 manifest for %s:%s (status %d)" % (BASE_REPOSITORY, BASE_TAG, status))
    status, _headers, body = http("GET", "http://%s/v2/%s/blobs/%s" % (endpoint, BASE_REPOSITORY, base["config"]["digest"]))
    if status != 200:
        raise SandboxError("the registry lost the base image config (status %d)" % status)
    return base, json.loads(body)


def mount_layers(endpoint, repository, base):
    for layer in base["layers"]:
        query = urllib.parse.urlencode({"mount": layer["digest"], "from": BASE_REPOSITORY})
        status = http("POST", "http://%s/v2/%s/blobs/uploads/?%s" % (endpoint, repository, query))[0]
        if status != 201:
            raise SandboxError("mounting the base layer into %s failed (status %d)" % (repository, status))


def upload_blob(endpoint, repository, blob):
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    status, headers, _body = http("POST", "http://%s/v2/%s/blobs/uploads/" % (endpoint, repository))
    if status != 202:
        raise SandboxError("starting a blob upload to %s failed (status %d)" % (repository, status))
    location = urllib.parse.urljoin("http://%s/" % endpoint, headers["Location"])
    separator = "&" if "?" in location else "?"
    status = http("PUT", location + separator + urllib.parse.urlencode({"digest": digest}), blob,
                  {"Content-Type": "application/octet-stream"})[0]
    if status != 201:
        raise SandboxError("uploading a blob to %s failed (status %d)" % (repository, status))
    return digest


def put_tag(endpoint, repository, tag, base, base_config, env, created):
    """Tag repository:tag as the base image with ENV (as a Deis release image carries DEIS_APP, DEIS_RELEASE and the config)."""
    config = json.loads(json.dumps(base_config))
    config["created"] = created
    config["config"]["Env"] = (config["config"].get("Env") or []) + env
    blob = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    digest = upload_blob(endpoint, repository, blob)
    image_manifest = dict(base, config={"mediaType": IMAGE_CONFIG, "size": len(blob), "digest": digest})
    status = http("PUT", "http://%s/v2/%s/manifests/%s" % (endpoint, repository, tag), json.dumps(image_manifest).encode(),
                  {"Content-Type": MANIFEST_V2})[0]
    if status != 201:
        raise SandboxError("putting the manifest of %s:%s failed (status %d)" % (repository, tag, status))


def seed_tags(endpoint, tags, workers=8):
    """Add every (repository, tag, env, created) of TAGS, one repository per worker at a time."""
    base, base_config = base_image(endpoint)
    by_repository = {}
    for repository, tag, env, created in tags:
        by_repository.setdefault(repository, []).append((tag, env, created))

    def seed_repository(repository):
        mount_layers(endpoint, repository, base)
        for tag, env, created in by_repository[repository]:
            put_tag(endpoint, repository, tag, base, base_config, env, created)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(seed_repository, repository) for repository in by_repository]:
            future.result()
    return len(tags)
