# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""deisctl (Deis v1): argument lists, output parsers and the checks that decide success, per deisctl version.

deisctl's exit code is not to be trusted: it exits 0 when a unit fails to start or a unit template is
missing, and `deisctl --version` exits 1 before v1.8.  Everything here reads what deisctl printed.
Sources: deis/deis at the tags named (deisctl/), as collected in the project's deisctl upstream facts.
"""

import re

from ansible_collections.deis.platform.plugins.module_utils._fleetctl import parse_list_units

LIST_FIELDS = ("unit", "machine", "load", "active", "sub")
VERSION_RE = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)$")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")
# start.go:91 / stop.go:93 (v1.9+): the expanded target, `deis-<c>` or `deis-<c>@N.service`.
FAILED_RE = re.compile(r"The service '(?P<unit>[^']+)' failed while (?P<action>starting|stopping)\.")
NOT_FOUND_RE = re.compile(r"Could not find unit: (?P<unit>\S+?\.service)")
# create.go:27 (v1.9+: `Error creating: ` + unit.go:139), printState before v1.9 (v1.7.3 unit.go:106).
TEMPLATE_MISSING_RE = re.compile(r"Could not find unit template for (?P<component>[a-z][a-z-]*)")
KEY_NOT_FOUND_RE = re.compile(r"^Error: 100: Key not found \((?P<key>[^)]*)\)")
COMPONENT_RE = re.compile(r"^[a-z][a-z-]*(@[0-9*]+)?$")
PLATFORM_TARGETS = ("platform", "stateless-platform")
STATEFUL = ("store-monitor", "store-daemon", "store-metadata", "store-gateway", "store-volume")
# The components `deisctl install platform` creates (v1.13.4 cmd.go:295-330), in their unit name order.
PLATFORM = STATEFUL + ("logger", "logspout", "database", "registry", "controller", "builder", "publisher", "router")
STATELESS = ("logspout", "registry", "controller", "builder", "publisher", "router")
# The stateless platform installs and starts a logger from v1.11.0 (386ff9e1; v1.11.0 cmd.go:319-320, v1.10.1
# cmd.go:313-355 has none); stop and uninstall of it skip the logger in every version (v1.13.4 cmd.go:200-238, 354-393).
STATELESS_LOGGER_FROM = (1, 11, 0)
# `upgrade-prep/-takeover --stateless` exist from v1.11.0 (v1.11.0 client.go:73-109); before, docopt's usage error, exit 1.
STATELESS_FLAG_FROM = (1, 11, 0)
GRACEFUL_FROM = (1, 9, 0)
TAKEOVER_DROPS_LOGGER = ("upgrade-takeover --stateless does not recreate the logger that upgrade-prep destroyed "
                         "(deis/deis v1.13.4 deisctl/cmd/upgrade.go:112-138); install it with `deisctl install logger` "
                         "and `deisctl start logger`")
# refresh-units (v1.13.4 cmd.go:439,444,449; v1.7.3 cmd.go:588): stdout lines.
REFRESHED_RE = re.compile(r"^Refreshed (?P<unit>deis-[a-z-]+)(?P<kind> unit| decorator|) from (?P<tag>\S+)$")
DECORATOR_MISSING_RE = re.compile(r"^Decorator for (?P<unit>deis-[a-z-]+) not found in (?P<tag>\S+)$")
RELEASE_RE = re.compile(r"""^\s*DEIS_RELEASE=["']?(?P<version>[^"'\s]*)["']?\s*$""")
SOURCE_KEY = "/deis/platform/version"
SOURCE_RELEASE = "DEIS_RELEASE of /etc/deis-release"
SOURCE_CONTROLLER = "the controller's DEIS_PLATFORM_VERSION header"


def parse_version(text):
    """'1.13.4' or 'v1.13.4' -> (1, 13, 4); ValueError for anything else."""
    match = VERSION_RE.match(text.strip())
    if not match:
        raise ValueError("%r is not a Deis version like v1.13.4" % text)
    return tuple(int(part) for part in match.groups())


def version_string(version):
    """The platform version key's form, with the v: (1, 13, 4) or '1.13.4' -> 'v1.13.4'."""
    if isinstance(version, str):
        version = parse_version(version)
    return "v%d.%d.%d" % version


def deisctl_version(rc, stdout):
    """`deisctl --version` -> 'v1.7.2'.  v1.0-v1.7 print the version and exit 1; accept that, and
    nothing else that does not print a bare version."""
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    if len(lines) == 1 and VERSION_RE.match(lines[0]) and rc in (0, 1):
        return version_string(lines[0])
    raise ValueError("deisctl --version printed %r (rc %s), not a version" % (stdout.strip(), rc))


def strip_ansi(text):
    return ANSI_RE.sub("", text)


def parse_list(stdout):
    """`deisctl list` -> [{"unit", "machine", "ip", "load", "active", "sub"}]."""
    return parse_list_units(strip_ansi(stdout), fields=LIST_FIELDS, legend=True)


