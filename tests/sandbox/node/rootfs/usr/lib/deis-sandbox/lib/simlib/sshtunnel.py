"""deisctl's --tunnel / DEISCTL_TUNNEL: fleet's SSH tunnel, made with the OpenSSH client.

As fleet's client does: user `core` on <host>[:22], keys from the ssh-agent only (SSH_AUTH_SOCK must be
set), the host key checked against --known-hosts-file unless --strict-host-key-checking=false, and the
etcd endpoint dialled from the far end (http://127.0.0.1:4001 is the tunnel host's own etcd). The tunnel
counts as open once ssh itself holds the local listening socket (so no other listener is mistaken for it).
The error texts are fleet's as far as the reference facts go; ssh's own reason is passed through.
"""
import os
import socket
import subprocess
import time
import urllib.parse

NO_AGENT = ("SSH_AUTH_SOCK environment variable is not set. Verify ssh-agent is running. "
            "See https://github.com/coreos/fleet/blob/master/Documentation/using-the-client.md for help.")


class TunnelError(Exception):
    """The tunnel could not be opened; printed as deisctl's `Error: ...`."""


def split_address(address):
    host, sep, port = address.rpartition(":")
    if not sep or "]" in port:
        return address.strip("[]"), 22
    if not port.isdigit():
        raise TunnelError("invalid tunnel address %s" % address)
    return host.strip("[]"), int(port)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listens(pid, port):
    """Whether process `pid` holds the socket listening on 127.0.0.1:`port` (/proc/net/tcp and its fds)."""
    wanted = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as handle:
            inodes = {fields[9] for fields in (line.split() for line in handle.readlines()[1:])
                      if fields[1] == wanted and fields[3] == "0A"}
        links = {os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in os.listdir("/proc/%d/fd" % pid)}
    except OSError:
        return False
    return any("socket:[%s]" % inode in links for inode in inodes)


class Tunnel:
    """An `ssh -N -L` to the tunnel host for the life of one deisctl command."""

    def __init__(self, address, endpoint, known_hosts_file, strict=True, timeout=10.0):
        self.host, self.port = split_address(address)
        target = urllib.parse.urlsplit(endpoint)
        self.remote = (target.hostname or "127.0.0.1", target.port or 4001)
        self.known_hosts_file = known_hosts_file
        self.strict = strict
        self.timeout = timeout
        self.process = None

    def open(self):
        """Start the tunnel; return the local endpoint URL that reaches the remote etcd."""
        if not os.environ.get("SSH_AUTH_SOCK"):
            raise TunnelError(NO_AGENT)
        local = free_port()
        argv = ["ssh", "-N", "-F", "/dev/null", "-p", str(self.port),
                "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes",
                "-o", "ConnectTimeout=%d" % max(1, int(self.timeout)),
                "-o", "StrictHostKeyChecking=%s" % ("yes" if self.strict else "no"),
                "-o", "UserKnownHostsFile=%s" % (self.known_hosts_file if self.strict else "/dev/null"),
                "-L", "127.0.0.1:%d:%s:%d" % (local, self.remote[0], self.remote[1]),
                "core@" + self.host]
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + self.timeout + 5
        while time.time() < deadline:
            if self.process.poll() is not None:
                reason = self.process.stderr.read().decode(errors="replace").strip().splitlines()
                raise TunnelError("ssh: %s" % (reason[-1] if reason else "exit %d" % self.process.returncode))
            if listens(self.process.pid, local):
                return "http://127.0.0.1:%d" % local
            time.sleep(0.05)
        self.close()
        raise TunnelError("ssh: timed out opening the tunnel to %s:%d" % (self.host, self.port))

    def close(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.process.stderr.close()
