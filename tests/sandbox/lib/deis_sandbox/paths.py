"""Where the sandbox keeps its state and which loopback ports it uses."""
import json
import os

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
NODE_CONTEXT = os.path.join(HERE, "node")

ETCD_CLIENT_PORTS = (2379, 4001)
ETCD_PEER_PORT = 2380
ETCD_ENDPOINT = "http://127.0.0.1:%d" % ETCD_CLIENT_PORTS[0]
# `up --etcd members` (the default): a real etcd member on every node, as Deis user-data runs etcd2 on every host.
# The nodes share the host's loopback, so each member listens on its node's own address (127.0.10.N) on the
# ports a CoreOS node's member uses (client 2379 and the legacy 4001, peer 2380).
# `up --etcd host`: one etcd process on the host at ETCD_ENDPOINT, shared by every node.
ETCD_MODES = ("members", "host")
MEMBER_CLIENT_PORTS = (2379, 4001)
MEMBER_PEER_PORT = 2380
SSH_BASE_PORT = int(os.environ.get("DEIS_SANDBOX_SSH_BASE_PORT", "2200"))
LABEL = "deis-sandbox"


def etcd_mode(state):
    """members or host; a state written before the mode existed is host."""
    return (state or {}).get("options", {}).get("etcd", "host")


def member_url(address, port=MEMBER_CLIENT_PORTS[0]):
    return "http://%s:%d" % (address, port)


def etcd_endpoints(state):
    """Where the host reaches the sandbox's etcd: every member's client URL, or the host process."""
    if etcd_mode(state) == "members":
        return [member_url(spec["public_ip"]) for spec in state["nodes"]]
    return [ETCD_ENDPOINT]


MIGRATION_PORT_COUNT = 8


def migration_ports():
    """Loopback ports of the app-migration rehearsal (`up --apps N`), from DEIS_SANDBOX_MIGRATION_PORT on: the
    controllers' addresses (their fault proxies) and the old registry first, the controllers themselves last."""
    base = int(os.environ.get("DEIS_SANDBOX_MIGRATION_PORT", "7100"))
    return {"old_controller": base, "new_controller": base + 1, "registry": base + 2, "router": base + 3, "dns": base + 4,
            "new_registry": base + 5, "old_controller_backend": base + 6, "new_controller_backend": base + 7}


def state_dir():
    return os.path.abspath(os.environ.get("DEIS_SANDBOX_STATE", os.path.join(HERE, ".state")))


def state_path(*parts):
    return os.path.join(state_dir(), *parts)


def load_state():
    try:
        with open(state_path("state.json")) as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def save_state(state):
    os.makedirs(state_dir(), exist_ok=True)
    tmp = state_path("state.json.tmp")
    with open(tmp, "w") as handle:
        json.dump(state, handle, indent=2, sort_keys=True)
    os.replace(tmp, state_path("state.json"))
