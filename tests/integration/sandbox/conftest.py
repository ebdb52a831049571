"""Fixtures: a real, private etcd (no docker needed) and node file trees for the simulators."""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from simhelpers import free_port  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope="session")
def etcd(tmp_path_factory):
    """A real etcd 3.4 serving the v2 API on a free loopback port."""
    if not shutil.which("etcd"):
        pytest.fail("etcd is not installed (Debian package etcd-server): tests/run installs it")
    data = tmp_path_factory.mktemp("etcd")
    client, peer = free_port(), free_port()
    url, peer_url = "http://127.0.0.1:%d" % client, "http://127.0.0.1:%d" % peer
    process = subprocess.Popen(
        ["etcd", "--name", "t", "--data-dir", str(data), "--listen-client-urls", url, "--advertise-client-urls", url,
         "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url, "--initial-cluster", "t=" + peer_url,
         "--enable-v2=true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/v2/keys/", timeout=1).read()
            break
        except OSError:
            if time.time() > deadline:
                process.kill()
                pytest.fail("etcd did not start")
            time.sleep(0.2)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture
def etcd_client(etcd):
    from simlib.etcd2 import Etcd2
    client = Etcd2(etcd)
    for key in ("/_coreos.com", "/coreos.com"):
        try:
            client.delete(key, recursive=True)
        except Exception:  # pylint: disable=broad-except  # nothing to clean
            pass
    return client


@pytest.fixture
def node_root():
    """A node file tree for SANDBOX_ROOT: machine id, node.env, release files."""
    made = []

    def make(flavor="coreos", version="835.12.0", machine_id="69d27b356a94476da859461d3a3bc6fd", etcd_url=""):
        from simlib import osrelease  # pylint: disable=import-outside-toplevel  # on sys.path once simhelpers is imported
        # Short paths: the update-engine socket must fit AF_UNIX's 108 bytes.
        root = pathlib.Path(tempfile.mkdtemp(prefix="sim-", dir="/tmp"))
        made.append(root)
        files = {
            "etc/machine-id": machine_id + "\n",
            "etc/deis-sandbox/node.env": "FLAVOR=%s\nETCD_ENDPOINTS=%s\nFLEET_PUBLIC_IP=10.0.1.11\n"
                                         "FLEET_METADATA=controlPlane=true,dataPlane=true,routerMesh=true\n"
                                         "FLEET_AGENT_TTL=4s\n" % (flavor, etcd_url),
            "usr/lib/os-release": osrelease.os_release(flavor, version),
            osrelease.release_path(flavor).lstrip("/"): osrelease.release_file(flavor, version),
            "usr/share/%s/update.conf" % flavor: "GROUP=stable\n",
            "etc/%s/update.conf" % flavor: "GROUP=stable\nREBOOT_STRATEGY=off\n",
        }
        for relative, text in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        (root / "var/lib/deis-sandbox/control/faults").mkdir(parents=True)
        (root / "run/update-engine").mkdir(parents=True)
        return root
    yield make
    for root in made:
        shutil.rmtree(root, ignore_errors=True)
