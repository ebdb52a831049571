"""Run the node simulators on the host: their paths, the fixtures they must match."""
import os
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOTFS = os.path.join(HERE, "..", "..", "sandbox", "node", "rootfs")
FIXTURES = os.path.join(HERE, "..", "..", "unit", "fixtures")
sys.path.insert(0, os.path.join(ROOTFS, "usr", "lib", "deis-sandbox", "lib"))

SIMULATORS = {
    "fleetctl": "usr/bin/fleetctl",
    "locksmithctl": "usr/bin/locksmithctl",
    "update_engine_client": "usr/bin/update_engine_client",
    "update_engined": "usr/lib/deis-sandbox/update_engined",
    "fleetd": "usr/lib/deis-sandbox/fleetd",
    "boot": "usr/lib/deis-sandbox/boot",
}


def fixture(*parts):
    with open(os.path.join(FIXTURES, *parts)) as handle:
        return handle.read()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def simulator_env(root=None, **extra):
    env = dict(os.environ, **extra)
    if root is not None:
        env["SANDBOX_ROOT"] = str(root)
    return env


def run_simulator(name, *args, root=None, env=None, timeout=60):
    argv = [sys.executable, os.path.join(ROOTFS, SIMULATORS[name])] + list(args)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout,
                          env=simulator_env(root, **(env or {})), check=False)


def start_simulator(name, root, **env):
    argv = [sys.executable, os.path.join(ROOTFS, SIMULATORS[name])]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=simulator_env(root, **env))


def module_util_etcdctl():
    """The collection's etcdctl parser (it imports only the standard library)."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    path = os.path.join(HERE, "..", "..", "..", "plugins", "module_utils", "_etcdctl.py")
    spec = importlib.util.spec_from_file_location("_etcdctl", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
