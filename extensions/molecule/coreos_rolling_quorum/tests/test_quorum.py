"""Five nodes with an etcd member each: every reboot takes exactly one member away (as `etcdctl cluster-health`
reports it from the host, member by member), and the gates wait for a member that is down, naming it, then go on;
a member that stays down stops the run at the gate timeout, named, before any change.
One sandbox for the suite: every test starts from `sandbox fault clear`."""
import json
import os
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
# pylint: disable=wrong-import-position
from rolling_helpers import MemberWatch, Playbook, machine_ids, node_events  # noqa: E402
from sandbox_helpers import ansible_playbook, sandbox, sandbox_status, wait_until  # noqa: E402

NAMES = ("core-01", "core-02", "core-03", "core-04", "core-05")
OLD, NEW = "835.12.0", "1068.8.0"
RUN = ["-e", "coreos_rolling_confirm=true", "-e", "coreos_poll_interval=1", "-e", "coreos_target_version=" + NEW]


@pytest.fixture
def cluster(tmp_path):
    sandbox("fault", "clear")
    status = sandbox_status()
    assert {n["name"]: n["os"]["version"] for n in status["nodes"]} == {name: OLD for name in NAMES}
    assert status["etcd"]["mode"] == "members" and len(status["etcd"]["members"]) == 5
    return status["inventory"]["ssh"], status, tmp_path / "report.json"


def test_reboots_take_one_member_away_and_the_gates_wait_for_a_missing_one(cluster):
    """core-04's member is down when the run starts: the preflight waits for it, naming it. While core-02 reboots,
    core-05's member stops until a gate names it: no other node goes down meanwhile, and the run goes on once it is
    back. Downloads are staged in parallel (coreos_prestage), reboots one at a time with the locksmith lock.
    The faults are injected at points the run cannot pass without them (a wait, a reboot), so the check does not
    depend on how fast the run or the sandbox is."""
    inventory, status, report = cluster
    ids = machine_ids()
    state_dir = os.path.dirname(inventory)
    started = time.time()
    sandbox("fault", "etcd-member-stop", "core-04")
    watch = MemberWatch(status["etcd"]["endpoints"])
    run = Playbook(inventory, *RUN, "-e", "coreos_prestage=true", "-e", "coreos_use_locksmith=true",
                   "-e", "coreos_rolling_report=%s" % report)
    try:
        wait_until(lambda: "core-04 (member" in run.output, 120, 0.2, what="the preflight waiting for core-04's member")
        time.sleep(3)
        sandbox("fault", "etcd-member-start", "core-04")
        core04_back = time.time()
        wait_until(lambda: node_events(state_dir, "core-02", started, {"shutdown"}), 300, 0.1, what="core-02's reboot")
        sandbox("fault", "etcd-member-stop", "core-05")
        core05_down = time.time()
        wait_until(lambda: "core-05 (member" in run.output, 120, 0.2, what="a gate waiting for core-05's member")
        time.sleep(3)
        sandbox("fault", "etcd-member-start", "core-05")
        core05_back = time.time()
        assert run.wait(600) == 0, run.output[-4000:]
    finally:
        polls = watch.stop()
        print(run.output)  # shown when the test fails
    after = sandbox_status()
    assert {n["name"]: (n["os"]["version"], n["usr"]["fallback_pending"]) for n in after["nodes"]} == {
        name: (NEW, None) for name in NAMES}
    # While core-05's member was down no other node went down (the gates held the run)...
    others_down = [(name, e["ts"]) for name in NAMES if name != "core-02"
                   for e in node_events(state_dir, name, core05_down, {"shutdown"}) if e["ts"] < core05_back]
    assert others_down == [], others_down
    # ...and outside the injected faults (each until the watch saw that member healthy again, which takes etcd a
    # few seconds after its start) never two members were away at once.

    def healthy_again(name, since):
        return next((poll[0] for poll in polls if poll[0] > since and ids[name] not in poll[1]), float("inf"))
    core04_healthy, core05_healthy = healthy_again("core-04", core04_back), healthy_again("core-05", core05_back)
    outside = [poll[1] for poll in polls if core04_healthy < poll[0] < core05_down or poll[0] > core05_healthy]
    assert outside and max(len(members) for members in outside) == 1, "never two members away at once"
    away = [poll[1] for poll in polls]
    assert all(poll[2] == 5 for poll in polls), "the membership never changes: a reboot does not remove a member"
    for name in NAMES:
        assert [ids[name]] in away, "%s's member was seen away (its reboot, or the fault)" % name
    assert "waiting for etcd" in run.output and "is unreachable" in run.output
    # Every download staged before the first reboot.
    staged = [e["ts"] for name in NAMES for e in node_events(state_dir, name, started, {"update_staged"})]
    shutdowns = [e["ts"] for name in NAMES for e in node_events(state_dir, name, started, {"shutdown"})]
    assert len(staged) == 5 and len(shutdowns) == 5 and max(staged) < min(shutdowns)


def test_a_member_that_stays_down_stops_the_run_at_the_gate_naming_it(cluster):
    inventory, status, report = cluster
    boots = {n["name"]: n["boots"] for n in status["nodes"]}
    sandbox("fault", "etcd-member-stop", "core-04")
    run = ansible_playbook("coreos_rolling.yml", inventory, *RUN, "-e", "coreos_gate_timeout=8",
                           "-e", "coreos_rolling_report=%s" % report)
    sandbox("fault", "etcd-member-start", "core-04")
    assert run.returncode != 0
    core04 = machine_ids()["core-04"]
    assert "etcd is not healthy after 8 s (cluster is degraded; core-04 (member " in run.stdout
    assert "http://127.0.10.4:2379) is unreachable" in run.stdout
    assert {n["name"]: (n["os"]["version"], n["boots"]) for n in sandbox_status()["nodes"]} == {
        name: (OLD, boots[name]) for name in NAMES}
    written = json.loads(report.read_text())
    assert written["status"] == "stopped" and written["stopped_at"]["stage"] == "preflight"
    assert core04 in written["stopped_at"]["error"] or "core-04" in written["stopped_at"]["error"]
