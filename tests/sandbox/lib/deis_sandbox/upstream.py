"""The real Deis v1 components of the rehearsal: the upstream controller (deis/deis controller/ at
v1.7.3, v1.12.3, v1.13.4) and the v1 docker-registry (deis/docker-registry deis-v1-lts), built from
the archives in shared/upstream/ into docker images and run as containers on 127.0.0.1 ports.

Images: a Python 2.7 base (debootstrap of Debian bullseye minbase, `docker import`), then one
image per component from the recipes in tests/sandbox/upstream/.  Every tag names a hash of what
the image is made of, so a second call builds nothing, and running needs no network.
Containers: `--network host`, state in a host folder mounted at /data, labelled so that `stop`
never removes a container it did not start.  Facts: shared/upstream/README.md.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request

from deis_sandbox.paths import HERE
from deis_sandbox.run import SandboxError, image_exists, run, wait_until

RECIPES = os.path.join(HERE, "upstream")
V1REGISTRY_MODULE = os.path.join(HERE, "lib", "deis_sandbox", "v1registry.py")
# The archives sit in the steering repository's shared/upstream/: next to the checkout (../shared) in a
# working copy, at /work/shared in a clone made elsewhere (CI); DEIS_SANDBOX_UPSTREAM names another folder.
ARCHIVE_FOLDERS = [os.path.join(os.path.dirname(os.path.dirname(HERE)), "..", "shared", "upstream"), "/work/shared/upstream"]
ARCHIVES = os.environ.get("DEIS_SANDBOX_UPSTREAM") or next(
    (folder for folder in ARCHIVE_FOLDERS if os.path.isdir(folder)), ARCHIVE_FOLDERS[0])
CONTROLLER_ARCHIVES = {"v1.7.3": "deis-v1.7.3-controller.tar.gz", "v1.12.3": "deis-v1.12.3-controller.tar.gz",
                       "v1.13.4": "deis-v1.13.4-controller.tar.gz"}
REGISTRY_ARCHIVE = "docker-registry-deis-v1-lts.tar.gz"
SUITE = "bullseye"
MIRROR = os.environ.get("DEIS_SANDBOX_MIRROR", "http://deb.debian.org/debian")
# python2.7 and what the pinned C extensions compile against (python-ldap, pycrypto, M2Crypto,
# gevent, backports.lzma; the README's facts).
BASE_PACKAGES = ["python2.7", "python2.7-dev", "gcc", "libc6-dev", "libldap2-dev", "libsasl2-dev", "libssl-dev",
                 "libffi-dev", "swig", "liblzma-dev"]
PIP_WHEEL = "pip-20.3.4-py2.py3-none-any.whl"
PIP_WHEEL_SHA256 = "217ae5161a0e08c0fb873858806e3478c9775caffce5168b50ec885e358c199d"
# requirements/main.txt pins M2Crypto 0.24.0, which does not compile against bullseye's OpenSSL
# 1.1; 0.38.0 is the newest M2Crypto for Python 2.7 and keeps the API the registry uses
# (M2Crypto.RSA / BIO in docker_registry/toolkit.py and lib/config.py).
REGISTRY_PIN_CHANGES = {"M2Crypto": "M2Crypto==0.38.0"}
LABEL = "deis-sandbox.upstream"
DEFAULT_BUILDER_KEY = "deis-sandbox-builder-key"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _digest(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def _file_digest(path):
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _tree_digest(folder):
    entries = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(n for n in names if not n.endswith(".pyc")):
            path = os.path.join(root, name)
            entries.append("%s %o %s" % (os.path.relpath(path, folder), os.stat(path).st_mode & 0o777, _file_digest(path)))
    return _digest(*entries)


def _archive(name):
    path = os.path.join(ARCHIVES, name)
    if not os.path.isfile(path):
        raise SandboxError("upstream archive %s is missing (set DEIS_SANDBOX_UPSTREAM to the folder holding it)" % path)
    return path


# tags

def base_tag():
    return "deis-sandbox/upstream-py27:" + _digest(SUITE, "minbase", ",".join(BASE_PACKAGES))


def controller_tag(version):
    if version not in CONTROLLER_ARCHIVES:
        raise SandboxError("no upstream controller %s (known: %s)" % (version, ", ".join(sorted(CONTROLLER_ARCHIVES))))
    made_of = _digest(base_tag(), PIP_WHEEL_SHA256, _file_digest(_archive(CONTROLLER_ARCHIVES[version])),
                      _tree_digest(os.path.join(RECIPES, "controller")), _file_digest(V1REGISTRY_MODULE))
    return "deis-sandbox/upstream-controller:%s-%s" % (version, made_of)


def registry_tag():
    made_of = _digest(base_tag(), PIP_WHEEL_SHA256, _file_digest(_archive(REGISTRY_ARCHIVE)),
                      _tree_digest(os.path.join(RECIPES, "registry")), json.dumps(REGISTRY_PIN_CHANGES, sort_keys=True))
    return "deis-sandbox/upstream-registry:" + made_of


# building

def ensure_base_image():
    """The Python 2.7 base (debootstrap + docker import), built when missing; its tag."""
    tag = base_tag()
    if not image_exists(tag):
        rootfs = tempfile.mkdtemp(prefix="deis-upstream-rootfs-", dir="/var/tmp")
        try:
            log("debootstrap %s minbase with python2.7 (about a minute)" % SUITE)
            run(["debootstrap", "--variant=minbase", "--include=" + ",".join(BASE_PACKAGES), SUITE, rootfs, MIRROR])
            tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
            imported = subprocess.run(["docker", "import", "-", tag], stdin=tar.stdout, capture_output=True, check=False)
            tar.stdout.close()
            if tar.wait() != 0 or imported.returncode != 0:
                raise SandboxError("docker import of the python2.7 rootfs failed: %s" % imported.stderr.decode()[-400:])
        finally:
            shutil.rmtree(rootfs, ignore_errors=True)
        _remove_older(tag)
    return tag


def ensure_controller_image(version):
    """The image of the upstream controller VERSION ("v1.12.3"), built when missing; its tag."""
    tag = controller_tag(version)
    if image_exists(tag):
        return tag
    base = ensure_base_image()
    recipe = os.path.join(RECIPES, "controller")
    with tempfile.TemporaryDirectory(prefix="deis-upstream-controller-", dir="/var/tmp") as context:
        _extract(_archive(CONTROLLER_ARCHIVES[version]), "deis-%s/controller/" % version, os.path.join(context, "app"))
        _extract_file(_archive(CONTROLLER_ARCHIVES[version]), "deis-%s/LICENSE" % version, os.path.join(context, "app", "LICENSE"))
        shutil.copy(os.path.join(recipe, "local_settings.py"), os.path.join(context, "app", "deis", "local_settings.py"))
        build = _build_folder(context, recipe, ("constraints.txt", "extra-requirements.txt"))
        with open(os.path.join(context, "app", "requirements.txt")) as handle:
            _write_requirements(handle.read(), os.path.join(build, "requirements.txt"), drop=("psycopg2",))
        sandbox = os.path.join(context, "sandbox")
        shutil.copytree(os.path.join(recipe, "sandbox_controller"), os.path.join(sandbox, "sandbox_controller"),
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copy(V1REGISTRY_MODULE, os.path.join(sandbox, "sandbox_controller", "v1registry.py"))
        shutil.copy(os.path.join(recipe, "start-controller"), os.path.join(sandbox, "start-controller"))
        shutil.copy(os.path.join(recipe, "Dockerfile"), os.path.join(context, "Dockerfile"))
        _docker_build(tag, base, context, "upstream controller %s" % version)
    return tag


def ensure_registry_image():
    """The image of the deis-v1-lts docker-registry, built when missing; its tag."""
    tag = registry_tag()
    if image_exists(tag):
        return tag
    base = ensure_base_image()
    recipe = os.path.join(RECIPES, "registry")
    with tempfile.TemporaryDirectory(prefix="deis-upstream-registry-", dir="/var/tmp") as context:
        source = os.path.join(context, "docker-registry")
        _extract(_archive(REGISTRY_ARCHIVE), "docker-registry-deis-v1-lts/", source)
        build = _build_folder(context, recipe, ("constraints.txt",))
        requirements = []
        for path in ("requirements/main.txt", "depends/docker-registry-core/requirements/main.txt"):
            with open(os.path.join(source, path)) as handle:
                requirements.append(handle.read())
        # setup.py adds backports.lzma for Python 2 (setup.py:24-25); setuptools stays at the base pin.
        requirements.append("backports.lzma==0.0.3\n")
        _write_requirements("".join(requirements), os.path.join(build, "requirements.txt"), drop=("setuptools",),
                            replace=REGISTRY_PIN_CHANGES)
        shutil.copy(os.path.join(recipe, "start-registry"), os.path.join(context, "start-registry"))
        shutil.copy(os.path.join(recipe, "Dockerfile"), os.path.join(context, "Dockerfile"))
        _docker_build(tag, base, context, "upstream docker-registry deis-v1-lts")
    return tag


def _extract(archive, folder, destination):
    """The files of ARCHIVE under FOLDER ("deis-v1.12.3/controller/"), unmodified, to DESTINATION."""
    with tarfile.open(archive) as tar:
        members = [member for member in tar.getmembers() if member.name.startswith(folder)]
        if not members:
            raise SandboxError("%s holds nothing under %s" % (archive, folder))
        for member in members:
            member.name = member.name[len(folder):]
        tar.extractall(destination, [member for member in members if member.name], filter="data")


def _extract_file(archive, name, destination):
    with tarfile.open(archive) as tar, open(destination, "wb") as handle:
        handle.write(tar.extractfile(name).read())


def _build_folder(context, recipe, recipe_files):
    """CONTEXT/build: pip's wheel, the CA bundle pip verifies the package index with, pin files."""
    build = os.path.join(context, "build")
    os.makedirs(build)
    for name in recipe_files:
        shutil.copy(os.path.join(recipe, name), os.path.join(build, name))
    shutil.copy(_ca_bundle(), os.path.join(build, "ca.crt"))
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", "--dest", build,
         "pip==20.3.4"])
    if _file_digest(os.path.join(build, PIP_WHEEL)) != PIP_WHEEL_SHA256:
        raise SandboxError("the downloaded %s is not the known wheel (sha256 differs)" % PIP_WHEEL)
    return build


