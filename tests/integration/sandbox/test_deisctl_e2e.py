"""End to end with docker: `sandbox up --nodes 3 --deis v1.12.3` runs the platform as real systemd
units on the nodes; deisctl lists them all active/running and the routers answer.  Skipped when
docker is unusable or another sandbox is up (its nodes and etcd ports are shared)."""
import json
import os
import socket
import subprocess
import urllib.request

import pytest
from simhelpers import HERE

SANDBOX = os.path.join(HERE, "..", "..", "sandbox", "sandbox")


def sandbox_busy():
    listed = subprocess.run(["docker", "ps", "-aq", "--filter", "label=deis-sandbox=1"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, check=False)
    if listed.returncode != 0:
        return "docker is not usable here"
    if listed.stdout.strip():
        return "another sandbox's nodes exist"
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 2379)) == 0:
            return "something listens on etcd's port 2379"
    return None


def sandbox(state, *args, timeout=150):
    return subprocess.run([SANDBOX] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, env=dict(os.environ, DEIS_SANDBOX_STATE=str(state)), check=False)


def test_sandbox_up_with_deis_v1_12_3(tmp_path):
    busy = sandbox_busy()
    if busy:
        pytest.skip(busy)
    state = tmp_path / "state"
    try:
        up = sandbox(state, "up", "--nodes", "3", "--deis", "v1.12.3")
        assert up.returncode == 0, up.stderr
        listing = subprocess.run(["docker", "exec", "core-02", "/opt/bin/deisctl", "list"], stdout=subprocess.PIPE,
                                 text=True, check=True).stdout
        rows = [line.split() for line in listing.splitlines()[1:]]
        assert len(rows) == 15 and {tuple(row[2:]) for row in rows} == {("loaded", "active", "running")}, listing
        assert len({row[1] for row in rows}) == 3, "units spread over the three machines"
        for number in (1, 2, 3):
            with urllib.request.urlopen("http://127.0.0.1:%d/" % (8080 + number), timeout=2) as response:
                assert response.status == 200
                assert response.read().decode().startswith("deis-router@%d deis/router:v1.12.3 on core-0" % number)
        status = json.loads(sandbox(state, "status").stdout)
        assert sorted(status["deisctl_files"]) == ["v1.12.3", "v1.13.4", "v1.7.2"]
        assert all(os.access(path, os.X_OK) for path in status["deisctl_files"].values())
        release = subprocess.run(["docker", "exec", "core-03", "cat", "/etc/deis-release"], stdout=subprocess.PIPE,
                                 text=True, check=True).stdout
        assert release == "DEIS_RELEASE=v1.12.3\n"
    finally:
        sandbox(state, "down", timeout=120)
