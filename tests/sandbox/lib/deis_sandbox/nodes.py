"""Sandbox nodes: docker containers with systemd as PID 1 on the host network, each with its own
machine id, sshd port, host key and CoreOS / Flatcar release files."""
import io
import json
import os
import secrets
import socket
import tarfile
import time

from simlib import osrelease

from deis_sandbox.paths import (ETCD_ENDPOINT, LABEL, MEMBER_CLIENT_PORTS, MEMBER_PEER_PORT, SSH_BASE_PORT,
                                member_url, state_path)
from deis_sandbox.run import SandboxError, run, wait_until

CORE_UID = 500
FLEET_METADATA = "controlPlane=true,dataPlane=true,routerMesh=true"
# The run options verified on this machine kind (sandbox-facts.md): --privileged is refused here.
RUN_OPTIONS = ["--network", "host", "--cap-add", "SYS_ADMIN", "--security-opt", "seccomp=unconfined",
               "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw", "--cgroupns=host", "--tmpfs", "/run",
               "--tmpfs", "/run/lock", "--restart", "always"]


def node_name(index):
    return "core-%02d" % index


def plan_nodes(count):
    return [{"name": node_name(i), "ssh_port": SSH_BASE_PORT + i, "public_ip": "127.0.10.%d" % i,
             "machine_id": secrets.token_hex(16)} for i in range(1, count + 1)]


def control_dir(name):
    return state_path("nodes", name)


def _add(tar, path, data, mode=0o644, uid=0, gid=0):
    info = tarfile.TarInfo(path.lstrip("/"))
    payload = data.encode() if isinstance(data, str) else data
    info.size, info.mode, info.uid, info.gid, info.mtime = len(payload), mode, uid, gid, int(time.time())
    tar.addfile(info, io.BytesIO(payload))


def _add_dir(tar, path, mode, uid=0, gid=0):
    info = tarfile.TarInfo(path.lstrip("/"))
    info.type, info.mode, info.uid, info.gid, info.mtime = tarfile.DIRTYPE, mode, uid, gid, int(time.time())
    tar.addfile(info)


def _add_link(tar, path, target):
    info = tarfile.TarInfo(path.lstrip("/"))
    info.type, info.linkname, info.mtime = tarfile.SYMTYPE, target, int(time.time())
    tar.addfile(info)


def member_drop_in(spec, cluster):
    """etcd2.service's settings, as coreos-cloudinit writes user-data's `etcd2:` section into the drop-in
    20-cloudinit.conf (coreos/coreos-cloudinit v1.9.3 system/etcd2.go:27-37, one Environment="ETCD_<KEY>=<value>" per option;
    cloudinit writes it under /run at every boot, the sandbox once under /etc). The values follow
    Deis v1.13.4 contrib/coreos/user-data.example (client URLs on 2379 and the legacy 4001, peer 2380) with the
    node's loopback address for $private_ipv4, and a static initial cluster where Deis uses a discovery URL.
    ETCD_ENABLE_V2 is the sandbox's: etcd 3.4 serves the v2 API (what CoreOS's etcd2 spoke) only when asked."""
    address = spec["public_ip"]
    initial = ",".join("%s=%s" % (member["machine_id"], member_url(member["public_ip"], MEMBER_PEER_PORT))
                       for member in cluster)
    settings = [
        ("ETCD_ADVERTISE_CLIENT_URLS", member_url(address)),
        ("ETCD_INITIAL_ADVERTISE_PEER_URLS", member_url(address, MEMBER_PEER_PORT)),
        ("ETCD_LISTEN_CLIENT_URLS", ",".join(member_url(address, port) for port in MEMBER_CLIENT_PORTS)),
        ("ETCD_LISTEN_PEER_URLS", member_url(address, MEMBER_PEER_PORT)),
        ("ETCD_INITIAL_CLUSTER", initial),
        ("ETCD_INITIAL_CLUSTER_STATE", "new"),
        ("ETCD_INITIAL_CLUSTER_TOKEN", "deis-sandbox"),
        ("ETCD_ENABLE_V2", "true"),
    ]
    return "[Service]\n" + "".join('Environment="%s=%s"\n' % setting for setting in settings)


