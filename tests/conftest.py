# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""For tests/unit and tests/integration: make ansible_collections.deis.platform importable from this checkout, and give
tests access to the fixtures of real output bytes (tests/unit/fixtures).

When the checkout already lives at .../ansible_collections/deis/platform (as under ansible-test), that tree is used.
Otherwise a session temp dir gets ansible_collections/deis/platform as a symlink to the checkout. Only sys.path is
touched, so this is safe whether or not ansible-core (or its collection loader) is present.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

import pytest

TESTS_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(TESTS_DIR)
FIXTURES_DIR = os.path.join(TESTS_DIR, "unit", "fixtures")


def _collections_root():
    """Return a directory holding ansible_collections/deis/platform that resolves to this checkout."""
    namespace_dir = os.path.dirname(REPO_ROOT)
    collections_dir = os.path.dirname(namespace_dir)
    if (os.path.basename(REPO_ROOT), os.path.basename(namespace_dir), os.path.basename(collections_dir)) == ("platform", "deis", "ansible_collections"):
        return os.path.dirname(collections_dir)
    temp_root = tempfile.mkdtemp(prefix="deis-platform-unit-")
    atexit.register(shutil.rmtree, temp_root, True)  # rmtree removes the symlink itself, never the checkout behind it
    os.makedirs(os.path.join(temp_root, "ansible_collections", "deis"))
    os.symlink(REPO_ROOT, os.path.join(temp_root, "ansible_collections", "deis", "platform"))
    return temp_root


_COLLECTIONS_ROOT = _collections_root()
if _COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, _COLLECTIONS_ROOT)


def read_fixture_text(relative_path):
    """Return a fixture file's exact content (bytes decoded as UTF-8, line endings untouched)."""
    with open(os.path.join(FIXTURES_DIR, relative_path), "rb") as handle:
        return handle.read().decode("utf-8")


@pytest.fixture(name="read_fixture")
def read_fixture_fixture():
    """Give a test the read_fixture_text function."""
    return read_fixture_text
