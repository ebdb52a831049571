# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._os_release import (
    compare_versions,
    os_release_summary,
    parse_coreos_version,
    parse_os_release,
)

COREOS_URLS = {
    "ANSI_COLOR": "1;32",
    "HOME_URL": "https://coreos.com/",
    "BUG_REPORT_URL": "https://github.com/coreos/bugs/issues",
}

FIXTURE_CASES = [
    (
        "os_release/coreos-835.12.0.txt",
        dict(NAME="CoreOS", ID="coreos", VERSION="835.12.0", VERSION_ID="835.12.0", BUILD_ID="", PRETTY_NAME="CoreOS 835.12.0", **COREOS_URLS),
        {
            "id": "coreos", "name": "CoreOS", "pretty_name": "CoreOS 835.12.0", "version": "835.12.0",
            "version_id": "835.12.0", "build_id": None, "flavor": "coreos",
        },
    ),
    (
        "os_release/coreos-899.13.0.txt",
        dict(NAME="CoreOS", ID="coreos", VERSION="899.13.0", VERSION_ID="899.13.0", BUILD_ID="2016-03-23-0120", PRETTY_NAME="CoreOS 899.13.0"),
        {
            "id": "coreos", "name": "CoreOS", "pretty_name": "CoreOS 899.13.0", "version": "899.13.0",
            "version_id": "899.13.0", "build_id": "2016-03-23-0120", "flavor": "coreos",
        },
    ),
    (
        "os_release/coreos-1068.8.0.txt",
        dict(
            NAME="CoreOS", ID="coreos", VERSION="1068.8.0", VERSION_ID="1068.8.0", BUILD_ID="2016-07-18-0616",
            PRETTY_NAME="CoreOS 1068.8.0 (MoreOS)", **COREOS_URLS
        ),
        {
            "id": "coreos", "name": "CoreOS", "pretty_name": "CoreOS 1068.8.0 (MoreOS)", "version": "1068.8.0",
            "version_id": "1068.8.0", "build_id": "2016-07-18-0616", "flavor": "coreos",
        },
    ),
    (
        "os_release/coreos-1122.2.0.txt",
        dict(
            NAME="CoreOS", ID="coreos", VERSION="1122.2.0", VERSION_ID="1122.2.0", BUILD_ID="2016-09-06-1449",
            PRETTY_NAME="CoreOS 1122.2.0 (MoreOS)", **COREOS_URLS
        ),
        {
            "id": "coreos", "name": "CoreOS", "pretty_name": "CoreOS 1122.2.0 (MoreOS)", "version": "1122.2.0",
            "version_id": "1122.2.0", "build_id": "2016-09-06-1449", "flavor": "coreos",
        },
    ),
    (
        "os_release/container-linux-1548.0.0.txt",
        {
            "NAME": "Container Linux by CoreOS", "ID": "coreos", "VERSION": "1548.0.0", "VERSION_ID": "1548.0.0",
            "BUILD_ID": "2017-09-27-0012", "PRETTY_NAME": "Container Linux by CoreOS 1548.0.0 (Ladybug)", "ANSI_COLOR": "38;5;75",
            "HOME_URL": "https://coreos.com/", "BUG_REPORT_URL": "https://issues.coreos.com", "COREOS_BOARD": "amd64-usr",
        },
        {
            "id": "coreos", "name": "Container Linux by CoreOS", "pretty_name": "Container Linux by CoreOS 1548.0.0 (Ladybug)",
            "version": "1548.0.0", "version_id": "1548.0.0", "build_id": "2017-09-27-0012", "flavor": "coreos",
        },
    ),
    (
        "os_release/flatcar-3227.2.4.txt",
        {
            "NAME": "Flatcar Container Linux by Kinvolk", "ID": "flatcar", "ID_LIKE": "coreos", "VERSION": "3227.2.4",
            "VERSION_ID": "3227.2.4", "BUILD_ID": "2022-10-27-1321", "SYSEXT_LEVEL": "1.0",
            "PRETTY_NAME": "Flatcar Container Linux by Kinvolk 3227.2.4 (Oklo)", "ANSI_COLOR": "38;5;75",
            "HOME_URL": "https://flatcar.org/", "BUG_REPORT_URL": "https://issues.flatcar.org", "FLATCAR_BOARD": "amd64-usr",
            "CPE_NAME": "cpe:2.3:o:flatcar-linux:flatcar_linux:3227.2.4:*:*:*:*:*:*:*",
        },
        {
            "id": "flatcar", "name": "Flatcar Container Linux by Kinvolk", "pretty_name": "Flatcar Container Linux by Kinvolk 3227.2.4 (Oklo)",
            "version": "3227.2.4", "version_id": "3227.2.4", "build_id": "2022-10-27-1321", "flavor": "flatcar",
        },
    ),
]


