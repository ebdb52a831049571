"""The app-migration rehearsal of `sandbox up --apps N`: the old cluster (a Deis v1.12.3 controller
seeded with N apps, its registry holding one image per release, its DNS zone in BIND) and the new
one (an empty Deis v1.13.4 controller and its router), plus the vars file for migrate_apps."""
import json
import os
import random
import secrets
import shutil
import socket
import sys
import time
from datetime import datetime, timedelta, timezone

from deis_sandbox import controller, dns, registry
from deis_sandbox.paths import ETCD_ENDPOINT, migration_ports, state_path
from deis_sandbox.run import SandboxError, read_pid, start_background, stop_pid, wait_until

OLD_DOMAIN = "oldcluster.sandbox.test"
NEW_DOMAIN = "newcluster.sandbox.test"
SIDES = {"old": {"domain": OLD_DOMAIN, "version": "1.12.3"}, "new": {"domain": NEW_DOMAIN, "version": "1.13.4"}}
DNS_KEY_NAME = "deis-sandbox-ddns"
OPERATOR = "admin"
OLD_USERS = (OPERATOR, "alice", "bob", "carol")
SQUATTER = "squatter"
SEED_START = datetime(2016, 3, 1, 9, 0, tzinfo=timezone.utc)
FIXED_NAMES = ("happy-bandit", "api-v2", "2048-game")
PLAIN_VALUES = {"LOG_LEVEL": "info", "WORKERS": "4", "FEATURE_FLAGS": "beta,dark-mode", "TZ": "Europe/Berlin", "CACHE_TTL": "300"}
ODD_VALUES = {
    "GREETING": 'He said "hello" and left',
    "MULTILINE": "line one\nline two\n  indented line three",
    "UNICODE_TEXT": "Gr\u00fc\u00dfe aus K\u00f6ln \u2013 \u2603 \u96ea \U0001f680",
    "EQUALS_AND_SPACES": "a=b c = d  e==",
    "PADDED": "  leading and trailing spaces  ",
    "SINGLE_QUOTES": "it's 'quoted'",
    "SHELL_CHARS": "$HOME `id` $(date); echo hi && exit 1 | cat > /dev/null",
    "BACKSLASHES": "C:\\deis\\app \\n is not a newline",
    "JSON_BLOB": '{"key": "value", "list": [1, 2, 3]}',
    "EMPTY": "",
    "TABS": "col1\tcol2\tcol3",
    "DATABASE_URL": "postgres://app:p%40ss=w0rd@db.internal:5432/app?sslmode=require&x=1",
}


def folder(*parts):
    return state_path("migration", *parts)


def vars_path():
    return state_path("migration-vars.yml")


def controller_dir(side):
    return folder(side + "-controller")


def write_json(path, data):
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
    os.replace(path + ".tmp", path)


def credentials():
    """The users' passwords, made once per sandbox."""
    path = folder("credentials.json")
    saved = controller.read_json(path)
    if saved is None:
        saved = {"old": {name: secrets.token_urlsafe(12) for name in OLD_USERS},
                 "new": {name: secrets.token_urlsafe(12) for name in (OPERATOR, SQUATTER)}}
        write_json(path, saved)
    return saved


# -- seeding the old controller ------------------------------------------------------------------

