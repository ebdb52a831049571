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
  ca_path:
    description: PEM file of the CA certificates to verify the controllers with (a private CA), instead of the system's.
    type: path
  client_cert:
    description: PEM file of a client certificate (and its key, unless O(client_key) is given) for controllers behind TLS client authentication.
    type: path
  client_key:
    description: PEM file of the key of O(client_cert).
    type: path
  use_proxy:
    description: Use the proxy named by the C(http_proxy), C(https_proxy) and C(no_proxy) environment variables.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for the answer to a short request (reads, login, create, domains, sharing).
    type: float
    default: 30
  long_timeout:
    description:
      - Seconds to wait for the answer to a build, a config change or a scale, which the controller does inside the request
        (pull, environment layer, push, start); upstream's controller allows 1200 seconds (gunicorn timeout).
    type: float
    default: 1200
  retries:
    description:
      - How many times a read (GET) is repeated after a connection error or a 5xx answer, with exponential backoff.
      - A write (POST, DELETE) is never repeated blindly. After a timeout, a lost connection or a 5xx the state is read
        again, and the write is sent again (at most this many times) only when it did not take effect.
    type: int
    default: 4
  retry_delay:
    description: Seconds before the first retry; each further retry waits twice as long (at most 30 s).
    type: float
    default: 0.5
notes:
  - Runs on the control node (or wherever the task is delegated to) and talks HTTP(S) to the controller with
    C(ansible.module_utils.urls).
  - The API token is sent only to the controller's host; a redirect to another host is refused, and a warning says when
    the password or the token goes over plain C(http).
  - All deis_* modules belong to the action group C(deis.platform.deis), so the options above can be set once with
    C(module_defaults) and C(group/deis.platform.deis).
"""
