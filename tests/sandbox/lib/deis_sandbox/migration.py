"""The app-migration rehearsal of `sandbox up --apps N`: two Deis v1 clusters made of the real upstream
components (upstream.py: the deis/deis controller and the deis-v1-lts docker-registry, built from
shared/upstream/), and the vars file deis.platform.migrate_apps reads.

* old cluster: the controller (v1.12.3, or --old-deis v1.7.3) behind its fault proxy, its own v1
  registry holding its apps' images, N apps seeded through the API as users made them (seeding.py),
  its DNS zone in a real BIND (dns.py);
* new cluster: the controller (v1.13.4, or --new-deis v1.12.3) behind its fault proxy, its own v1
  registry (each publish pushes the release image there), the operator's account and those of the
  old cluster's owners, and its router (router.py).

Each controller runs with several gunicorn threads (one process serving overlapping requests, as a
multi-worker production controller does); the new one's publish recorder spends --publish-delay
seconds per pull, the old one none (it only publishes while it is seeded).  The fault proxies
(faultproxy.py) stand where the clusters' routers stand in front of their controllers; every fault
of `sandbox fault` acts there or on the registries, never inside upstream's code.  With
`up --deis VERSION` the nodes run the old cluster's platform: the old controller's proxy answers
only while fleet runs deis-controller.service (once it has run) and the old registry stops while
fleet runs no deis-registry@N.service (once one has run)."""
import argparse
import concurrent.futures
import http.client
import json
import os
import secrets
import socket
import sqlite3
import sys
import time
import urllib.parse

from deis_sandbox import deisapi, dns, faultproxy, seeding, upstream, v1registry
from deis_sandbox.paths import ETCD_ENDPOINT, migration_ports, state_path
from deis_sandbox.run import SandboxError, read_pid, start_background, stop_pid, wait_until

OLD_DOMAIN = "oldcluster.sandbox.test"
NEW_DOMAIN = "newcluster.sandbox.test"
SIDES = ("old", "new")
DOMAINS = {"old": OLD_DOMAIN, "new": NEW_DOMAIN}
OLD_VERSIONS = ("v1.12.3", "v1.7.3")
NEW_VERSIONS = ("v1.13.4", "v1.12.3")
DNS_KEY_NAME = "deis-sandbox-ddns"
OPERATOR = seeding.ADMIN
# The new cluster's accounts: the operator first (the superuser), then the old owners; dave has none there.
NEW_USERS = seeding.OWNERS
SQUATTER = "squatter"
CONTAINERS = {"registry": "old-registry", "new_registry": "new-registry", "old_controller": "old-controller",
              "new_controller": "new-controller"}
CONTROLLER_THREADS = 8
SEED_THREADS = 8
# Fleet units the gates follow (the platform's unit names, deisctl's units: node/.../simlib/deisplatform.py).
CONTROLLER_UNITS = r"deis-controller\.service"
REGISTRY_UNITS = r"deis-registry@\d+\.service"
GATE_POLL = 0.5
ERROR_SEED = 7


def folder(*parts):
    return state_path("migration", *parts)


def vars_path():
    return state_path("migration-vars.yml")


def data_dir(component):
    """Host folder mounted at /data of a container (old_controller, new_registry, ...)."""
    return folder(component.replace("_", "-"))


def container(component):
    """The container of a component (registry, new_registry, old_controller, new_controller), named after
    DEIS_SANDBOX_CONTAINER_PREFIX (default deis-sandbox-) so that tests can run one beside a sandbox."""
    return os.environ.get("DEIS_SANDBOX_CONTAINER_PREFIX", "deis-sandbox-") + CONTAINERS[component]


def proxy_dir(side):
    return folder(side + "-proxy")


def read_json(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        return None


def write_json(path, data):
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True, ensure_ascii=False)
    os.replace(path + ".tmp", path)