class SeedClock:
    """Timestamps for seeding: each reading is a few minutes after the previous one."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        self.now += timedelta(minutes=3)
        return self.now


def app_names(count, rng):
    names = list(FIXED_NAMES[:count])
    while len(names) < count:
        name = "%s-%s" % (rng.choice(controller.ADJECTIVES), rng.choice(controller.NOUNS))
        while name in names:
            name += "-%d" % len(names)
        names.append(name)
    return names


def config_change(rng, index, git):
    """The first config:set of app INDEX: plain values, odd ones on every third app, limits and tags on some."""
    change = {}
    values = dict(rng.sample(sorted(PLAIN_VALUES.items()), 0 if index % 6 == 5 else rng.randint(1, 3)))
    if index % 3 == 0:
        values.update(rng.sample(sorted(ODD_VALUES.items()), rng.randint(4, 7)))
    if values:
        change["values"] = values
    if index % 4 == 1:
        change["memory"] = {"web": "512M", "worker": "256M"} if git else {"cmd": "1G"}
        change["cpu"] = {"web": 512} if git else {"cmd": 256}
    if index % 5 == 2:
        change["tags"] = {"environ": "prod", "tier": "frontend"}
    return change


def follow_up(rng, store, entry):
    """A later config:set: change one value or unset one (null)."""
    values = store.latest_config(entry)["values"]
    if not values:
        return {"values": {"RELEASE_NOTE": "second config"}}
    key = rng.choice(sorted(values))
    return {"values": {key: None if rng.random() < 0.5 else values[key] + " (changed)"}}


def build_body(rng, name, git, number):
    if git:
        return {"image": name, "sha": "%040x" % rng.getrandbits(160), "procfile": {"web": "node server.js", "worker": "node worker.js"}}
    return {"image": "quay.io/acme/%s:1.%d" % (name, number)}


def seed_app(store, rng, index, name, owner):
    """One app with 2-4 releases; returns the registry tags of its release images."""
    git = index % 5 not in (1, 3)
    entry = store.create_app(owner, {"id": name})
    change = config_change(rng, index, git)
    featured = index % 3 == 0 or index % 4 == 1 or index % 5 == 2
    extra = rng.randint(2 if featured else 1, 3)
    steps = (["config", "build"] + [rng.choice(("build", "again"))] * (extra - 2)) if change and extra > 1 else ["build"] * extra
    builds = 0
    for step in steps:
        if step == "build":
            builds += 1
            store.create_build(owner, entry, build_body(rng, name, git, builds), controller.skip_pull)
        else:
            store.set_config(owner, entry, change if step == "config" else follow_up(rng, store, entry), controller.skip_pull)
    if index % 3 == 1:
        store.add_domain(owner, entry, {"domain": "www.%s.example.test" % name})
        if index % 6 == 1:
            store.add_domain(owner, entry, {"domain": "%s.shop.example.test" % name})
    if index % 2 == 0:
        store.scale(entry, {"web": rng.randint(2, 4), "worker": rng.randint(1, 2)} if git else {"cmd": rng.randint(2, 4)})
    tags = []
    for release in entry["releases"]:
        if release["build"]:
            values = controller.Store.find(entry["configs"], "uuid", release["config"])["values"]
            env = ["%s=%s" % item for item in sorted(values.items())] + ["DEIS_APP=" + name, "DEIS_RELEASE=v%d" % release["version"]]
            tags.append((name, "v%d" % release["version"], env, release["created"].replace("UTC", "Z")))
    return tags


def seed_old_controller(state_file, count, passwords):
    """The old controller's data (users, COUNT apps); returns the registry tags of all release images."""
    store = controller.Store(state_file, OLD_DOMAIN, SeedClock(SEED_START))
    users = [store.register({"username": name, "password": passwords[name], "email": name + "@sandbox.test"}, None, "enabled")
             for name in OLD_USERS]
    rng = random.Random(20160301)
    tags = []
    for index, name in enumerate(app_names(count, rng)):
        tags += seed_app(store, rng, index, name, users[index % len(users)])
    store.save()
    return tags


def seed_new_controller(state_file, password):
    """The new controller knows only the operator, its first user and so its superuser."""
    store = controller.Store(state_file, NEW_DOMAIN)
    store.register({"username": OPERATOR, "password": password, "email": OPERATOR + "@sandbox.test"}, None, "enabled")
    store.save()


# -- processes -------------------------------------------------------------------------------------

def ensure_port_free(port, what):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SandboxError("port %d for the %s is taken (%s); DEIS_SANDBOX_MIGRATION_PORT moves the migration ports"
                               % (port, what, error.strerror)) from error


def answers_http(url):
    try:
        return registry.http("GET", url, timeout=2)[0]
    except OSError:
        return None


