"""The node image: a debootstrap'ed Debian minbase with systemd and sshd (no python on PATH),
plus the simulators from node/.  Both layers are tagged by a hash of what they are made of, so a
second build finds them and builds nothing."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from deis_sandbox import upstream
from deis_sandbox.paths import NODE_CONTEXT
from deis_sandbox.run import SandboxError, image_exists, run

BASE_PACKAGES = ["systemd", "systemd-sysv", "dbus", "iproute2", "procps", "openssh-server", "sudo",
                 "python3", "curl", "etcd-client", "etcd-server", "ca-certificates"]
SUITE = "bookworm"
MIRROR = os.environ.get("DEIS_SANDBOX_MIRROR", "http://deb.debian.org/debian")


def _digest(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:12]


def base_tag():
    return "deis-sandbox/base:" + _digest(SUITE, "minbase", ",".join(BASE_PACKAGES))


def node_tag():
    files = []
    for folder, dirs, names in os.walk(NODE_CONTEXT):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if name.endswith(".pyc"):
                continue
            full = os.path.join(folder, name)
            with open(full, "rb") as handle:
                content = hashlib.sha256(handle.read()).hexdigest()
            files.append("%s %o %s" % (os.path.relpath(full, NODE_CONTEXT), os.stat(full).st_mode & 0o777, content))
    return "deis-sandbox/node:" + _digest(base_tag(), *files)


def build_base(tag):
    rootfs = tempfile.mkdtemp(prefix="deis-sandbox-rootfs-", dir="/var/tmp")
    try:
        log("debootstrap %s minbase (about a minute)" % SUITE)
        run(["debootstrap", "--variant=minbase", "--include=" + ",".join(BASE_PACKAGES), SUITE, rootfs, MIRROR])
        tar = subprocess.Popen(["tar", "-C", rootfs, "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(["docker", "import", "-c", 'CMD ["/lib/systemd/systemd"]', "-", tag],
                                  stdin=tar.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        tar.stdout.close()
        if tar.wait() != 0 or imported.returncode != 0:
            raise SandboxError("docker import of the base rootfs failed: %s" % imported.stderr.decode()[-400:])
    finally:
        shutil.rmtree(rootfs, ignore_errors=True)


def ensure_node_image():
    """Build the node image when missing; return its tag."""
    base, node = base_tag(), node_tag()
    if not image_exists(base):
        build_base(base)
    if not image_exists(node):
        log("building %s" % node)
        run(["docker", "build", "--network", "host", "--build-arg", "BASE=" + base, "-t", node, NODE_CONTEXT])
    return node


def ensure_images():
    """Every image the sandbox runs (the node image, the upstream controllers and registry), built when missing
    (this needs the network: do it before tests run in lanes, which have none); return the node image tag."""
    node = ensure_node_image()
    for version in sorted(upstream.CONTROLLER_ARCHIVES):
        upstream.ensure_controller_image(version)
    upstream.ensure_registry_image()
    return node


def log(message):
    sys.stderr.write("sandbox: %s\n" % message)