def credentials():
    """Passwords of every account and the old controller's builder key, made once per sandbox."""
    path = folder("credentials.json")
    saved = read_json(path)
    if saved is None:
        saved = {"old": {name: secrets.token_urlsafe(12) for name in seeding.USERS},
                 "new": {name: secrets.token_urlsafe(12) for name in NEW_USERS + (SQUATTER,)},
                 "builder_key": secrets.token_hex(20)}
        write_json(path, saved)
    return saved


def settings():
    """What `up` was asked for (versions, publish delay, gates); None before the first `up`."""
    return read_json(folder("settings.json"))


# -- bringing it up ----------------------------------------------------------------------------------

def ensure_port_free(port, what):
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SandboxError("port %d for the %s is taken (%s); DEIS_SANDBOX_MIGRATION_PORT moves the migration ports"
                               % (port, what, error.strerror)) from error


def endpoint(component):
    return "127.0.0.1:%d" % migration_ports()[component]


def start_registry(component):
    """The old or new cluster's registry container, unless it runs; its host:port."""
    if not upstream.running(container(component)):
        ensure_port_free(migration_ports()[component], component.replace("_", " "))
        upstream.start_registry(container(component), migration_ports()[component], data_dir(component))
    return endpoint(component)


def start_controller(side, config, creds):
    """The side's controller container, unless it runs; its URL."""
    component = side + "_controller"
    port = migration_ports()[component + "_backend"]
    if not upstream.running(container(component)):
        ensure_port_free(port, side + " controller")
        registry = endpoint("registry" if side == "old" else "new_registry")
        upstream.start_controller(container(component), config[side + "_version"], port, DOMAINS[side],
                                  data_dir(component), registry=registry, threads=CONTROLLER_THREADS,
                                  publish_delay=0 if side == "old" else config["publish_delay"],
                                  builder_key=creds["builder_key"])
    return "http://127.0.0.1:%d" % port


def seed_once(count, creds):
    """The old cluster's users and COUNT apps, the new cluster's accounts: once per sandbox (seeded.json)."""
    marker = folder("seeded.json")
    if os.path.exists(marker):
        return read_json(marker)
    started = time.time()
    old = deisapi.Controller("http://" + endpoint("old_controller_backend"))
    planned = seeding.seed(old, endpoint("registry"), count, creds["old"], creds["builder_key"], SEED_THREADS)
    new = deisapi.Controller("http://" + endpoint("new_controller_backend"))
    for user in NEW_USERS:
        answer = new.register(user, creds["new"][user])
        if answer.status != 201:
            raise SandboxError("registering %s on the new controller answered %r" % (user, answer))
    seeded = {"apps": count, "seconds": round(time.time() - started, 1), "plans": planned}
    write_json(marker, seeded)
    log("seeded %d apps on the old controller in %.0f s" % (count, seeded["seconds"]))
    return seeded


def start_proxy(side, config):
    folder_path = proxy_dir(side)
    if read_pid(os.path.join(folder_path, "proxy.pid")):
        return False
    port = migration_ports()[side + "_controller"]
    ensure_port_free(port, side + " controller's proxy")
    gated = side == "old" and config["gated"]
    faultproxy.start(port, migration_ports()[side + "_controller_backend"], folder_path,
                     faultproxy.NGINX_VERSIONS[config[side + "_version"]],
                     gate_etcd=ETCD_ENDPOINT if gated else None, gate_units=CONTROLLER_UNITS if gated else None)
    return True


def start_router(config, sandbox_script):
    if read_pid(folder("router.pid")):
        return False
    port = migration_ports()["router"]
    ensure_port_free(port, "router")
    argv = [sys.executable, sandbox_script, "_router", "--port", str(port),
            "--database", os.path.join(data_dir("new_controller"), "controller.sqlite3"),
            "--registry", endpoint("new_registry"), "--nginx", faultproxy.NGINX_VERSIONS[config["new_version"]]]
    start_background(argv, folder("router.log"), folder("router.pid"))
    wait_until(lambda: answers("http://127.0.0.1:%d/health-check" % port) == 200, 20, what="the router")
    return True