def unit_failures(stderr, stdout=""):
    """Units deisctl named as failed (it still exits 0 for them): failed while starting/stopping, not found, no unit
    template (`Error creating: ...`), from either stream (v1.9.0-v1.10.0 swap them; v1.7-v1.8 print them on stdout)."""
    text = strip_ansi(stderr) + "\n" + strip_ansi(stdout)  # over SSH with a pseudo-terminal stderr arrives in stdout
    failed = [{"unit": service_name(m.group("unit")), "while": m.group("action")} for m in FAILED_RE.finditer(text)]
    failed += [{"unit": m.group("unit"), "while": "not found"} for m in NOT_FOUND_RE.finditer(text)]
    failed += [{"unit": "deis-%s" % m.group("component"), "while": "creating: no unit template"}
               for m in TEMPLATE_MISSING_RE.finditer(text)]
    return failed


def service_name(target):
    """`deis-controller` (start.go's target) -> `deis-controller.service`."""
    return target if target.endswith(".service") else target + ".service"


def error_message(stdout, stderr):
    """deisctl's own error (it prints `Error: ...` on stdout), or the last line of stderr."""
    for line in strip_ansi(stdout).splitlines():
        if line.startswith("Error: "):
            return line
    lines = [line for line in strip_ansi(stderr).splitlines() if line.strip()]
    return lines[-1] if lines else ""


def config_value(rc, stdout):
    """`deisctl config T get K` -> the value, or None when the key does not exist."""
    if rc != 0:
        if KEY_NOT_FOUND_RE.match(stdout.strip()):
            return None
        raise ValueError("deisctl config get failed (rc %s): %s" % (rc, stdout.strip()))
    return stdout[:-1] if stdout.endswith("\n") else stdout


def unit_name(component):
    """'controller' -> 'deis-controller'; 'router@*' stays a pattern 'deis-router@*'."""
    if not COMPONENT_RE.match(component):
        raise ValueError("%r is not a Deis component name like controller or router@1" % component)
    return "deis-" + component


def component_of(unit):
    """deis-router@2.service -> router."""
    return unit[len("deis-"):].split("@")[0].split(".")[0] if unit.startswith("deis-") else unit


def platform_components(command, stateless, version):
    """The components `deisctl <command> [stateless-]platform` acts on, for deisctl `version` (a tuple).

    The stateless platform has no store and no database (v1.8.0 cmd.go:302-334); install/start add the logger from
    v1.11.0; stop/uninstall never touch it (so after them a v1.11+ stateless logger still runs / is still installed).
    """
    if not stateless:
        return PLATFORM
    if command in ("install", "start", "restart") and version >= STATELESS_LOGGER_FROM:
        return ("logger",) + STATELESS
    return STATELESS


def takeover_components(stateless, version):
    """What the platform holds after `upgrade-takeover` of deisctl `version`: before v1.11 the full stateful platform
    (v1.10.1 upgrade.go:77-107, no --stateless); from v1.11 installUpgradeServices (v1.13.4 upgrade.go:112-138), which
    with --stateless recreates no logger."""
    if version < STATELESS_FLAG_FROM or not stateless:
        return PLATFORM
    return STATELESS


def takeover_gaps(stateless, version):
    """{component: why} missing after a correct upgrade-takeover: upstream's, reported and not failed."""
    if stateless and version >= STATELESS_FLAG_FROM:
        return {"logger": TAKEOVER_DROPS_LOGGER}
    return {}


def missing_components(units, components):
    """The components of which `deisctl list` shows no unit."""
    listed = {component_of(u["unit"]) for u in units}
    return [c for c in components if c not in listed]


def units_of(units, target, version=None, command="install"):
    """The listed units that belong to a target (platform, stateless-platform or a component); for the stateless
    platform, those `command` acts on in deisctl `version` (None: every stateless component)."""
    if target == "platform":
        return list(units)
    if target == "stateless-platform":
        wanted = platform_components(command, True, version) if version else ("logger",) + STATELESS
        return [u for u in units if component_of(u["unit"]) in wanted]
    pattern = unit_name(target)
    if pattern.endswith("@*"):
        prefix = pattern[:-1]
        return [u for u in units if u["unit"].startswith(prefix)]
    if "@" in pattern:
        return [u for u in units if u["unit"] == pattern + ".service"]
    return [u for u in units if u["unit"] == pattern + ".service" or u["unit"].startswith(pattern + "@")]


def is_running(unit):
    return unit["active"] == "active" and unit["sub"] == "running"


def is_stopped(unit):
    return unit["active"] in ("inactive", "failed") or unit["sub"] in ("dead", "failed")


def not_in_state(units, command):
    """Units that a finished command left in the wrong state (empty list = it worked)."""
    if command in ("start", "restart", "upgrade-takeover"):
        return [u for u in units if not is_running(u)]
    if command == "stop":
        return [u for u in units if not is_stopped(u)]
    if command == "install":
        return [u for u in units if u["load"] != "loaded"]
    if command == "uninstall":
        return list(units)
    return []