@pytest.mark.parametrize("fixture, expected_parsed, expected_summary", FIXTURE_CASES, ids=[case[0] for case in FIXTURE_CASES])
def test_parse_os_release_fixtures(read_fixture, fixture, expected_parsed, expected_summary):
    parsed = parse_os_release(read_fixture(fixture))
    assert parsed == expected_parsed
    assert os_release_summary(parsed) == expected_summary


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("A=plain\n", {"A": "plain"}, id="unquoted"),
        pytest.param('A="two words"\n', {"A": "two words"}, id="double-quoted"),
        pytest.param("A='it''s'\n", {"A": "its"}, id="adjacent-single-quoted"),
        pytest.param("A='a \"b\" $c \\d'\n", {"A": 'a "b" $c \\d'}, id="single-quotes-keep-everything"),
        pytest.param('A="q\\"uote \\$HOME \\`x\\` back\\\\slash \\n"\n', {"A": 'q"uote $HOME `x` back\\slash \\n'}, id="double-quote-escapes"),
        pytest.param("A=one\\ two\n", {"A": "one two"}, id="unquoted-escape"),
        pytest.param("A=\nB=''\nC=\"\"\n", {"A": "", "B": "", "C": ""}, id="empty-values"),
        pytest.param("# comment\n\n   \nA=1 # trailing comment\n", {"A": "1"}, id="comments-and-blank-lines"),
        pytest.param("A=1\r\nB=\"2\"\r\n", {"A": "1", "B": "2"}, id="crlf"),
        pytest.param("A=first\nA=second\n", {"A": "second"}, id="last-assignment-wins"),
        pytest.param("  A=indented\n", {"A": "indented"}, id="leading-whitespace"),
        pytest.param("A=#not-a-comment\n", {"A": "#not-a-comment"}, id="hash-inside-word"),
        pytest.param('BAD="unterminated\nOK=1\n', {"OK": "1"}, id="unterminated-double-quote-ignored"),
        pytest.param("BAD='unterminated\nOK=1\n", {"OK": "1"}, id="unterminated-single-quote-ignored"),
        pytest.param("BAD=two words\nOK=1\n", {"OK": "1"}, id="unquoted-space-ignored"),
        pytest.param("BAD=trailing\\\nOK=1\n", {"OK": "1"}, id="trailing-backslash-ignored"),
        pytest.param("1BAD=x\nno equals sign\n=x\nexport BAD=1\nOK=1\n", {"OK": "1"}, id="malformed-keys-ignored"),
        pytest.param("", {}, id="empty"),
    ],
)
def test_parse_os_release_shell_rules(text, expected):
    assert parse_os_release(text) == expected


@pytest.mark.parametrize(
    "parsed, expected_flavor",
    [
        pytest.param({"ID": "coreos"}, "coreos", id="coreos"),
        pytest.param({"ID": "flatcar", "ID_LIKE": "coreos"}, "flatcar", id="flatcar-id-wins-over-id-like"),
        pytest.param({"ID": "mycorp", "ID_LIKE": "flatcar coreos"}, "flatcar", id="derivative-of-flatcar"),
        pytest.param({"ID": "mycorp", "ID_LIKE": "fedora coreos"}, "coreos", id="derivative-of-coreos"),
        pytest.param({"ID": "ubuntu", "ID_LIKE": "debian"}, None, id="other-system"),
        pytest.param({}, None, id="nothing"),
    ],
)
def test_summary_flavor(parsed, expected_flavor):
    assert os_release_summary(parsed)["flavor"] == expected_flavor


def test_summary_of_empty_input_is_all_none():
    assert os_release_summary({}) == {
        "id": None, "name": None, "pretty_name": None, "version": None, "version_id": None, "build_id": None, "flavor": None,
    }


@pytest.mark.parametrize(
    "version, expected",
    [
        ("1068.8.0", (1068, 8, 0)),
        ("835.12.0", (835, 12, 0)),
        ("3227.2.4", (3227, 2, 4)),
        ("1068.8.0+2016-07-18-1642", (1068, 8, 0)),
        ("1122.0.0+jenkins2-master-1234", (1122, 0, 0)),
        (" 899.13.0\n", (899, 13, 0)),
        ("0.0.0.0", (0, 0, 0, 0)),
    ],
)
def test_parse_coreos_version(version, expected):
    assert parse_coreos_version(version) == expected


@pytest.mark.parametrize(
    "version, message",
    [
        ("", "not a CoreOS/Flatcar version: ''"),
        ("1068", "not a CoreOS/Flatcar version: '1068'"),
        ("1068.8", "not a CoreOS/Flatcar version: '1068.8'"),
        ("v1068.8.0", "not a CoreOS/Flatcar version: 'v1068.8.0'"),
        ("1068.8.0-rc1", "not a CoreOS/Flatcar version: '1068.8.0-rc1'"),
        ("1068.8.0+", "not a CoreOS/Flatcar version: '1068.8.0+'"),
        ("1068..0", "not a CoreOS/Flatcar version: '1068..0'"),
        ("CoreOS 1068.8.0", "not a CoreOS/Flatcar version: 'CoreOS 1068.8.0'"),
        (None, "expected a CoreOS/Flatcar version string such as '1068.8.0', got NoneType None"),
        (1068, "expected a CoreOS/Flatcar version string such as '1068.8.0', got int 1068"),
    ],
)
def test_parse_coreos_version_rejects_junk(version, message):
    with pytest.raises(ValueError) as excinfo:
        parse_coreos_version(version)
    assert str(excinfo.value).startswith(message)


@pytest.mark.parametrize(
    "left, right, expected",
    [
        ("835.12.0", "899.13.0", -1),
        ("1068.8.0", "1068.8.0", 0),
        ("1068.10.0", "1068.8.0", 1),
        ("1068.8.0+2016-07-18-1642", "1068.8.0", 0),
        ("0.0.0", "0.0.0.0", 0),
        ((1068, 8, 0), "1010.5.0", 1),
        ("766.4.0", (766, 5, 0), -1),
        ([3227, 2, 4], (3227, 2, 4), 0),
    ],
)
def test_compare_versions(left, right, expected):
    assert compare_versions(left, right) == expected


@pytest.mark.parametrize("left, right", [("1068.8.0", "latest"), ((), "1.0.0"), ((1, True, 0), "1.1.0"), ("1.0.0", 1.0)])
def test_compare_versions_rejects_junk(left, right):
    with pytest.raises(ValueError):
        compare_versions(left, right)