def start_dns():
    port = migration_ports()["dns"]
    if dns.pid(folder("dns")) is None:
        ensure_port_free(port, "DNS server")
    return dns.start(folder("dns"), port, OLD_DOMAIN, DNS_KEY_NAME)


def start_registry_gate(sandbox_script):
    if read_pid(folder("registry-gate.pid")):
        return False
    start_background([sys.executable, sandbox_script, "_registry-gate", "--etcd", ETCD_ENDPOINT],
                     folder("registry-gate.log"), folder("registry-gate.pid"))
    return True


def up(apps, sandbox_script, old_deisctl_host=None, old_version=OLD_VERSIONS[0], new_version=NEW_VERSIONS[0],
       publish_delay=1.0):
    """Bring the rehearsal up (a second run changes nothing) and write the vars file; returns its path.
    With OLD_DEISCTL_HOST (up --deis) the nodes' platform is the old cluster's: the vars file names that node and
    the old controller and registry follow the platform's units."""
    os.makedirs(folder(), exist_ok=True)
    config = {"old_version": old_version, "new_version": new_version, "publish_delay": publish_delay,
              "gated": bool(old_deisctl_host), "apps": apps}
    if settings() not in (None, config):
        raise SandboxError("the migration rehearsal is up with other settings (%s)" % json.dumps(settings(), sort_keys=True))
    write_json(folder("settings.json"), config)
    creds = credentials()
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(start_registry, "registry"), pool.submit(start_registry, "new_registry")]:
            future.result()
        for future in [pool.submit(start_controller, side, config, creds) for side in SIDES]:
            future.result()
    seed_once(apps, creds)
    for side in SIDES:
        start_proxy(side, config)
    if config["gated"]:
        start_registry_gate(sandbox_script)
    start_router(config, sandbox_script)
    start_dns()
    return write_vars(creds, old_deisctl_host)


