"""The old cluster's DNS: a real BIND 9 (`named -c CONF -u root -g`) on a loopback port serving
the old cluster's zone, open to RFC 2136 updates signed with a TSIG key from
`tsig-keygen -a hmac-sha256` (what nsupdate and community.general.nsupdate use)."""
import os
import re

from deis_sandbox.run import SandboxError, read_pid, run, start_background, stop_pid, wait_until

ALGORITHM = "hmac-sha256"
SECRET_RE = re.compile(r'secret\s+"([^"]+)"')


def key_path(folder):
    return os.path.join(folder, "tsig.key")


def key_secret(folder):
    with open(key_path(folder)) as handle:
        match = SECRET_RE.search(handle.read())
    if match is None:
        raise SandboxError("no secret in %s" % key_path(folder))
    return match.group(1)


def zone_text(zone):
    """The old cluster's zone: its controller and a wildcard for the apps behind its router."""
    return ("$TTL 60\n"
            "@\tIN\tSOA\tns1.{zone}. hostmaster.{zone}. (1 3600 600 86400 60)\n"
            "\tIN\tNS\tns1.{zone}.\n"
            "ns1\tIN\tA\t127.0.0.1\n"
            "deis\tIN\tA\t127.0.0.1\n"
            "*\tIN\tA\t127.0.0.1\n").format(zone=zone)


def write_config(folder, port, zone, key_name):
    """named.conf, the key (made once) and the zone file (kept once written: updates live in its journal)."""
    os.makedirs(folder, exist_ok=True)
    if not os.path.exists(key_path(folder)):
        key = run(["tsig-keygen", "-a", ALGORITHM, key_name]).stdout.decode()
        with open(key_path(folder), "w") as handle:
            handle.write(key)
    zone_file = os.path.join(folder, zone + ".zone")
    if not os.path.exists(zone_file):
        with open(zone_file, "w") as handle:
            handle.write(zone_text(zone))
    conf = os.path.join(folder, "named.conf")
    with open(conf, "w") as handle:
        handle.write(
            'options {\n\tdirectory "%(folder)s";\n\tpid-file "%(folder)s/named.pid";\n\tsession-keyfile "%(folder)s/session.key";\n'
            '\tlisten-on port %(port)d { 127.0.0.1; };\n\tlisten-on-v6 { none; };\n\trecursion no;\n\tdnssec-validation no;\n};\n'
            'controls { };\ninclude "%(key)s";\n'
            'zone "%(zone)s" {\n\ttype master;\n\tfile "%(zone_file)s";\n\tallow-update { key "%(key_name)s"; };\n};\n'
            % {"folder": folder, "port": port, "key": key_path(folder), "zone": zone, "zone_file": zone_file, "key_name": key_name})
    return conf


def answers(port, zone):
    """True when BIND answers the zone's SOA."""
    result = run(["dig", "@127.0.0.1", "-p", str(port), "+short", "+time=1", "+tries=1", zone, "SOA"], check=False)
    return result.returncode == 0 and bool(result.stdout.strip())


def start(folder, port, zone, key_name):
    if read_pid(os.path.join(folder, "named.run.pid")):
        return False
    conf = write_config(folder, port, zone, key_name)
    start_background(["named", "-c", conf, "-u", "root", "-g"], os.path.join(folder, "named.log"), os.path.join(folder, "named.run.pid"))
    wait_until(lambda: answers(port, zone), 30, what="BIND on 127.0.0.1:%d" % port)
    return True


def stop(folder):
    return stop_pid(os.path.join(folder, "named.run.pid"))


def pid(folder):
    return read_pid(os.path.join(folder, "named.run.pid"))