def _ca_bundle():
    for path in (os.environ.get("PIP_CERT"), os.environ.get("SSL_CERT_FILE"), "/etc/ssl/certs/ca-certificates.crt"):
        if path and os.path.isfile(path):
            return path
    raise SandboxError("no CA bundle for pip inside the image build (set PIP_CERT)")


def _write_requirements(text, path, drop=(), replace=None):
    lines = []
    for line in text.splitlines():
        name = line.split("==")[0].strip()
        if name in drop:
            continue
        lines.append((replace or {}).get(name, line))
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def _docker_build(tag, base, context, what):
    log("building %s as %s (a few minutes, once)" % (what, tag))
    started = time.time()
    run(["docker", "build", "--network", "host", "--build-arg", "BASE=" + base, "-t", tag, context])
    log("built %s in %d s" % (tag, time.time() - started))
    _remove_older(tag)


def _remove_older(tag):
    """Untag what this module built before for the same component (and version): the tag's prefix up to
    its hash, e.g. deis-sandbox/upstream-controller:v1.12.3-.  DEIS_SANDBOX_KEEP_IMAGES=1 keeps them (checkouts
    of different versions sharing one docker daemon)."""
    if os.environ.get("DEIS_SANDBOX_KEEP_IMAGES") == "1":
        return
    repository, name = tag.split(":", 1)
    prefix = "%s:%s" % (repository, name.rpartition("-")[0] + "-" if "-" in name else "")
    listed = run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}", repository]).stdout.decode().split()
    for older in listed:
        if older != tag and older.startswith(prefix) and len(older) - len(prefix) == 12:
            run(["docker", "rmi", older], check=False)


