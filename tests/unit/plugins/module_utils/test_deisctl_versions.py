# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The deisctl rules that depend on the deisctl version, where the platform version comes from, refresh-units and the
template lookup (deis/deis deisctl/ at the tags named; fixtures in tests/unit/fixtures/deisctl, see its README)."""

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._deisctl import (
    PLATFORM, SOURCE_CONTROLLER, SOURCE_KEY, SOURCE_RELEASE, config_value, missing_components, parse_deis_release,
    parse_refresh_units, parse_sha256sum, platform_components, resolve_platform_version, takeover_components, takeover_gaps,
    target_images, template_paths, template_problems, unit_failures, units_of)

V1_10, V1_11, V1_12, V1_13 = (1, 10, 1), (1, 11, 0), (1, 12, 3), (1, 13, 4)


def unit(name, active="active", sub="running"):
    return {"unit": name, "machine": "3c5b9f7e...", "ip": "10.0.1.11", "load": "loaded", "active": active, "sub": sub}


# -- the stateless platform per version ----------------------------------------------------------------

@pytest.mark.parametrize("command, version, has_logger", [
    ("install", V1_10, False),  # v1.10.1 cmd.go:313-355
    ("start", V1_10, False),
    ("install", V1_11, True),   # v1.11.0 cmd.go:319-320 (386ff9e1)
    ("start", V1_12, True),     # v1.12.3 cmd.go:149-152
    ("install", V1_13, True),   # v1.13.4 cmd.go:303-305
    ("stop", V1_13, False),     # v1.13.4 cmd.go:200-238: stateless stops logspout only
    ("uninstall", V1_12, False),  # v1.12.3 cmd.go:381-420
])
def test_stateless_logger_per_version(command, version, has_logger):
    components = platform_components(command, True, version)
    assert ("logger" in components) is has_logger
    assert not {"database", "store-daemon", "store-volume"} & set(components)


def test_the_stateful_platform_is_the_same_for_every_command():
    assert all(platform_components(command, False, V1_10) == PLATFORM for command in ("install", "start", "stop", "uninstall"))
    assert len(PLATFORM) == 13


def test_stop_of_the_stateless_platform_ignores_the_running_logger():
    """After `stop stateless-platform` (v1.13.4, run) the logger still runs: it is not a unit stop left running."""
    units = [unit("deis-logger.service"), unit("deis-controller.service", "inactive", "dead")]
    assert [u["unit"] for u in units_of(units, "stateless-platform", V1_13, "stop")] == ["deis-controller.service"]
    assert [u["unit"] for u in units_of(units, "stateless-platform", V1_13, "start")] == ["deis-logger.service", "deis-controller.service"]


@pytest.mark.parametrize("stateless, version, expected_logger, gaps", [
    (True, V1_13, False, {"logger"}),   # installUpgradeServices: logspout only (v1.13.4 upgrade.go:112-138)
    (False, V1_13, True, set()),
    (True, V1_10, True, set()),         # v1.10.1 upgrade.go:77-107: the full stateful platform
])
def test_takeover_components(stateless, version, expected_logger, gaps):
    assert ("logger" in takeover_components(stateless, version)) is expected_logger
    assert set(takeover_gaps(stateless, version)) == gaps


def test_missing_components():
    units = [unit("deis-router@1.service"), unit("deis-controller.service")]
    assert missing_components(units, ("router", "controller", "logger")) == ["logger"]


# -- deisctl's words --------------------------------------------------------------------------------------

def test_install_without_templates_is_a_failure_per_batch(read_fixture):
    """create.go:24-29 (run, v1.13.4): one `Error creating` per batch on stderr, exit 0."""
    failures = unit_failures(read_fixture("deisctl/install-platform-no-templates.stderr.txt"),
                             read_fixture("deisctl/install-platform-no-templates.stdout.txt"))
    assert failures == [{"unit": "deis-%s" % c, "while": "creating: no unit template"}
                        for c in ("store-daemon", "logger", "database", "publisher", "router")]


def test_failed_start_names_the_target(read_fixture):
    """start.go:91: `The service 'deis-logger' failed while starting.` (the target, without .service)."""
    assert unit_failures(read_fixture("deisctl/start-logger-failed.stderr.txt")) == [
        {"unit": "deis-logger.service", "while": "starting"}]


def test_takeover_without_templates(read_fixture):
    """The run of deisctl-upstream-facts.md section 3: routers and publisher destroyed, nothing created; the message
    without a newline (`could not find unit: deis-registry`) is not a unit."""
    failures = unit_failures(read_fixture("deisctl/takeover-no-templates.stderr.txt"))
    assert {f["unit"] for f in failures if f["while"] == "creating: no unit template"} == {
        "deis-router", "deis-publisher", "deis-logspout", "deis-registry"}
    assert [f["unit"] for f in failures if f["while"] == "not found"] == [
        "deis-router@1.service", "deis-router@2.service", "deis-router@3.service", "deis-publisher.service",
        "deis-logspout.service", "deis-builder.service", "deis-publisher.service"]


def test_prep_of_a_stateless_platform_only_reports_the_database_as_not_found(read_fixture):
    assert unit_failures(read_fixture("deisctl/prep-stateless-v1.12.3.stderr.txt")) == [
        {"unit": "deis-database.service", "while": "not found"}]


@pytest.mark.parametrize("fixture", ["deisctl/config-get-version-missing.stdout.txt", "deisctl/config-get-version-empty-etcd.stdout.txt"])
def test_missing_version_key_in_either_form(read_fixture, fixture):
    """go-etcd's `%v: %v (%v) [%v]` (etcd/error.go:27): the cause is the first missing path component."""
    assert config_value(1, read_fixture(fixture)) is None


