"""The Deis v1 platform as the sandbox simulates it, per version: components, the unit templates deisctl
installs, images, router ports.

Every component is a real systemd unit on a node.  Its ExecStartPre lines pull the image exactly as the
upstream unit files do (`IMAGE=$(get_image /deis/<c>) && docker history $IMAGE ... || docker pull`,
with the flock wrapper from v1.11.1/v1.11.2 on, the alpine data-container lines); `docker` on the node is the
sandbox's stand-in (/usr/bin/docker), whose pull takes the sandbox's --pull-seconds.  The container itself is
/usr/lib/deis-sandbox/deis-component: router@N answers HTTP on 127.0.0.1:(ROUTER_BASE_PORT + N).

unit_template()/decorator_template() are the sandbox's unit source: deisctl refresh-units reads them in place
of https://raw.githubusercontent.com/deis/deis/<tag>/deisctl/units/ (units.URL), so no network is needed; a
tag the sandbox does not know answers like a missing GitHub file (404).
"""
from simlib.etcd2 import EtcdError, EtcdUnreachable

# The deisctl versions the sandbox builds (classes of deisctl-upstream-facts.md: A 1.7.2, D 1.10.1, E 1.11.0 and
# 1.12.3, F 1.13.4).
VERSIONS = ("1.7.2", "1.10.1", "1.11.0", "1.12.3", "1.13.4")
ROUTER_BASE_PORT = 8080
COMPONENT_SCRIPT = "/usr/lib/deis-sandbox/deis-component"
STORE = ("store-monitor", "store-daemon", "store-metadata", "store-gateway", "store-volume")
COMPONENTS = STORE + ("logger", "logspout", "database", "registry", "controller", "builder", "publisher", "router")
# Instance units (deis-<c>@N.service): [X-Fleet] Conflicts=deis-<c>@*.service (v1.13.4 deis-router.service:18).
TEMPLATES = ("store-gateway", "registry", "router")
START_PRE_SECONDS = 1.0
RELEASE_FILE = "/etc/deis-release"
GET_IMAGE = "/run/deis/bin/get_image"
BASE_IMAGES = ("alpine:3.1", "alpine:3.2")
# Lock file of the flock pull wrapper (deisctl-upstream-facts.md section 2, "Unit files").
STORE_PULL = ("store-admin", "store-daemon", "store-gateway", "store-metadata", "store-monitor")
# The first version whose unit pulls through flock: v1.11.1 for these, v1.11.2 for the others.
FLOCK_FROM_1_11_1 = ("logspout", "publisher") + STORE_PULL
# Components with a data container (`docker run --name deis-<c>-data ... alpine /bin/true`, v1.7.3 deis-builder.service:7).
DATA_VOLUMES = {"builder": "-v /var/lib/docker", "database": "-v /var/lib/postgresql",
                "store-daemon": "-v /var/lib/ceph/osd", "store-monitor": "-v /etc/ceph -v /var/lib/ceph/mon"}
# units.Names (deisctl/units/units.go): the files refresh-units writes, in its order.
NAMES_1_7 = ("builder", "cache", "controller", "database", "logger", "logspout", "publisher", "registry", "router",
             "store-admin", "store-daemon", "store-gateway", "store-metadata", "store-monitor", "store-volume",
             "swarm-manager", "swarm-node")
SCHEDULERS_1_9 = ("mesos-marathon", "mesos-master", "mesos-slave", "zookeeper", "kube-apiserver",
                  "kube-controller-manager", "kube-kubelet", "kube-proxy", "kube-scheduler")
# Decorator metadata (deisctl/units/decorators/*.service.decorator, v1.10.0+); controlPlane for the rest.
PLACEMENT = {"publisher": "dataPlane", "router": "routerMesh"}


def version_tuple(version):
    """'1.12.3' or 'v1.12.3' -> (1, 12, 3)."""
    return tuple(int(part) for part in version.lstrip("v").split("."))


def unit_names(version):
    """units.Names of a deisctl version: v1.7.3/v1.8.0 units.go (17), + schedulers from v1.9.0 (26), - cache from
    v1.11.0 (25), only the platform from v1.13.0 (14)."""
    v = version_tuple(version)
    if v >= (1, 13):
        return tuple(name for name in NAMES_1_7 if name not in ("cache", "swarm-manager", "swarm-node"))
    names = NAMES_1_7 + (SCHEDULERS_1_9 if v >= (1, 9) else ())
    return tuple(name for name in names if name != "cache") if v >= (1, 11) else names


def known_tag(tag):
    return tag.startswith("v") and tag[1:] in VERSIONS


def pull_line(component, version):
    """A unit's image pull: v1.13.4 deis-controller.service:9 (flock), v1.7.3 deis-controller.service:9 (without)."""
    v = version_tuple(version)
    uses_flock = v >= ((1, 11, 1) if component in FLOCK_FROM_1_11_1 else (1, 11, 2))
    pull = "docker pull $IMAGE"
    if uses_flock:
        pull = "flock -w 1200 /var/run/lock/%s docker pull $IMAGE" % ("store-pull" if component in STORE_PULL else "alpine-pull")
    return ('ExecStartPre=/bin/sh -c "IMAGE=`%s /deis/%s` && docker history $IMAGE >/dev/null 2>&1 || %s"'
            % (GET_IMAGE, component, pull))