# running

def start_controller(name, version, port, domain, data_dir, registry=None, threads=1, publish_delay=0,
                     builder_key=DEFAULT_BUILDER_KEY, registration_mode="enabled", timeout=120):
    """Run the upstream controller VERSION as container NAME on 127.0.0.1:PORT; returns its URL.
    REGISTRY is the cluster's own registry ("127.0.0.1:5000"); v1.7–v1.11 publish only through it."""
    image = ensure_controller_image(version)
    if registry is None and _minor(version) < 12:
        raise SandboxError("controller %s publishes through the cluster's registry: give registry=" % version)
    registry_host, registry_port = (registry or ":").split(":", 1)
    env = {"DEIS_SANDBOX_DATA": "/data", "DEIS_SANDBOX_PORT": str(port), "DEIS_SANDBOX_DOMAIN": domain,
           "DEIS_SANDBOX_THREADS": str(threads), "DEIS_SANDBOX_PUBLISH_DELAY": str(publish_delay),
           "DEIS_SANDBOX_SECRET_KEY": hashlib.sha256(("secret " + name).encode()).hexdigest(),
           "DEIS_SANDBOX_BUILDER_KEY": builder_key, "DEIS_SANDBOX_REGISTRATION_MODE": registration_mode,
           "DEIS_SANDBOX_REGISTRY_HOST": registry_host, "DEIS_SANDBOX_REGISTRY_PORT": registry_port}
    _run_container(name, image, "controller", data_dir, env)
    url = "http://127.0.0.1:%d" % port
    _wait_answering(name, url + "/v1/", timeout)
    return url