def node_env(spec, options):
    """/etc/deis-sandbox/node.env: what the node's simulators read about their node."""
    env = {"FLAVOR": options["flavor"], "ETCD_ENDPOINTS": ETCD_ENDPOINT, "FLEET_PUBLIC_IP": spec["public_ip"],
           "FLEET_METADATA": FLEET_METADATA, "FLEET_AGENT_TTL": "%ds" % options["fleet_ttl"], "NODE_NAME": spec["name"],
           "UPDATE_ENGINE_BOOT_FLAGS_DELAY": "%g" % options.get("boot_flags_delay", 45.0)}
    if options.get("etcd") == "members":
        # fleetd's default etcd servers (coreos/fleet v0.11.7 fleetd/fleetd.go:68), which on this node mean its
        # member (simlib/etcd2.py: the node's loopback address stands in for 127.0.0.1's client ports).
        env["ETCD_ENDPOINTS"] = ",".join("http://127.0.0.1:%d" % port for port in MEMBER_CLIENT_PORTS)
        env["ETCD_LOOPBACK_ADDRESS"] = spec["public_ip"]
    return "".join("%s=%s\n" % kv for kv in sorted(env.items()))


def node_files(spec, options, host_key, public_key, cluster):
    """The per-node files, as a tar stream for `docker cp -a -`."""
    flavor, version = options["flavor"], options["coreos"]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        _add(tar, "/etc/machine-id", spec["machine_id"] + "\n", 0o444)
        _add(tar, "/etc/deis-sandbox/node.env", node_env(spec, options))
        if options.get("etcd") == "members":
            _add(tar, "/etc/systemd/system/etcd2.service.d/20-cloudinit.conf", member_drop_in(spec, cluster))
            _add_link(tar, "/etc/systemd/system/multi-user.target.wants/etcd2.service",
                      "/usr/lib/systemd/system/etcd2.service")
        _add(tar, "/usr/lib/os-release", osrelease.os_release(flavor, version))
        _add(tar, osrelease.release_path(flavor), osrelease.release_file(flavor, version))
        _add(tar, "/usr/share/%s/update.conf" % flavor, "GROUP=stable\n")
        # Deis v1.11+ cloud-config: reboot-strategy "off" ends up in update.conf.
        _add(tar, "/etc/%s/update.conf" % flavor, "GROUP=stable\nREBOOT_STRATEGY=off\n")
        if flavor == "flatcar":
            _add_link(tar, "/etc/coreos", "flatcar")
        _add(tar, "/etc/ssh/sshd_config.d/10-sandbox.conf",
             "Port %d\nListenAddress 127.0.0.1\nHostKey /etc/ssh/ssh_host_ed25519_key\n"
             "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUseDNS no\n" % spec["ssh_port"])
        _add(tar, "/etc/ssh/ssh_host_ed25519_key", host_key, 0o600)
        _add_dir(tar, "/home/core/.ssh", 0o700, CORE_UID, CORE_UID)
        _add(tar, "/home/core/.ssh/authorized_keys", public_key, 0o600, CORE_UID, CORE_UID)
    return buffer.getvalue()


def host_key_pair(name):
    key = state_path("ssh", "host_" + name)
    if not os.path.exists(key):
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key])
    with open(key) as private, open(key + ".pub") as public:
        return private.read(), public.read().strip()


def client_key():
    key = state_path("ssh", "id_ed25519")
    if not os.path.exists(key):
        os.makedirs(os.path.dirname(key), mode=0o700, exist_ok=True)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "deis-sandbox", "-f", key])
    with open(key + ".pub") as public:
        return key, public.read()


def write_control(spec, options):
    folder = control_dir(spec["name"])
    os.makedirs(os.path.join(folder, "faults"), exist_ok=True)
    omaha = {"groups": {options["update_group"]: options["coreos_available"]}, "size": 213129575,
             "duration": options["update_duration"]}
    with open(os.path.join(folder, "omaha.json"), "w") as handle:
        json.dump(omaha, handle, sort_keys=True)
    # The node's tools log here as root and as core (deisctl runs unprivileged, as on real nodes).
    events = os.path.join(folder, "events.jsonl")
    open(events, "a").close()
    os.chmod(events, 0o666)