# -- refresh-units and the template lookup ----------------------------------------------------------------------

def test_parse_refresh_units_v1_13(read_fixture):
    parsed = parse_refresh_units(read_fixture("deisctl/refresh-units-v1.13.4.stdout.txt"))
    assert parsed["tag"] == "v1.13.4" and parsed["error"] is None
    assert len(parsed["units"]) == 14 and parsed["units"] == parsed["decorators"]


def test_parse_refresh_units_older_forms(read_fixture):
    older = parse_refresh_units(read_fixture("deisctl/refresh-units-tag-v1.9.0.stdout.txt"))
    assert (older["tag"], len(older["units"]), older["decorators"]) == ("v1.9.0", 14, [])
    v17 = parse_refresh_units(read_fixture("deisctl/refresh-units-v1.7.3.stdout.txt"))
    assert (v17["tag"], v17["units"][1], len(v17["units"])) == ("v1.7.3", "deis-cache", 17)
    partial = parse_refresh_units(read_fixture("deisctl/refresh-units-partial-404.stdout.txt"))
    assert (partial["units"], partial["error"]) == (["deis-builder"], "Error: 404 Not Found")


def test_parse_refresh_units_rejects_other_lines():
    with pytest.raises(ValueError, match="refresh-units printed"):
        parse_refresh_units("Downloading deis-builder\n")


def test_template_paths():
    """fleet.go:38-42 (v1.13.4): DEISCTL_UNITS when set, $HOME/.deis/units, /var/lib/deis/units."""
    assert template_paths("/home/core") == ["/home/core/.deis/units", "/var/lib/deis/units"]
    assert template_paths("/home/core/", "/srv/units") == ["/srv/units", "/home/core/.deis/units", "/var/lib/deis/units"]
    assert template_paths("") == ["/.deis/units", "/var/lib/deis/units"]


def test_parse_sha256sum():
    text = "%s  /home/core/.deis/units/deis-router.service\n%s  /var/lib/deis/units/deis-router.service\n" % ("a" * 64, "b" * 64)
    assert parse_sha256sum(text) == {"/home/core/.deis/units/deis-router.service": "a" * 64,
                                     "/var/lib/deis/units/deis-router.service": "b" * 64}