def write_vars(creds, old_deisctl_host=None):
    """The vars file of migrate_apps (`name: JSON value` lines, which YAML reads too)."""
    ports = migration_ports()
    values = [
        ("deis_old_controller", "http://127.0.0.1:%d" % ports["old_controller"]),
        ("deis_new_controller", "http://127.0.0.1:%d" % ports["new_controller"]),
        ("deis_old_username", OPERATOR), ("deis_old_password", creds["old"][OPERATOR]),
        ("deis_new_username", OPERATOR), ("deis_new_password", creds["new"][OPERATOR]),
        ("deis_old_registry", endpoint("registry")), ("deis_new_registry", endpoint("new_registry")),
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
    os.chmod(vars_path(), 0o600)
    return vars_path()


def read_vars(path):
    """The vars file back as a dict."""
    with open(path, encoding="utf-8") as handle:
        return {name: json.loads(value) for name, _sep, value in
                (line.rstrip("\n").partition(": ") for line in handle if not line.startswith("#") and ": " in line)}


def down():
    """Stop every migration process and container this sandbox started (by PID / by label); the caller removes
    the state."""
    stopped = [stop_pid(folder("registry-gate.pid"))]
    stopped += [faultproxy.stop(proxy_dir(side)) for side in SIDES]
    stopped += [stop_pid(folder("router.pid")), dns.stop(folder("dns"))]
    stopped += [upstream.stop(container(component)) for component in CONTAINERS]
    return sum(1 for was_running in stopped if was_running)


# -- status ------------------------------------------------------------------------------------------

def answers(url):
    """The HTTP status of a GET, or None when nothing answers."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=2)
    try:
        connection.request("GET", parsed.path or "/")
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def app_count(side):
    """Rows of api_app in the side's controller database (None before the schema exists)."""
    database = os.path.join(data_dir(side + "_controller"), "controller.sqlite3")
    if not os.path.exists(database):
        return None
    try:
        with sqlite3.connect("file:%s?mode=ro" % database, uri=True, timeout=5) as connection:
            return connection.execute("SELECT COUNT(*) FROM api_app").fetchone()[0]
    except sqlite3.OperationalError:
        return None


def status():
    ports, config = migration_ports(), settings() or {}
    result = {"vars_file": vars_path(), "credentials_file": folder("credentials.json"),
              "seeded_file": folder("seeded.json")}
    for side in SIDES:
        component = side + "_controller"
        knobs = read_json(faultproxy.knobs_path(proxy_dir(side))) or {}
        result[component] = {
            "url": "http://127.0.0.1:%d" % ports[component], "domain": DOMAINS[side],
            "version": config.get(side + "_version"), "container": container(component),
            "running": upstream.running(container(component)),
            "backend": "http://127.0.0.1:%d" % ports[component + "_backend"],
            "answers": answers("http://127.0.0.1:%d/v1/" % ports[component]) is not None,
            "proxy_pid": read_pid(os.path.join(proxy_dir(side), "proxy.pid")),
            "proxy_log": os.path.join(proxy_dir(side), "proxy.jsonl"), "knobs": knobs,
            "data_dir": data_dir(component), "records": os.path.join(data_dir(component), "publish-records.jsonl"),
            "apps": app_count(side)}
    for component in ("registry", "new_registry"):
        result[component] = {"endpoint": endpoint(component), "container": container(component),
                             "running": upstream.running(container(component)),
                             "healthy": answers("http://%s/v1/_ping" % endpoint(component)) == 200}
    result["registry"]["gate_pid"] = read_pid(folder("registry-gate.pid"))
    result["router"] = {"url": "http://127.0.0.1:%d" % ports["router"], "pid": read_pid(folder("router.pid"))}
    result["dns"] = {"server": "127.0.0.1", "port": ports["dns"], "zone": OLD_DOMAIN, "key_name": DNS_KEY_NAME,
                     "pid": dns.pid(folder("dns")), "healthy": dns.answers(ports["dns"], OLD_DOMAIN)}
    result["publish_delay"] = config.get("publish_delay")
    result["users"] = {"old": list(seeding.USERS), "new": list(NEW_USERS)}
    return result


# -- faults ------------------------------------------------------------------------------------------

def update_knobs(side, **changes):
    path = faultproxy.knobs_path(proxy_dir(side))
    knobs = read_json(path) or {}
    for name, value in changes.items():
        if value is None:
            knobs.pop(name, None)
        else:
            knobs[name] = value
    knobs["seed"] = ERROR_SEED
    faultproxy.write_knobs(path, knobs)


def set_controller_errors(side, fraction):
    """FRACTION of the side's controller requests answered 5xx by its proxy: half refused before they reach the
    controller (503, nginx when the controller is gone), half after it did the work (502, nginx when the
    controller's answer breaks off)."""
    if not fraction:
        update_knobs(side, fail_before=None, fail_after=None)
        return
    # the proxy draws fail_before first, fail_after only for requests that passed it
    update_knobs(side, fail_before={"fraction": fraction / 2, "status": 503},
                 fail_after={"fraction": (fraction / 2) / (1 - fraction / 2), "status": 502})


def add_controller_slow(side, seconds, path=None, method=None, times=None):
    """Answers of the side's controller to matching requests come SECONDS late (after the controller answered)."""
    rule = {"seconds": seconds}
    rule.update({key: value for key, value in (("path", path), ("method", method), ("times", times)) if value})
    knobs = read_json(faultproxy.knobs_path(proxy_dir(side))) or {}
    update_knobs(side, slow=(knobs.get("slow") or []) + [rule])


def stop_registry():
    return upstream.stop(container("registry"))


def restart_registry():
    return start_registry("registry")


def new_controller_as(user, password):
    new = deisapi.Controller("http://" + endpoint("new_controller_backend"))
    if user == SQUATTER:
        answer = new.register(SQUATTER, password)
        if answer.status not in (201, 400):
            raise SandboxError("registering %s on the new controller answered %r" % (SQUATTER, answer))
    return new.login(user, password)


def take_app_name(app_id):
    """Another user (squatter) creates APP_ID on the new controller before the migration does."""
    squatter = new_controller_as(SQUATTER, credentials()["new"][SQUATTER])
    answer = squatter.call("POST", "/v1/apps/", {"id": app_id})
    if answer.status != 201 and squatter.call("GET", "/v1/apps/%s/" % app_id).status != 200:
        raise SandboxError("the new controller refused app %s for %s: %r" % (app_id, SQUATTER, answer))


def drop_registry_tag(app_id, tag=None):
    """Remove the app's TAG (default: its newest v<N>) from the old registry, as a failed or pruned push leaves it;
    remembered so that `fault clear` puts it back.  DELETE /v1/repositories/<repo>/tags/<tag>: deis-v1-lts
    docker_registry/tags.py delete_tag."""
    registry = v1registry.V1Registry(endpoint("registry"))
    tags = registry.tags(app_id) or {}
    releases = sorted((int(name[1:]), name) for name in tags if name[:1] == "v" and name[1:].isdigit())
    tag = tag or (releases[-1][1] if releases else None)
    if tag not in tags:
        raise SandboxError("the old registry has no tag %s:%s (tags: %s)" % (app_id, tag, ", ".join(sorted(tags)) or "none"))
    status = registry.request("DELETE", "/v1/repositories/%s/tags/%s" % (app_id, tag))[0]
    if status != 200:
        raise SandboxError("deleting %s:%s from the old registry answered %d" % (app_id, tag, status))
    dropped = read_json(folder("dropped-tags.json")) or []
    write_json(folder("dropped-tags.json"), dropped + [{"repository": app_id, "tag": tag, "image": tags[tag]}])
    return tag


def reset_faults():
    """Everything `up` left, again: no proxy faults, the old registry running with every dropped tag, no app of the
    squatter on the new controller."""
    for side in SIDES:
        faultproxy.write_knobs(faultproxy.knobs_path(proxy_dir(side)), {})
    restart_registry()
    registry = v1registry.V1Registry(endpoint("registry"))
    for entry in read_json(folder("dropped-tags.json")) or []:
        registry.put_tag(entry["repository"], entry["tag"], entry["image"])
    write_json(folder("dropped-tags.json"), [])
    creds = credentials()["new"]
    backend = deisapi.Controller("http://" + endpoint("new_controller_backend"))
    if backend.call("POST", "/v1/auth/login/", {"username": SQUATTER, "password": creds[SQUATTER]}).status == 200:
        squatter = backend.login(SQUATTER, creds[SQUATTER])
        for app in squatter.apps():
            if app["owner"] == SQUATTER:
                squatter.call("DELETE", "/v1/apps/%s/" % app["id"], expect=204)


# -- the registry's gate -------------------------------------------------------------------------------

def registry_gate_main(argv):
    """`sandbox _registry-gate --etcd URL`: the old registry stops while fleet runs no deis-registry@N unit (once one
    has run) and starts again when one runs."""
    top = argparse.ArgumentParser(prog="sandbox _registry-gate")
    top.add_argument("--etcd", required=True)
    args = top.parse_args(argv)
    gate = faultproxy.PlatformGate(args.etcd, REGISTRY_UNITS)
    was_open = True
    while True:
        is_open = gate.is_open()
        if not is_open and upstream.running(container("registry")):
            upstream.stop(container("registry"))
            log("the old platform's registry units stopped: old registry stopped")
        elif is_open and not was_open:
            restart_registry()
            log("the old platform's registry units run: old registry started")
        was_open = is_open
        time.sleep(GATE_POLL)


def log(message):
    sys.stderr.write("sandbox: %s\n" % message)