def start_registry(name, port, data_dir, timeout=60):
    """Run the deis-v1-lts docker-registry as container NAME on 127.0.0.1:PORT; returns host:port."""
    image = ensure_registry_image()
    _run_container(name, image, "registry", data_dir, {"REGISTRY_PORT": str(port)})
    _wait_answering(name, "http://127.0.0.1:%d/v1/_ping" % port, timeout)
    return "127.0.0.1:%d" % port


def stop(name):
    """Remove container NAME if this module started it; False when there is none."""
    found = run(["docker", "container", "inspect", "--format", "{{ index .Config.Labels \"%s\" }}" % LABEL, name],
                check=False)
    if found.returncode != 0:
        return False
    if found.stdout.strip() in (b"", b"<no value>"):
        raise SandboxError("container %s was not started by deis_sandbox.upstream: not touching it" % name)
    run(["docker", "stop", "--time", "10", name], check=False)
    run(["docker", "rm", "--force", name])
    return True


def running(name):
    """Whether container NAME runs (False when there is none)."""
    found = run(["docker", "container", "inspect", "--format", "{{.State.Running}}", name], check=False)
    return found.returncode == 0 and found.stdout.strip() == b"true"


def records(data_dir):
    """The publish recorder's records of the controller keeping its state in DATA_DIR, oldest first."""
    try:
        with open(os.path.join(data_dir, "publish-records.jsonl")) as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def logs(name, lines=40):
    result = run(["docker", "logs", "--tail", str(lines), name], check=False)
    return (result.stdout + result.stderr).decode(errors="replace")


def _minor(version):
    return int(version.lstrip("v").split(".")[1])


def _run_container(name, image, role, data_dir, env):
    stop(name)
    os.makedirs(data_dir, exist_ok=True)
    argv = ["docker", "run", "--detach", "--name", name, "--network", "host", "--label", "%s=%s" % (LABEL, role),
            "--volume", "%s:/data" % os.path.abspath(data_dir)]
    for key, value in sorted(env.items()):
        argv += ["--env", "%s=%s" % (key, value)]
    run(argv + [image])


def _wait_answering(name, url, timeout):
    """Until URL gives any HTTP answer; the container's log in the error when it never does."""
    def answering():
        try:
            with NO_PROXY.open(url, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            state = run(["docker", "container", "inspect", "--format", "{{.State.Running}}", name], check=False)
            if state.stdout.strip() != b"true":
                raise SandboxError("container %s stopped:\n%s" % (name, logs(name)))
            return False
    try:
        wait_until(answering, timeout, interval=0.5, what=url)
    except SandboxError as error:
        raise SandboxError("%s\n%s" % (error, logs(name)))


def log(message):
    sys.stderr.write("sandbox: %s\n" % message)
