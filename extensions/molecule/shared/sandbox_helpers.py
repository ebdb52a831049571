"""What the scenarios' testinfra tests share: the sandbox CLI, its status, the nodes by name, and the sandbox's wait_until."""
import json
import os
import random
import subprocess
import sys

import testinfra

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SANDBOX = os.path.join(REPO, "tests", "sandbox", "sandbox")
PLAYBOOKS = os.path.join(REPO, "playbooks")
sys.path.insert(0, os.path.join(REPO, "tests", "sandbox", "lib"))
from deis_sandbox.run import wait_until  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import


def sandbox(*args):
    result = subprocess.run([SANDBOX] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def sandbox_status():
    return json.loads(sandbox("status"))


def node_hosts(inventory, names):
    return {name: testinfra.get_host("ansible://%s?ansible_inventory=%s" % (name, inventory)) for name in names}


def node_by_name(status, name):
    return next(node for node in status["nodes"] if node["name"] == name)


def ansible_playbook(playbook, inventory, *extra, stdin=subprocess.DEVNULL, timeout=1200):
    """Run a playbook of the collection as an operator would, with no terminal on stdin."""
    argv = ["ansible-playbook", "-i", inventory, os.path.join(PLAYBOOKS, playbook)] + list(extra)
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, stdin=stdin,
                          timeout=timeout, check=False)


def shuffle_tests(session, config, items):  # pylint: disable=unused-argument
    """pytest_collection_modifyitems of the fault suites: a random order (seed printed, DEIS_TEST_SEED repeats it),
    to show that their tests share one sandbox safely."""
    seed = int(os.environ.get("DEIS_TEST_SEED") or random.SystemRandom().randrange(1000000))
    random.Random(seed).shuffle(items)
    print("test order: DEIS_TEST_SEED=%d" % seed)


def node_events(status, kinds=None):
    """Every node's event log (the sandbox's node simulators write it), oldest first, each with its node's name."""
    state = os.path.dirname(status["inventory"]["ssh"])
    events = []
    for node in status["nodes"]:
        path = os.path.join(state, "nodes", node["name"], "events.jsonl")
        with open(path) as handle:
            events += [dict(json.loads(line), node=node["name"]) for line in handle if line.strip()]
    return sorted((e for e in events if kinds is None or e["event"] in kinds), key=lambda e: e["ts"])


def upgrade_report(folder):
    with open(os.path.join(folder, "upgrade-report.json")) as handle:
        return json.load(handle)