def start_controller(side, sandbox_script, gate_etcd=None):
    """One controller process; `gate_etcd` ties it to the Deis platform's controller unit (controller.py)."""
    port, spec, state_dir = migration_ports()[side + "_controller"], SIDES[side], controller_dir(side)
    if read_pid(os.path.join(state_dir, "controller.pid")):
        return False
    ensure_port_free(port, side + " controller")
    argv = [sys.executable, sandbox_script, "_controller", "--port", str(port), "--state-dir", state_dir,
            "--domain", spec["domain"], "--platform-version", spec["version"]] + (["--gate-etcd", gate_etcd] if gate_etcd else [])
    start_background(argv, os.path.join(state_dir, "controller.log"), os.path.join(state_dir, "controller.pid"))
    wait_until(lambda: answers_http("http://127.0.0.1:%d/healthz" % port) == 200, 20, what="the %s controller" % side)
    return True


def start_router(sandbox_script):
    port = migration_ports()["router"]
    if read_pid(folder("router.pid")):
        return False
    ensure_port_free(port, "router")
    argv = [sys.executable, sandbox_script, "_router", "--port", str(port),
            "--controller-state", os.path.join(controller_dir("new"), controller.STATE_FILE), "--domain", NEW_DOMAIN]
    start_background(argv, folder("router.log"), folder("router.pid"))
    wait_until(lambda: answers_http("http://127.0.0.1:%d/" % port) is not None, 20, what="the router")
    return True


def start_registry():
    port = migration_ports()["registry"]
    if registry.pid(folder("registry")) is None:
        ensure_port_free(port, "registry")
    return registry.start(folder("registry"), port)


def start_dns():
    port = migration_ports()["dns"]
    if dns.pid(folder("dns")) is None:
        ensure_port_free(port, "DNS server")
    return dns.start(folder("dns"), port, OLD_DOMAIN, DNS_KEY_NAME)


def up(apps, sandbox_script, old_deisctl_host=None):
    """Bring the rehearsal up (a second run changes nothing) and write the vars file; returns its path.
    With `old_deisctl_host` (up --deis), the nodes' platform is the old cluster: the vars file names that node and
    the old controller serves only while the platform's controller unit runs."""
    for side in SIDES:
        os.makedirs(controller_dir(side), exist_ok=True)
    passwords = credentials()
    start_registry()
    marker = folder("seeded.json")
    if not os.path.exists(marker):
        endpoint = "127.0.0.1:%d" % migration_ports()["registry"]
        for side in SIDES:
            stop_pid(os.path.join(controller_dir(side), "controller.pid"))
            shutil.rmtree(controller_dir(side))
            os.makedirs(controller_dir(side))
        tags = seed_old_controller(os.path.join(controller_dir("old"), controller.STATE_FILE), apps, passwords["old"])
        seed_new_controller(os.path.join(controller_dir("new"), controller.STATE_FILE), passwords["new"][OPERATOR])
        registry.push_base(endpoint, registry.app_image())
        registry.seed_tags(endpoint, tags)
        write_json(marker, {"apps": apps, "images": len(tags)})
    for side in SIDES:
        start_controller(side, sandbox_script, ETCD_ENDPOINT if side == "old" and old_deisctl_host else None)
    start_router(sandbox_script)
    start_dns()
    return write_vars(passwords, old_deisctl_host)