def needs_action(units, command):
    """Whether a lifecycle command has anything to do for these (target) units."""
    if command == "install":
        return not units
    if command == "uninstall":
        return bool(units)
    if command == "start":
        return not units or any(not is_running(u) for u in units)
    if command == "stop":
        return any(not is_stopped(u) for u in units)
    return True


def describe(units):
    return ", ".join("%s %s/%s" % (u["unit"], u["active"], u["sub"]) for u in units)


def parse_refresh_units(stdout):
    """`deisctl refresh-units` -> {"tag", "units": [deis-<c>], "decorators": [...], "error"}: ValueError on a line
    it does not print."""
    result = {"tag": None, "units": [], "decorators": [], "error": None}
    for line in strip_ansi(stdout).splitlines():
        if not line.strip():
            continue
        refreshed, missing = REFRESHED_RE.match(line), DECORATOR_MISSING_RE.match(line)
        if refreshed:
            kind = "decorators" if refreshed.group("kind") == " decorator" else "units"
            result[kind].append(refreshed.group("unit"))
            result["tag"] = refreshed.group("tag")
        elif missing:
            result["tag"] = missing.group("tag")
        elif line.startswith("Error: "):
            result["error"] = line
        else:
            raise ValueError("refresh-units printed %r" % line)
    return result


def template_paths(home, deisctl_units=""):
    """Where deisctl install reads deis-<c>.service, in order (v1.13.4 fleet.go:38-42; DEISCTL_UNITS skipped when empty)."""
    return [folder for folder in (deisctl_units, (home.rstrip("/") if home else "") + "/.deis/units", "/var/lib/deis/units")
            if folder]


def parse_sha256sum(stdout):
    """`sha256sum FILE...` -> {path: digest} of the files that exist (missing ones go to stderr)."""
    digests = {}
    for line in stdout.splitlines():
        digest, _sep, path = line.partition("  ")
        if len(digest) == 64 and path:
            digests[path] = digest
    return digests


def template_problems(components, folders, digests, refreshed_folder):
    """The components whose template `deisctl install` would read is not the one refresh-units just wrote into
    `refreshed_folder`: [{"component", "used", "reason"}] (empty: install uses the refreshed templates).  The lookup
    is per file: the first folder holding deis-<c>.service wins (v1.13.4 unit.go:122-146)."""
    problems = []
    for component in components:
        name = "deis-%s.service" % component
        fresh = digests.get(refreshed_folder.rstrip("/") + "/" + name)
        used = next((folder.rstrip("/") + "/" + name for folder in folders if folder.rstrip("/") + "/" + name in digests), None)
        if fresh is None:
            problems.append({"component": component, "used": used, "reason": "refresh-units wrote no %s" % name})
        elif used is None:
            problems.append({"component": component, "used": None, "reason": "no template in %s" % ", ".join(folders)})
        elif digests[used] != fresh:
            problems.append({"component": component, "used": used,
                             "reason": "%s comes first and differs from the refreshed one" % used})
    return problems


def parse_deis_release(text):
    """/etc/deis-release (Deis user-data write_files: `DEIS_RELEASE=v1.13.4`) -> 'v1.13.4', or None."""
    for line in text.splitlines():
        match = RELEASE_RE.match(line)
        if match:
            try:
                return version_string(match.group("version"))
            except ValueError:
                return None
    return None


def resolve_platform_version(key, release=None, controller=None):
    """The running platform version and where it came from, as get_image picks the image tag (user-data.example,
    v1.13.4 :137): the /deis/platform/version key, else DEIS_RELEASE; else (no node file at hand) what the controller
    reports in DEIS_PLATFORM_VERSION (controller/deis/middleware.py:4-9, every v1.7-v1.13 tag).
    -> {"version", "source"}; version None when none of them is known."""
    for value, source in ((key, SOURCE_KEY), (release, SOURCE_RELEASE), (controller, SOURCE_CONTROLLER)):
        if value:
            return {"version": version_string(value), "source": source}
    return {"version": None, "source": None}


def target_images(version, stateless, pins):
    """The images the units of `install [stateless-]platform` of `version` run: /deis/<c>/image when pinned, else
    deis/<c>:v<version> (get_image); the data containers' alpine (3.2 from v1.12.0, v1.12.3 deis-builder.service:7;
    3.1 before, pulled by `docker run`, v1.11.0 :7).  store-volume runs no container."""
    components = [c for c in platform_components("install", stateless, parse_version(version)) if c != "store-volume"]
    images = [strip_slash(pins.get(c)) or "deis/%s:%s" % (c, version_string(version)) for c in components]
    alpine = "alpine:3.2" if parse_version(version) >= (1, 12, 0) else "alpine:3.1"
    needs_alpine = not stateless or any(c in ("builder", "database") for c in components)
    return sorted(set(images + ([alpine] if needs_alpine else [])))


def strip_slash(image):
    """get_image's `${IMAGE#/}`: one leading slash removed."""
    return image[1:] if image and image.startswith("/") else image