def data_container_lines(component, version):
    """The data container: alpine:3.1 pulled implicitly by `docker run` up to v1.11.0 (v1.11.0 deis-builder.service:7),
    an explicit flock pull of alpine from v1.11.1/v1.11.2, alpine:3.2 from v1.12.0 (v1.12.3 deis-builder.service:7-8)."""
    if component not in DATA_VOLUMES:
        return []
    v = version_tuple(version)
    volumes = DATA_VOLUMES[component]
    explicit_from = (1, 11, 1) if component in ("store-daemon", "store-monitor") else (1, 11, 2)
    if v < explicit_from:
        return ['ExecStartPre=/bin/sh -c "docker inspect deis-%s-data >/dev/null 2>&1 || docker run --name deis-%s-data %s '
                'alpine:3.1 /bin/true"' % (component, component, volumes)]
    base = "alpine:3.2" if v >= (1, 12) else "alpine:3.1"
    return ['ExecStartPre=/bin/sh -c "IMAGE=%s && docker history $IMAGE >/dev/null 2>&1 || flock -w 1200 '
            '/var/run/lock/alpine-pull docker pull $IMAGE"' % base,
            'ExecStartPre=/bin/sh -c "IMAGE=%s && docker inspect deis-%s-data >/dev/null 2>&1 || docker run --name '
            'deis-%s-data %s $IMAGE /bin/true"' % (base, component, component, volumes)]


UNIT_TEMPLATE = """[Unit]
Description=deis-%(component)s
# Deis sandbox: deis/deis %(tag)s deisctl/units/deis-%(component)s.service with its image pull lines as they are
# upstream; the container is %(script)s.

[Service]
TimeoutStartSec=%(timeout)s
%(pulls)s
ExecStartPre=%(script)s start-pre %(target)s
ExecStart=%(script)s run %(target)s
ExecStopPost=%(script)s stopped %(target)s
TimeoutStopSec=10
%(fleet)s"""


def unit_template(component, tag):
    """deisctl/units/deis-<component>.service of `tag` as the sandbox serves it; None when the tag or the file does
    not exist (refresh-units then fails with `404 Not Found`)."""
    if not known_tag(tag) or component not in unit_names(tag):
        return None
    version = tag[1:]
    pulls = data_container_lines(component, version)
    if component != "store-volume":  # store-volume runs no container (v1.13.4 deis-store-volume.service)
        pulls.append(pull_line(component, version))
    target = component + "@%i" if component in TEMPLATES else component
    fleet = "\n[X-Fleet]\nConflicts=deis-%s@*.service\n" % component if component in TEMPLATES else ""
    return UNIT_TEMPLATE % {"component": component, "tag": tag, "script": COMPONENT_SCRIPT, "target": target,
                            "timeout": "30m" if component in ("builder", "registry") else "20m",
                            "pulls": "\n".join(pulls), "fleet": fleet}


def decorator_template(component, tag):
    """deisctl/units/decorators/deis-<component>.service.decorator (v1.10.0+): the placement metadata (v1.13.4
    deis-controller.service.decorator; deis-logspout's is empty), under an [X-Fleet] header where the sandbox's
    template has none."""
    if not known_tag(tag) or version_tuple(tag) < (1, 10) or component not in unit_names(tag):
        return None
    if component == "logspout":
        return ""
    line = 'MachineMetadata="%s=true"' % PLACEMENT.get(component, "controlPlane")
    return line if component in TEMPLATES else "\n[X-Fleet]\n" + line


def unit_name(target):
    return "deis-%s.service" % target


def split_target(target):
    """router@2 -> ("router", "2"); controller -> ("controller", None)."""
    component, _sep, instance = target.partition("@")
    return component, instance or None


def router_port(instance):
    return ROUTER_BASE_PORT + int(instance)


def release_version(text):
    for line in text.splitlines():
        if line.startswith("DEIS_RELEASE="):
            return line.split("=", 1)[1].strip()
    return None


def get_image(etcd, component, release_text=""):
    """/run/deis/bin/get_image: /deis/<c>/image, else deis/<c>:<platform version>, else $DEIS_RELEASE, leading slash
    removed (user-data.example, v1.13.4 :137)."""
    for key, form in (("/deis/%s/image" % component, "%s"), ("/deis/platform/version", "deis/" + component + ":%s")):
        try:
            return (form % etcd.get(key)["node"]["value"]).lstrip("/")
        except (EtcdError, EtcdUnreachable):
            continue
    release = release_version(release_text)
    return "deis/%s:%s" % (component, release) if release else None


def registry_images():
    """What `docker pull` finds in the sandbox's registry: deis/<c>:v<version> of every simulated version, alpine."""
    return {"deis/%s:v%s" % (component, version) for component in COMPONENTS if component != "store-volume"
            for version in VERSIONS} | set(BASE_IMAGES)


def platform_images(version, stateless=False):
    """Images the units of `install [stateless-]platform` of `version` run (get_image with that version) and alpine."""
    components = [c for c in COMPONENTS if c != "store-volume" and not (stateless and (c in STORE or c == "database"))]
    images = ["deis/%s:v%s" % (c, version.lstrip("v")) for c in components]
    return images + ["alpine:3.2" if version_tuple(version) >= (1, 12) else "alpine:3.1"]