def write_vars(passwords, old_deisctl_host=None):
    ports = migration_ports()
    values = [
        ("deis_old_controller", "http://127.0.0.1:%d" % ports["old_controller"]),
        ("deis_new_controller", "http://127.0.0.1:%d" % ports["new_controller"]),
        ("deis_old_username", OPERATOR), ("deis_old_password", passwords["old"][OPERATOR]),
        ("deis_new_username", OPERATOR), ("deis_new_password", passwords["new"][OPERATOR]),
        ("deis_old_registry", "127.0.0.1:%d" % ports["registry"]),
        ("deis_old_domain", OLD_DOMAIN), ("deis_new_domain", NEW_DOMAIN),
        ("deis_router_url", "http://127.0.0.1:%d" % ports["router"]),
        ("deis_dns_server", "127.0.0.1"), ("deis_dns_port", ports["dns"]), ("deis_dns_zone", OLD_DOMAIN),
        ("deis_dns_key_name", DNS_KEY_NAME), ("deis_dns_key_secret", dns.key_secret(folder("dns"))),
        ("deis_dns_key_algorithm", dns.ALGORITHM),
    ]
    if old_deisctl_host:
        values.append(("deis_old_deisctl_host", old_deisctl_host))
    lines = ["# Written by tests/sandbox/sandbox up --apps N: the app-migration rehearsal's endpoints and credentials."]
    lines += ["%s: %s" % (name, json.dumps(value)) for name, value in values]
    with open(vars_path(), "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    return vars_path()


def down():
    """Stop every migration process this sandbox started (by PID); the caller removes the state."""
    stopped = [stop_pid(os.path.join(controller_dir(side), "controller.pid")) for side in SIDES]
    stopped += [stop_pid(folder("router.pid")), dns.stop(folder("dns")), registry.stop(folder("registry"))]
    return sum(1 for was_running in stopped if was_running)


def app_count(side):
    data = controller.read_json(os.path.join(controller_dir(side), controller.STATE_FILE))
    return None if data is None else len(data["apps"])


def status():
    ports = migration_ports()
    sides = {}
    for side, spec in SIDES.items():
        port = ports[side + "_controller"]
        knobs = controller.read_json(os.path.join(controller_dir(side), controller.CONTROL_FILE)) or {}
        sides[side + "_controller"] = {
            "url": "http://127.0.0.1:%d" % port, "domain": spec["domain"], "version": spec["version"],
            "pid": read_pid(os.path.join(controller_dir(side), "controller.pid")),
            "healthy": answers_http("http://127.0.0.1:%d/healthz" % port) == 200, "error_fraction": knobs.get("error_fraction", 0.0)}
    endpoint = "127.0.0.1:%d" % ports["registry"]
    return dict(sides, apps={side: app_count(side) for side in SIDES},
                registry={"endpoint": endpoint, "pid": registry.pid(folder("registry")), "healthy": registry.healthy(endpoint)},
                router={"url": "http://127.0.0.1:%d" % ports["router"], "pid": read_pid(folder("router.pid"))},
                dns={"server": "127.0.0.1", "port": ports["dns"], "zone": OLD_DOMAIN, "key_name": DNS_KEY_NAME,
                     "pid": dns.pid(folder("dns")), "healthy": dns.answers(ports["dns"], OLD_DOMAIN)},
                vars_file=vars_path())


# -- faults ----------------------------------------------------------------------------------------

def set_error_fraction(side, fraction):
    controller.write_control(controller_dir(side), error_fraction=fraction)


def stop_registry():
    return registry.stop(folder("registry"))


def api(port, method, path, body=None, token=None, attempts=40):
    """(status, JSON answer or None) of one controller call, retried while injected faults answer 5xx."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "token " + token
    for attempt in range(attempts):
        status, answer_headers, raw = registry.http(method, "http://127.0.0.1:%d%s" % (port, path),
                                                    None if body is None else json.dumps(body).encode(), headers)
        if status not in (500, 503):
            break
        time.sleep(0.05 * (attempt + 1))
    is_json = (answer_headers.get("Content-Type") or "").startswith("application/json")
    return status, json.loads(raw) if raw and is_json else None


def take_app_name(app_id):
    """Another user (squatter) creates APP_ID on the new controller before the migration does."""
    port, password = migration_ports()["new_controller"], credentials()["new"][SQUATTER]
    status, answer = api(port, "POST", "/v1/auth/register/", {"username": SQUATTER, "password": password, "email": "squatter@sandbox.test"})
    if status not in (201, 400):
        raise SandboxError("registering %s on the new controller answered %d %s" % (SQUATTER, status, answer))
    status, answer = api(port, "POST", "/v1/auth/login/", {"username": SQUATTER, "password": password})
    if status != 200:
        raise SandboxError("logging %s in to the new controller answered %d %s" % (SQUATTER, status, answer))
    token = answer["token"]
    status, answer = api(port, "POST", "/v1/apps/", {"id": app_id}, token)
    if status == 201 or api(port, "GET", "/v1/apps/%s/" % app_id, token=token)[0] == 200:
        return
    raise SandboxError("the new controller refused app %s for %s: %d %s" % (app_id, SQUATTER, status, answer))
