"""The Deis v1 platform as the sandbox simulates it: components, their fleet unit files, images, router ports.

Every component is a real systemd unit on a node, driven by /usr/lib/deis-sandbox/deis-component:
start-pre takes a few seconds (activating/start-pre), then a long-running process; router@N answers
HTTP on 127.0.0.1:(ROUTER_BASE_PORT + N) with its image in the body.
"""
from simlib.etcd2 import EtcdError, EtcdUnreachable

ROUTER_BASE_PORT = 8080
COMPONENT_SCRIPT = "/usr/lib/deis-sandbox/deis-component"
STORE = ("store-monitor", "store-daemon", "store-metadata", "store-gateway", "store-volume")
COMPONENTS = STORE + ("logger", "logspout", "database", "registry", "controller", "builder", "publisher", "router")
TEMPLATES = ("store-gateway", "registry", "router")
START_PRE_SECONDS = 2.0
RELEASE_FILE = "/etc/deis-release"

UNIT_TEMPLATE = """[Unit]
Description=deis-%(component)s (sandbox simulation of the Deis %(component)s container)

[Service]
TimeoutStartSec=20m
ExecStartPre=%(script)s start-pre %(target)s
ExecStart=%(script)s run %(target)s
ExecStopPost=%(script)s stopped %(target)s
TimeoutStopSec=10
%(fleet)s"""


def unit_name(target):
    return "deis-%s.service" % target


def split_target(target):
    """router@2 -> ("router", "2"); controller -> ("controller", None)."""
    component, _sep, instance = target.partition("@")
    return component, instance or None


def unit_file(component):
    """The unit file deisctl submits for a component (templates use systemd's %i)."""
    target = component + "@%i" if component in TEMPLATES else component
    fleet = "\n[X-Fleet]\nConflicts=deis-%s@*.service\n" % component if component in TEMPLATES else ""
    return UNIT_TEMPLATE % {"component": component, "script": COMPONENT_SCRIPT, "target": target, "fleet": fleet}


def router_port(instance):
    return ROUTER_BASE_PORT + int(instance)


def release_version(text):
    for line in text.splitlines():
        if line.startswith("DEIS_RELEASE="):
            return line.split("=", 1)[1].strip()
    return None


def get_image(etcd, component, release_text=""):
    """/run/deis/bin/get_image: /deis/<c>/image, else deis/<c>:<platform version>, else $DEIS_RELEASE."""
    for key, form in (("/deis/%s/image" % component, "%s"), ("/deis/platform/version", "deis/" + component + ":%s")):
        try:
            return form % etcd.get(key)["node"]["value"]
        except (EtcdError, EtcdUnreachable):
            continue
    release = release_version(release_text)
    return "deis/%s:%s" % (component, release) if release else None
