# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    """Connection options shared by the deis_* modules: one Deis v1 controller (DOCUMENTATION), and how every
    controller call is made (TRANSPORT, also used by deis_migrate with its two controllers)."""

    DOCUMENTATION = r"""
options:
  controller:
    description:
      - URL of the Deis controller, for example C(http://deis.example.com); C(http://) is added when no scheme is given.
      - When omitted, the controller of the deis client's session file (see O(profile)) is used.
    type: str
  username:
    description:
      - User to log in as, together with O(password).
      - Without O(token) and without O(username)/O(password), the token of the deis client's session file is used.
    type: str
  password:
    description: Password of O(username).
    type: str
  token:
    description: An API token (as C(deis login) stores it); used instead of logging in.
    type: str
  profile:
    description:
      - Name of the deis client's session file C(~/.deis/<profile>.json); defaults to C($DEIS_PROFILE), else C(client).
    type: str
"""

    TRANSPORT = r"""
options:
  validate_certs:
    description: Verify the controllers' TLS certificates. Only turn this off for test clusters.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each answer.
    type: float
    default: 30
  retries:
    description:
      - How many times a call is repeated after a connection error or a 5xx answer, with exponential backoff.
    type: int
    default: 4
  retry_delay:
    description: Seconds before the first retry; each further retry waits twice as long (at most 30 s).
    type: float
    default: 0.5
notes:
  - Runs on the control node (or wherever the task is delegated to) and talks HTTP(S) to the controller with the Python standard library.
  - All deis_* modules belong to the action group C(deis.platform.deis), so O(validate_certs), O(timeout), O(retries) and
    O(retry_delay) can be set once with C(module_defaults) and C(group/deis.platform.deis).
"""
