# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.deis.platform.plugins.module_utils._locksmith import classify_error, parse_semaphore, parse_status

HOLDER = "69d27b356a94476da859461d3a3bc6fd"


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("locksmith/status-held.txt", {"available": 0, "max": 1, "holders": [HOLDER]}),
        ("locksmith/status-free.txt", {"available": 1, "max": 1, "holders": []}),
    ],
)
def test_parse_status_fixtures(read_fixture, fixture, expected):
    assert parse_status(read_fixture(fixture)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param(
            "Available: -1\nMax: 2\n\nMACHINE ID\n0a\n1b\n2c\n", {"available": -1, "max": 2, "holders": ["0a", "1b", "2c"]},
            id="over-held-after-set-max",
        ),
        pytest.param("Available: 4\r\nMax: 4\r\n", {"available": 4, "max": 4, "holders": []}, id="crlf"),
    ],
)
def test_parse_status_variants(text, expected):
    assert parse_status(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("", "missing the 'Available: <n>' line", id="empty"),
        pytest.param("Available: 1\n", "missing the 'Max: <n>' line", id="no-max"),
        pytest.param("Max: 1\nAvailable: 1\n", "line 1: expected 'Available: <n>', got 'Max: 1'", id="swapped"),
        pytest.param("Available: one\nMax: 1\n", "line 1: expected 'Available: <n>', got 'Available: one'", id="not-a-number"),
        pytest.param("Available: 0\nMax: 1\n\n" + HOLDER + "\n", f"line 4: expected the holders header 'MACHINE ID', got '{HOLDER}'", id="no-holders-header"),
        pytest.param("Available: 0\nMax: 1\n\nMACHINE ID\na b\n", "line 5: expected one machine ID, got 'a b'", id="holder-with-space"),
        pytest.param("Error initializing etcd client: x\n", "line 1: expected 'Available: <n>'", id="error-text"),
    ],
)
def test_parse_status_rejects_malformed(text, message):
    with pytest.raises(ValueError, match=message):
        parse_status(text)


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("locksmith/semaphore-holders-null.txt", {"semaphore": 1, "max": 1, "holders": []}),
        ("locksmith/semaphore-holders-empty.txt", {"semaphore": 1, "max": 1, "holders": []}),
        ("locksmith/semaphore-held.txt", {"semaphore": 0, "max": 1, "holders": [HOLDER]}),
    ],
)
def test_parse_semaphore_fixtures(read_fixture, fixture, expected):
    assert parse_semaphore(read_fixture(fixture)) == expected


def test_parse_semaphore_readme_layout_and_missing_holders():
    assert parse_semaphore('{"semaphore": 1, "max": 1, "holders": []}') == {"semaphore": 1, "max": 1, "holders": []}
    assert parse_semaphore('{"semaphore":2,"max":3}') == {"semaphore": 2, "max": 3, "holders": []}


@pytest.mark.parametrize(
    "text, message",
    [
        pytest.param("", "locksmith semaphore: not valid JSON", id="empty"),
        pytest.param("Error: 100: Key not found", "locksmith semaphore: not valid JSON", id="etcdctl-error"),
        pytest.param("[1, 1]", "expected a JSON object, got '\\[1, 1\\]'", id="array"),
        pytest.param('{"max":1,"holders":null}', "'semaphore' must be an integer, got None", id="no-semaphore"),
        pytest.param('{"semaphore":"1","max":1}', "'semaphore' must be an integer, got '1'", id="string-semaphore"),
        pytest.param('{"semaphore":1,"max":true}', "'max' must be an integer, got True", id="bool-max"),
        pytest.param('{"semaphore":1,"max":1,"holders":"abc"}', "'holders' must be null or a list of machine IDs, got 'abc'", id="holders-string"),
        pytest.param('{"semaphore":1,"max":1,"holders":[1]}', "'holders' must be null or a list of machine IDs, got \\[1\\]", id="holders-ints"),
    ],
)
def test_parse_semaphore_rejects_malformed(text, message):
    with pytest.raises(ValueError, match=message):
        parse_semaphore(text)


@pytest.mark.parametrize(
    "stderr, expected",
    [
        pytest.param("locksmith/lock-semaphore-full.stderr.txt", "semaphore_full", id="semaphore-full"),
        pytest.param("locksmith/lock-holder-exists.stderr.txt", "holder_exists", id="holder-exists"),
        pytest.param("locksmith/unlock-holder-missing.stderr.txt", "holder_missing", id="holder-missing"),
    ],
)
def test_classify_error_fixtures(read_fixture, stderr, expected):
    assert classify_error(read_fixture(stderr)) == expected


@pytest.mark.parametrize(
    "stderr, expected",
    [
        pytest.param("Error locking: semaphore is at -1\n", "semaphore_full", id="negative-semaphore"),
        pytest.param("Error locking: holder does not exist\n", "other", id="wrong-verb"),
        pytest.param("Error unlocking: holder exists\n", "other", id="wrong-verb-2"),
        pytest.param("Error initializing etcd client: dial tcp 127.0.0.1:2379: connection refused\n", "other", id="etcd-down"),
        pytest.param("", "other", id="empty"),
        pytest.param(None, "other", id="none"),
    ],
)
def test_classify_error_variants(stderr, expected):
    assert classify_error(stderr) == expected