def create(spec, options, image, cluster):
    name = spec["name"]
    existing = run(["docker", "inspect", "--format", "{{index .Config.Labels \"%s\"}}" % LABEL, name], check=False)
    if existing.returncode == 0:
        raise SandboxError("a container named %s exists and is not this sandbox's; remove it first" % name
                           if existing.stdout.strip() != b"1" else "container %s already exists" % name)
    write_control(spec, options)
    host_key, host_public = host_key_pair(name)
    client_public = client_key()[1]
    run(["docker", "create", "--name", name, "--hostname", name, "--add-host", name + ":127.0.0.1",
         "--label", LABEL + "=1"] + RUN_OPTIONS
        + ["-v", "%s:/var/lib/deis-sandbox/control" % control_dir(name), image, "/lib/systemd/systemd"])
    run(["docker", "cp", "-a", "-", name + ":/"], input_bytes=node_files(spec, options, host_key, client_public, cluster))
    run(["docker", "start", name])
    return "[127.0.0.1]:%d %s" % (spec["ssh_port"], " ".join(host_public.split()[:2]))


def container_state(name):
    result = run(["docker", "inspect", "--format", "{{.State.Status}} {{.RestartCount}}", name], check=False)
    if result.returncode != 0:
        return None, 0
    status, restarts = result.stdout.decode().split()
    return status, int(restarts)


def system_state(name):
    result = run(["docker", "exec", name, "systemctl", "is-system-running"], check=False)
    return result.stdout.decode().strip()


def ssh_ready(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.settimeout(2)
            return conn.recv(4).startswith(b"SSH-")
    except OSError:
        return False


def wait_ready(spec, timeout=90):
    name = spec["name"]
    wait_until(lambda: system_state(name) in ("running", "degraded"), timeout, 0.5, what="systemd on %s" % name)
    if system_state(name) == "degraded":
        failed = run(["docker", "exec", name, "systemctl", "--failed", "--no-legend", "--plain"], check=False)
        raise SandboxError("%s booted degraded: %s" % (name, failed.stdout.decode().strip()))
    wait_until(lambda: ssh_ready(spec["ssh_port"]), timeout, 0.25, what="sshd of %s" % name)


def remove_all():
    result = run(["docker", "ps", "-aq", "--filter", "label=%s=1" % LABEL])
    ids = result.stdout.decode().split()
    if ids:
        run(["docker", "rm", "-f"] + ids)
    return len(ids)


def read_os_release(name):
    result = run(["docker", "exec", name, "cat", "/usr/lib/os-release"], check=False)
    return osrelease.parse_env(result.stdout.decode()) if result.returncode == 0 else {}


PARTITION_FILES = {"staged": "/var/lib/deis-sandbox/usr-b.version",
                   "fallback_pending": "/var/lib/deis-sandbox/usr-fallback.version"}


def partitions(name):
    """The node's USR partitions as its bootloader sees them: the update staged to boot next, and the version it
    falls back to if the booted one is not marked good before the next boot (both None when there is none)."""
    found = {}
    for key, path in PARTITION_FILES.items():
        result = run(["docker", "exec", name, "cat", path], check=False)
        found[key] = result.stdout.decode().strip() or None if result.returncode == 0 else None
    return found


def events(name):
    try:
        with open(os.path.join(control_dir(name), "events.jsonl")) as handle:
            return [json.loads(line) for line in handle if line.strip()]
    except FileNotFoundError:
        return []


def write_inventories(nodes, key):
    known_hosts = state_path("ssh", "known_hosts")
    ssh_args = "-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes" % known_hosts
    lines = ["# Written by tests/sandbox/sandbox up: the sandbox's nodes over SSH as core (no Python on them).",
             "[coreos]"]
    lines += ["%s ansible_host=127.0.0.1 ansible_port=%d fleet_machine_id=%s" % (n["name"], n["ssh_port"], n["machine_id"])
              for n in nodes]
    # The SSH master sockets of this sandbox's nodes live in its own state: Ansible names them after
    # host:port:user, which another sandbox (another network namespace) shares.
    lines += ["", "[coreos:vars]", "ansible_user=core", "ansible_ssh_private_key_file=%s" % key,
              "ansible_ssh_common_args='%s'" % ssh_args, "ansible_control_path_dir=%s" % state_path("ssh", "cp"), ""]
    with open(state_path("inventory.ini"), "w") as handle:
        handle.write("\n".join(lines))
    docker = ["# Written by tests/sandbox/sandbox up: the sandbox's nodes over the docker connection.", "[coreos]"]
    docker += ["%s ansible_connection=docker fleet_machine_id=%s" % (n["name"], n["machine_id"]) for n in nodes]
    with open(state_path("inventory-docker.ini"), "w") as handle:
        handle.write("\n".join(docker) + "\n")
    return state_path("inventory.ini"), state_path("inventory-docker.ini")
