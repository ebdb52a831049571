# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every action plugin test runs on a fake clock: the plugins' `time` is replaced, so waiting takes no time.
The harness's asserts are rewritten by pytest, so a mismatch shows both sides."""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness")

# pylint: disable=wrong-import-position
from ansible_collections.deis.platform.plugins.action import etcd_health_info, fleet_machines_info, node_reboot, update_engine  # noqa: E402
from ansible_collections.deis.platform.plugins.plugin_utils import _node_command  # noqa: E402
from ansible_collections.deis.platform.tests.unit.plugins.action.node_action_harness import FakeClock  # noqa: E402


@pytest.fixture(name="fake_clock", autouse=True)
def fake_clock_fixture(monkeypatch):
    clock = FakeClock()
    for module in (_node_command, etcd_health_info, fleet_machines_info, node_reboot, update_engine):
        monkeypatch.setattr(module, "time", clock)
    return clock
