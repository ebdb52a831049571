"""Which update_engine and locksmith a CoreOS or Flatcar release ships, and what that changes in their behaviour.

From coreos-upstream-facts.md section 0: the ebuild a coreos/coreos-overlay build-N branch builds for amd64
(`git show build-N:coreos-base/update_engine/update_engine-*.ebuild`, CROS_WORKON_COMMIT).
"""
from simlib.osrelease import major

# (first CoreOS build, update_engine tag whose code it ships)
COREOS_UPDATE_ENGINE = (
    (0, "v0.1.3"),      # 668-1122 ship c88492c = v0.1.3 (update_engine-0.1.0-r3/-r4); 494-647 older commits
    (1153, "v0.2.2"),   # first amd64 glog build
    (1185, "v0.3.2"),
    (1192, "v0.4.0"),
    (1220, "v0.4.1"),   # coreos/bugs#1625 fixed: no setgoodroot when the completed marker exists
    (1235, "v0.4.3"),   # LAST_CHECKED_TIME on a noupdate answer, the real NEW_VERSION (v0.4.2 commits)
)
FLATCAR_UPDATE_ENGINE = "flatcar"  # flatcar/update_engine (glog, `Flatcar Update Engine starting`, client e826e24)


def update_engine_version(flavor, version):
    if flavor == "flatcar":
        return FLATCAR_UPDATE_ENGINE
    build = major(version)
    return [tag for first, tag in COREOS_UPDATE_ENGINE if build >= first][-1]


class UpdateEngine:
    """What one update_engine release does differently."""

    def __init__(self, flavor, os_version):
        self.tag = update_engine_version(flavor, os_version)
        self.flavor = flavor
        coreos_build = 10 ** 6 if flavor == "flatcar" else major(os_version)
        # Chromium base/logging up to v0.1.3; glog from v0.2 (commit 1605ef8, shipped from build 1153).
        self.log_style = "chromium" if self.tag == "v0.1.3" else "glog"
        # v0.2.x clients log before InitGoogleLogging (coreos/bugs#1517; fixed by b7a586e in v0.3.0).
        self.client_glog_warning = self.tag == "v0.2.2"
        # v0.4.1 (8dfc537): a daemon started with the completed marker does not run coreos-setgoodroot.
        self.setgoodroot_when_staged = coreos_build < 1220
        # v0.4.2 (fd784a2): LAST_CHECKED_TIME also moves on a noupdate answer, NEW_VERSION is the offered version.
        self.checked_time_on_noupdate = coreos_build >= 1235
        self.reports_new_version = coreos_build >= 1235
        # flatcar/update_engine e826e24: `-update` ending IDLE says `No update available`, exit 0.
        self.client_idle_is_no_update = flavor == "flatcar"
        self.zero_version = "0.0.0" if coreos_build >= 1235 else "0.0.0.0"
        self.product = "Flatcar" if flavor == "flatcar" else "CoreOS"
        self.omaha_url = ("https://public.update.flatcar-linux.net/v1/update/" if flavor == "flatcar"
                          else "https://public.update.core-os.net/v1/update/")
        self.omaha_host = self.omaha_url.split("/")[2]


def locksmith_generation(flavor, version):
    """"0.3" (go-etcd client: locksmith 0.3.x on CoreOS <= 1122) or "0.4" (etcd/client: 0.4.1+ from 1185, Flatcar)."""
    if flavor == "flatcar" or major(version) >= 1185:
        return "0.4"
    return "0.3"
