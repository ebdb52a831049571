"""After deis.platform.upgrade_inplace run from the workstation (converge and idempotence): the cluster
is upgraded, the workstation's deisctl replaced, no node's deisctl touched; without a usable tunnel the
run stops in preflight."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "upgrade_inplace", "tests"))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import PLAYBOOKS  # noqa: E402  pylint: disable=wrong-import-position
from test_upgraded import (  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
    deisctl, test_every_platform_unit_is_active_and_running, test_platform_version_key_is_the_target,
    test_routers_serve_the_new_version)

HOME = os.environ["HOME"]
WORKSTATION_DEISCTL = os.path.join(HOME, "bin", "deisctl")
ARGS = ["-e", "deis_upgrade_host=localhost", "-e", "deis_version=v1.13.4", "-e", "deis_upgrade_confirm=true",
        "-e", "deisctl_path=" + WORKSTATION_DEISCTL, "-e", "deisctl_become=false"]


def upgrade_from_workstation(*extra, env=None):
    argv = ["ansible-playbook", os.path.join(PLAYBOOKS, "upgrade_inplace.yml")] + ARGS + list(extra)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL,
                          env=env, timeout=600, check=False)


def test_workstation_deisctl_is_the_target_and_the_old_one_is_kept():
    assert subprocess.run([WORKSTATION_DEISCTL, "--version"], stdout=subprocess.PIPE, text=True, check=True).stdout == "1.13.4\n"
    kept = WORKSTATION_DEISCTL + ".v1.12.3"
    assert subprocess.run([kept, "--version"], stdout=subprocess.PIPE, text=True, check=True).stdout == "1.12.3\n"


def test_the_units_were_refreshed_on_the_workstation():
    assert os.path.exists(os.path.join(HOME, ".deis", "units", "deis-controller.service"))


def test_no_node_deisctl_was_touched():
    for name in ("core-01", "core-02", "core-03"):
        result = subprocess.run(["docker", "exec", name, "/opt/bin/deisctl", "--version"], stdout=subprocess.PIPE,
                                text=True, check=False)
        assert result.stdout == "1.12.3\n", name


def test_a_tunnel_to_a_closed_port_stops_in_preflight():
    run = upgrade_from_workstation("-e", "deisctl_tunnel=127.0.0.1:2299")
    assert run.returncode != 0
    assert "could not read the platform through the tunnel 127.0.0.1:2299" in run.stdout, run.stdout[-2000:]
    assert "Connection refused" in run.stdout
    assert deisctl("config", "platform", "get", "version").stdout == "v1.13.4\n"


def test_without_an_ssh_agent_the_run_says_so():
    env = {key: value for key, value in os.environ.items() if key != "SSH_AUTH_SOCK"}
    run = upgrade_from_workstation("-e", "deisctl_tunnel=127.0.0.1:2201", env=env)
    assert run.returncode != 0
    assert "SSH_AUTH_SOCK environment variable is not set" in run.stdout, run.stdout[-2000:]
    assert "Check that ssh-agent holds the key of core@127.0.0.1:2201" in run.stdout


def test_with_the_tunnel_a_rerun_changes_nothing():
    run = upgrade_from_workstation("-e", "deisctl_tunnel=127.0.0.1:2201")
    assert run.returncode == 0, run.stdout[-3000:]
    assert "changed=0" in run.stdout
