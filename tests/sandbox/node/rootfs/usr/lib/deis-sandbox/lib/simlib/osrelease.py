"""The release files a CoreOS or Flatcar /usr partition carries, for a given version.

Formats: deis-v1-facts.md section 6b (coreos/scripts and flatcar/scripts set_lsb_release).
"""
import re

VERSION_RE = re.compile(r"^\d+\.\d+\.\d+$")
COREOS_APPID = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}"
FLAVORS = ("coreos", "flatcar")


def major(version):
    return int(version.split(".")[0])


def coreos_codename(version):
    """Codename in PRETTY_NAME by release branch (none before the 2016 Coeur Rouge branches)."""
    m = major(version)
    if m < 960:
        return None
    if m < 1000:
        return "Coeur Rouge"
    if m < 1262:
        return "MoreOS"
    if m < 1632:
        return "Ladybug"
    if m < 2492:
        return "Rhyolite"
    return "Oklo"


def os_release(flavor, version):
    if flavor == "flatcar":
        return (
            'NAME="Flatcar Container Linux by Kinvolk"\n'
            "ID=flatcar\n"
            "ID_LIKE=coreos\n"
            "VERSION=%(v)s\n"
            "VERSION_ID=%(v)s\n"
            "BUILD_ID=2022-10-26-0001\n"
            "SYSEXT_LEVEL=1.0\n"
            'PRETTY_NAME="Flatcar Container Linux by Kinvolk %(v)s (Oklo)"\n'
            'ANSI_COLOR="38;5;75"\n'
            'HOME_URL="https://flatcar-linux.org/"\n'
            'BUG_REPORT_URL="https://issues.flatcar-linux.org"\n'
            'FLATCAR_BOARD="amd64-usr"\n'
            'CPE_NAME="cpe:2.3:o:flatcar-linux:flatcar_linux:%(v)s:*:*:*:*:*:*:*"\n'
        ) % {"v": version}
    codename = coreos_codename(version)
    pretty = "CoreOS %s" % version + (" (%s)" % codename if codename else "")
    if major(version) >= 1284:
        name, color = '"Container Linux by CoreOS"', '"38;5;75"'
        bug_url = '"https://issues.coreos.com"' if major(version) >= 1353 else '"https://github.com/coreos/bugs/issues"'
        pretty = "Container Linux by CoreOS %s (%s)" % (version, codename)
    else:
        name, color, bug_url = "CoreOS", '"1;32"', '"https://github.com/coreos/bugs/issues"'
    text = (
        "NAME=%s\n"
        "ID=coreos\n"
        "VERSION=%s\n"
        "VERSION_ID=%s\n"
        "BUILD_ID=\n"
        'PRETTY_NAME="%s"\n'
        "ANSI_COLOR=%s\n"
        'HOME_URL="https://coreos.com/"\n'
        "BUG_REPORT_URL=%s\n"
    ) % (name, version, version, pretty, color, bug_url)
    if major(version) >= 1353:
        text += 'COREOS_BOARD="amd64-usr"\n'
    return text


def release_file(flavor, version):
    """/usr/share/<flavor>/release, read by update_engine for the current version."""
    prefix = "FLATCAR" if flavor == "flatcar" else "COREOS"
    return "%s_RELEASE_VERSION=%s\n%s_RELEASE_BOARD=amd64-usr\n%s_RELEASE_APPID=%s\n" % (
        prefix, version, prefix, prefix, COREOS_APPID)


def release_path(flavor):
    return "/usr/share/%s/release" % flavor


def update_conf_paths(flavor):
    """update.conf files in the order update_engine reads them (the /etc one wins)."""
    return ["/etc/%s/update.conf" % flavor, "/usr/share/%s/update.conf" % flavor]


def parse_env(text):
    """KEY=VALUE lines (optional double quotes), as the simulators read config files."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def version_tuple(version):
    return tuple(int(part) for part in version.split("+")[0].split("."))