FOLDERS = ["/home/core/.deis/units", "/var/lib/deis/units"]


def test_refreshed_home_templates_win_over_old_global_ones():
    digests = {"/home/core/.deis/units/deis-router.service": "new", "/var/lib/deis/units/deis-router.service": "old"}
    assert template_problems(["router"], FOLDERS, digests, "/home/core/.deis/units") == []


def test_a_stale_template_earlier_in_the_lookup_is_a_problem():
    digests = {"/srv/units/deis-router.service": "old", "/home/core/.deis/units/deis-router.service": "new"}
    problems = template_problems(["router", "logger"], ["/srv/units"] + FOLDERS, digests, "/home/core/.deis/units")
    assert problems == [
        {"component": "router", "used": "/srv/units/deis-router.service",
         "reason": "/srv/units/deis-router.service comes first and differs from the refreshed one"},
        {"component": "logger", "used": None, "reason": "refresh-units wrote no deis-logger.service"}]


def test_refreshing_into_the_global_folder_is_shadowed_by_home():
    digests = {"/home/core/.deis/units/deis-router.service": "old", "/var/lib/deis/units/deis-router.service": "new"}
    assert template_problems(["router"], FOLDERS, digests, "/var/lib/deis/units")[0]["used"] == "/home/core/.deis/units/deis-router.service"


# -- the platform version ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("DEIS_RELEASE=v1.13.4\n", "v1.13.4"),
    ('DEIS_RELEASE="v1.12.3"\n', "v1.12.3"),
    ("# comment\nDEIS_RELEASE=1.7.3\n", "v1.7.3"),
    ("DEIS_RELEASE=latest\n", None),
    ("", None),
])
def test_parse_deis_release(text, expected):
    assert parse_deis_release(text) == expected


def test_deis_release_fixture(read_fixture):
    """user-data.example v1.13.4 :126-128 (write_files /etc/deis-release)."""
    assert parse_deis_release(read_fixture("deisctl/deis-release-v1.13.4.txt")) == "v1.13.4"


@pytest.mark.parametrize("key, release, controller, expected", [
    ("v1.13.4", "v1.12.3", "1.12.3", {"version": "v1.13.4", "source": SOURCE_KEY}),
    (None, "v1.12.3", "1.13.4", {"version": "v1.12.3", "source": SOURCE_RELEASE}),
    (None, None, "1.12.3", {"version": "v1.12.3", "source": SOURCE_CONTROLLER}),
    (None, None, None, {"version": None, "source": None}),
])
def test_resolve_platform_version(key, release, controller, expected):
    """get_image's order (user-data.example v1.13.4 :137): the key, then DEIS_RELEASE; the controller last."""
    assert resolve_platform_version(key, release, controller) == expected


# -- the images of a version --------------------------------------------------------------------------

def test_target_images_of_the_platform():
    images = target_images("v1.13.4", False, {})
    assert len(images) == 13 and "alpine:3.2" in images and "deis/store-volume:v1.13.4" not in images
    assert "deis/controller:v1.13.4" in images


def test_target_images_honour_pins_and_the_stateless_set():
    images = target_images("1.12.3", True, {"controller": "/registry.example/controller:custom", "database": "x"})
    assert "registry.example/controller:custom" in images and "x" not in images
    assert "deis/logger:v1.12.3" in images and not any("store" in image for image in images)
    stateless = ("logspout", "registry", "controller", "builder", "publisher", "router")
    assert target_images("v1.10.1", True, {}) == sorted(["deis/%s:v1.10.1" % c for c in stateless] + ["alpine:3.1"])


def test_failures_merged_into_stdout_by_a_pseudo_terminal(read_fixture):
    merged = read_fixture("deisctl/install-platform-no-templates.stdout.txt") + read_fixture("deisctl/start-logger-failed.stderr.txt")
    assert [f["while"] for f in unit_failures("", merged)] == ["starting"]
