# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""For the controller tests: the scripted controller's asserts are rewritten by pytest (a mismatch shows both sides), and
every controller client's SSL context (a real one, reading the system's CA bundle, about 30 ms) is built once per set of
options for the session, as the tests make hundreds of clients."""

from __future__ import annotations

import functools

import pytest

pytest.register_assert_rewrite("ansible_collections.deis.platform.tests.unit.plugins.deis_exchanges")

# pylint: disable=wrong-import-position
from ansible_collections.deis.platform.plugins.module_utils import _deis_client  # noqa: E402

REAL_MAKE_CONTEXT = _deis_client.make_context


@functools.lru_cache(maxsize=None)
def cached_context(cafile=None, validate_certs=True, client_cert=None, client_key=None):
    return REAL_MAKE_CONTEXT(cafile=cafile, validate_certs=validate_certs, client_cert=client_cert, client_key=client_key)


@pytest.fixture(autouse=True)
def shared_ssl_contexts(monkeypatch):
    monkeypatch.setattr(_deis_client, "make_context", cached_context)
