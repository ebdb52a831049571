"""Fixtures: the nodes by name and the sandbox's status after the run."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import node_hosts, sandbox_status  # noqa: E402  pylint: disable=wrong-import-position

NAMES = ("core-01", "core-02", "core-03")


@pytest.fixture(scope="session")
def nodes():
    return node_hosts(os.environ["MOLECULE_INVENTORY_FILE"], NAMES)


@pytest.fixture(scope="session")
def status():
    return sandbox_status()
