# -*- coding: utf-8 -*-
# Copyright (c) 2026 deis.platform contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# Note that this module util is **PRIVATE** to the collection. It can have breaking changes at any time.

"""What the deis_* modules share: their connection and transport options (doc fragment deis.platform.deis_api), the deis
client's session file, a logged-in client from the options, and running a module's work with clean failures."""

import json
import os

from ansible_collections.deis.platform.plugins.module_utils._deis_client import (
    DEFAULT_LONG_TIMEOUT, DEFAULT_TIMEOUT, PAGE_SIZE, DeisApiError, DeisClient, normalize_url)

TRANSPORT_OPTIONS = ("validate_certs", "ca_path", "client_cert", "client_key", "use_proxy", "timeout", "long_timeout", "retries",
                     "retry_delay")


def transport_argument_spec():
    """The options of the deis.platform.deis_api.transport doc fragment."""
    return {"validate_certs": {"type": "bool", "default": True}, "ca_path": {"type": "path"}, "client_cert": {"type": "path"},
            "client_key": {"type": "path", "no_log": False}, "use_proxy": {"type": "bool", "default": True},
            "timeout": {"type": "float", "default": DEFAULT_TIMEOUT}, "long_timeout": {"type": "float", "default": DEFAULT_LONG_TIMEOUT},
            "retries": {"type": "int", "default": 4}, "retry_delay": {"type": "float", "default": 0.5}}


def connection_argument_spec():
    """The options of the deis.platform.deis_api doc fragment and its transport section."""
    return {
        "controller": {"type": "str"}, "username": {"type": "str"}, "password": {"type": "str", "no_log": True},
        "token": {"type": "str", "no_log": True}, "profile": {"type": "str"}, **transport_argument_spec(),
    }


def transport_options(params):
    """The DeisClient keyword arguments of the transport options in PARAMS."""
    return {name: params[name] for name in TRANSPORT_OPTIONS}


# -- the deis client's session file ------------------------------------------------------------------

def session_path(profile=None):
    """~/.deis/<profile>.json as the deis client names it ($DEIS_PROFILE, else client)."""
    name = profile or os.environ.get("DEIS_PROFILE") or "client"
    return os.path.join(os.path.expanduser("~"), ".deis", name + ".json")


def read_session(path):
    """The deis client's session file as a dict; ValueError when it is missing or unusable."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise ValueError("no deis session file at %s: give controller and username/password or token, or run 'deis login'" % path)
    except ValueError as error:
        raise ValueError("the deis session file %s is not valid JSON: %s" % (path, error))
    if not isinstance(data, dict) or not data.get("token") or not data.get("controller"):
        raise ValueError("the deis session file %s has no controller and token: log in again" % path)
    return data


def session_content(controller, username, token, validate_certs):
    """The session file the Go client writes (client/controller/client/client.go)."""
    return {"username": username, "ssl_verify": bool(validate_certs), "controller": controller, "token": token, "response_limit": PAGE_SIZE}


def write_session(path, data):
    """Write DATA as JSON to PATH with mode 0600; returns True when the file changed."""
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    try:
        with open(path, encoding="utf-8") as handle:
            same = handle.read() == text
    except (FileNotFoundError, UnicodeDecodeError):
        same = False
    mode_ok = os.path.exists(path) and (os.stat(path).st_mode & 0o777) == 0o600
    if same and mode_ok:
        return False
    write_private_file(path, text)
    return True


def write_private_file(path, text):
    """TEXT at PATH, mode 0600 (its folder 0700 when made), replaced atomically."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


# -- clients from options ----------------------------------------------------------------------

def client_from_options(url=None, username=None, password=None, token=None, profile=None, clients=None, **transport):
    """A logged-in client: token as given, else a login with username/password, else the deis client's session file.

    The client is added to CLIENTS (a list) before it logs in, so that its warnings reach the module even when it fails.
    """
    if not token and not (username and password):
        session = read_session(session_path(profile))
        url = url or session["controller"]
        if normalize_url(url) != normalize_url(session["controller"]):
            raise ValueError("the deis session file is for %s, not %s: give username/password or token" % (session["controller"], url))
        token = session["token"]
    if not url:
        raise ValueError("no controller URL given")
    client = DeisClient(url, token, **transport)
    if clients is not None:
        clients.append(client)
    if not token:
        client.login(username, password)
    return client


def client_from_params(params, clients=None):
    """A logged-in DeisClient from module params holding the connection options (added to CLIENTS)."""
    return client_from_options(params["controller"], params["username"], params["password"], params["token"], params["profile"],
                               clients, **transport_options(params))


def run_module(module, work):
    """Call WORK(module, clients) and exit with the result it returns; controller and option errors become fail_json.

    WORK adds the clients it makes to CLIENTS: their warnings (credentials over plain http) become the module's.
    """
    clients = []
    try:
        result = work(module, clients)
    except DeisApiError as error:
        warn_from(module, clients)
        module.fail_json(msg=str(error), details=error.details())
    except ValueError as error:
        warn_from(module, clients)
        module.fail_json(msg=str(error))
    warn_from(module, clients)
    module.exit_json(**result)


def warn_from(module, clients):
    seen = set()
    for client in clients:
        for warning in client.warnings:
            if warning not in seen:
                seen.add(warning)
                module.warn(warning)
