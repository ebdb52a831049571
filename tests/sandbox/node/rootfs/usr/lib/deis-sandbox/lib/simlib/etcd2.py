"""A small etcd v2 API client (the API fleet, locksmith and deisctl of the Deis v1 era speak)."""
import http.client
import json
import urllib.error
import urllib.parse
import urllib.request

from simlib import node

DEFAULT_ENDPOINTS = "http://127.0.0.1:2379,http://127.0.0.1:4001"
# A node of `sandbox up --etcd members` runs its own etcd member, but shares the host's loopback with the other
# nodes, so the member listens on the node's own loopback address (node.env ETCD_LOOPBACK_ADDRESS) instead of
# 127.0.0.1. The etcd client ports of 127.0.0.1 -- every tool's default, meaning "this node's member" on a real
# node -- are dialled there. Messages keep naming the URL the tool was given.
LOCAL_CLIENT_PORTS = (2379, 4001)
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def dial_url(endpoint, loopback_address):
    """The URL to connect to for ENDPOINT on a node whose member listens on LOOPBACK_ADDRESS (None: no member)."""
    parsed = urllib.parse.urlsplit(endpoint)
    if not loopback_address or parsed.hostname not in LOCAL_HOSTS or parsed.port not in LOCAL_CLIENT_PORTS:
        return endpoint
    return urllib.parse.urlunsplit(parsed._replace(netloc="%s:%d" % (loopback_address, parsed.port)))


class EtcdError(Exception):
    """An error answered by etcd, in its JSON error form."""

    def __init__(self, code, message, cause="", index=0):
        super().__init__("%s: %s (%s) [%s]" % (code, message, cause, index))
        self.code = code
        self.message = message
        self.cause = cause
        self.index = index


class EtcdUnreachable(Exception):
    """No endpoint answered."""


class Etcd2:
    def __init__(self, endpoints=None, timeout=5.0):
        endpoints = endpoints or DEFAULT_ENDPOINTS
        if isinstance(endpoints, str):
            endpoints = [e.strip() for e in endpoints.split(",") if e.strip()]
        self.endpoints = [e.rstrip("/") for e in endpoints]
        loopback_address = node.config().get("ETCD_LOOPBACK_ADDRESS")
        self.dial = {endpoint: dial_url(endpoint, loopback_address) for endpoint in self.endpoints}
        self.timeout = timeout
        self.last_index = None

    def _request(self, method, key, params=None, form=None, timeout=None):
        path = "/v2/keys/" + urllib.parse.quote(key.lstrip("/"))
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        last_error = None
        for endpoint in self.endpoints:
            request = urllib.request.Request(self.dial[endpoint] + path + query, data=data, method=method)
            if data is not None:
                request.add_header("Content-Type", "application/x-www-form-urlencoded")
            try:
                with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                    self.last_index = response.headers.get("X-Etcd-Index")
                    return json.loads(response.read().decode())
            except urllib.error.HTTPError as error:
                body = error.read().decode(errors="replace")
                try:
                    payload = json.loads(body)
                except ValueError:
                    last_error = EtcdUnreachable("%s answered HTTP %s" % (endpoint, error.code))
                    continue
                self.last_index = error.headers.get("X-Etcd-Index")
                raise EtcdError(payload.get("errorCode"), payload.get("message"),
                                payload.get("cause", ""), payload.get("index", 0))
            except (OSError, urllib.error.URLError, http.client.HTTPException) as error:
                # HTTPException: the member went away in the middle of its answer (a long-poll watch, a reboot).
                last_error = EtcdUnreachable("%s: %s" % (endpoint, error))
        raise last_error or EtcdUnreachable("no endpoint")

    def get(self, key, recursive=False, wait=False, wait_index=None, timeout=None):
        params = {}
        if recursive:
            params["recursive"] = "true"
        if wait:
            params["wait"] = "true"
            if wait_index is not None:
                params["waitIndex"] = str(wait_index)
        return self._request("GET", key, params, timeout=timeout)

    def set(self, key, value, ttl=None, prev_exist=None, prev_index=None, prev_value=None, refresh=False):
        form = {"value": value} if value is not None else {}
        params = {}
        if ttl is not None:
            form["ttl"] = str(int(ttl))
        if prev_exist is not None:
            params["prevExist"] = "true" if prev_exist else "false"
        if prev_index is not None:
            params["prevIndex"] = str(prev_index)
        if prev_value is not None:
            params["prevValue"] = prev_value
        if refresh:
            form["refresh"] = "true"
        return self._request("PUT", key, params, form=form)

    def delete(self, key, recursive=False, prev_index=None):
        params = {}
        if recursive:
            params["recursive"] = "true"
        if prev_index is not None:
            params["prevIndex"] = str(prev_index)
        return self._request("DELETE", key, params)

    def children(self, key, recursive=True):
        """The child nodes of a directory, [] when it does not exist."""
        try:
            node = self.get(key, recursive=recursive)["node"]
        except EtcdError as error:
            if error.code == 100:
                return []
            raise
        return node.get("nodes", [])
