#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: deisctl
short_description: Run a deisctl lifecycle command and check that the units really got there
description:
  - Runs C(deisctl install|uninstall|start|stop|restart) on the platform, the stateless platform or named
    components, or C(refresh-units), C(upgrade-prep), C(upgrade-takeover), then reads C(deisctl list) and
    fails naming every unit that is not in the expected state. deisctl itself exits 0 when a unit fails
    to start and when a unit template is missing (C(Error creating), nothing of that batch created); its exit
    code is never trusted.
  - The expected units follow the rules of the deisctl version run (C(deisctl --version)); the stateless platform has
    a logger from v1.11.0 on, which C(stop)/C(uninstall stateless-platform) leave running/installed;
    C(upgrade-takeover --stateless) recreates no logger (reported in RV(upstream_gaps), not failed);
    O(stateless) needs deisctl v1.11.0 or newer.
  - C(refresh-units) writes the templates of O(tag) (default the deisctl's own version) into O(units_path), then
    checks that C(deisctl install) would read them for every component of O(target) (the lookup is per file,
    C($DEISCTL_UNITS), C(~/.deis/units), C(/var/lib/deis/units)).
  - Idempotent for the lifecycle commands other than C(restart); nothing runs when the units already are
    where the command would put them.
  - The work is done by an action plugin of the same name that runs deisctl over the connection (on a
    cluster node, where C(/opt/bin/deisctl) lives, or on a workstation with O(tunnel)), so no Python is
    needed on the node; this file holds the documentation.
author:
  - deis.platform contributors (@deis-platform)
extends_documentation_fragment:
  - deis.platform.deisctl
attributes:
  check_mode:
    support: full
    description: Reads C(deisctl list) and reports whether the command would run.
  diff_mode:
    support: none
    description: No diff.
  platform:
    support: full
    platforms: posix
    description: A node of a Deis v1 cluster, or a workstation with deisctl and O(tunnel).
options:
  command:
    description: The deisctl command.
    type: str
    required: true
    choices: [install, uninstall, start, stop, restart, refresh-units, upgrade-prep, upgrade-takeover]
  target:
    description:
      - For the lifecycle commands, V(platform), V(stateless-platform) or component names such as
        V(controller) or V(router@*).
    type: list
    elements: str
    default: [platform]
  stateless:
    description:
      - Add C(--stateless) to C(upgrade-prep) and C(upgrade-takeover) (deisctl v1.11.0+), and check the stateless
        platform's units.
    type: bool
    default: false
  timeout:
    description: Seconds the deisctl command may run.
    type: int
    default: 3600
  units_path:
    description: For C(refresh-units), where to write the templates (default C($HOME/.deis/units) of the user running deisctl).
    type: str
  tag:
    description: For C(refresh-units), the Deis version whose templates to fetch (default the deisctl's own version).
    type: str
seealso:
  - module: deis.platform.deisctl_config
  - module: deis.platform.deisctl_info
"""

EXAMPLES = r"""
- name: Start the platform and check every unit runs
  deis.platform.deisctl:
    command: start
    target: [platform]

- name: Graceful upgrade, step 1 with the OLD deisctl
  deis.platform.deisctl:
    command: upgrade-prep
    deisctl: /opt/bin/deisctl

- name: Graceful upgrade, step 2 with the NEW deisctl
  deis.platform.deisctl:
    command: upgrade-takeover
    deisctl: /tmp/upgrade/deisctl
"""

RETURN = r"""
units:
  description: C(deisctl list) after the command (before it, when nothing ran).
  type: list
  elements: dict
  returned: success
  contains:
    unit:
      description: Unit name.
      type: str
    machine:
      description: Short machine id.
      type: str
    ip:
      description: Machine IP.
      type: str
    load:
      description: Load state.
      type: str
    active:
      description: Active state.
      type: str
    sub:
      description: Sub state.
      type: str
failed_units:
  description: Units deisctl reported as failed on stderr.
  type: list
  elements: dict
  returned: when the command ran
wrong_units:
  description: Units not in the expected state after the command (missing ones have C(active) V(missing)).
  type: list
  elements: dict
  returned: on failure
missing_components:
  description: Components without a unit after C(upgrade-takeover).
  type: list
  elements: str
  returned: C(upgrade-takeover)
upstream_gaps:
  description: Missing components that deisctl itself does not recreate, with why (not a failure).
  type: dict
  returned: C(upgrade-takeover)
templates:
  description: For C(refresh-units), the template C(deisctl install) reads per component.
  type: dict
  returned: C(refresh-units)
tag:
  description: For C(refresh-units), the version the templates were fetched for.
  type: str
  returned: C(refresh-units)
start:
  description: When the task started (UNIX time).
  type: float
  returned: always
end:
  description: When the task ended (UNIX time).
  type: float
  returned: always
stdout:
  description: deisctl's output, ANSI colours removed.
  type: str
  returned: when the command ran
stderr:
  description: deisctl's error output, ANSI colours removed.
  type: str
  returned: when the command ran
"""
