"""After the graceful deis.platform.upgrade_inplace: what the in-place scenario checks, and the routers' gap."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "upgrade_inplace", "tests"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import SANDBOX  # noqa: E402  pylint: disable=wrong-import-position
from test_upgraded import (  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
    test_deisctl_on_the_node_is_the_target_version, test_every_platform_unit_is_active_and_running,
    test_platform_version_key_is_the_target, test_routers_serve_the_new_version)


def test_no_router_was_silent_for_more_than_2_seconds():
    report = json.loads(subprocess.run([SANDBOX, "prober", "report"], stdout=subprocess.PIPE, text=True, check=True).stdout)
    assert report["polls"] > 100, report
    assert report["max_gap"] <= 2.0, report["gaps"]
