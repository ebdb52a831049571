"""Run test jobs in parallel lanes: `make test` runs the integration tier and the molecule scenarios this way.

A lane is an isolated place for one sandbox: a network namespace (its own loopback, so the sandbox's fixed
loopback ports never collide with another lane's) with its own dockerd (its own container names and images),
its own sandbox state folder and its own SSH control sockets. Jobs are taken longest-first (by the seconds
they took last time, from --history) by whichever lane is free. Each job's output goes to its log file; the
log of a failed job is printed. Stops only what it started: each lane's sandbox, its dockerd (by PID), its
namespace.

    lanes.py --lanes 2 --jobs jobs.json --results results.json --logs DIR [--history timings.json] [--baseline seconds.json]

jobs.json: [{"name": "molecule coreos_rolling", "argv": ["molecule", "test", "-s", "coreos_rolling"]}, ...]
results.json: [{"name", "lane", "seconds", "exit", "log"}, ...] in the order the jobs finished.
"""
import argparse
import hashlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SANDBOX = os.path.join(REPO, "tests", "sandbox", "sandbox")
IMAGE_PREFIX = "deis-sandbox/"


class Lane:
    """One network namespace with its own dockerd; `run` starts a command inside it."""

    def __init__(self, number, work_dir):
        self.number = number
        # Named after the checkout too: two checkouts running their suites at once get separate lanes.
        self.name = "deis-lane-%s-%d" % (hashlib.sha256(REPO.encode()).hexdigest()[:6], number)
        self.netns = "/var/run/netns/" + self.name
        self.runtime = "/run/" + self.name
        self.socket = "unix://%s/docker.sock" % self.runtime
        self.folder = os.path.join(work_dir, self.name)
        self.dockerd_pid = None

    def env(self):
        return dict(os.environ, DOCKER_HOST=self.socket, DEIS_SANDBOX_STATE=os.path.join(self.folder, "sandbox"),
                    ANSIBLE_SSH_CONTROL_PATH_DIR=os.path.join(self.folder, "ssh-cp"), DEIS_TEST_LANE=str(self.number))

    def command(self, argv):
        return ["nsenter", "--net=" + self.netns] + list(argv)

    def docker(self, *args, **kwargs):
        return subprocess.run(["docker"] + list(args), env=self.env(), check=False, **kwargs)

    def up(self):
        os.makedirs(self.folder, exist_ok=True)
        os.makedirs(self.runtime, exist_ok=True)
        if not os.path.exists(self.netns):
            subprocess.run(["ip", "netns", "add", self.name], check=True)
        subprocess.run(self.command(["ip", "link", "set", "lo", "up"]), check=True)
        if self.docker("info", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0:
            self.dockerd_pid = self.pid_from_file()  # left by an interrupted run of ours: stop it at the end
        else:
            # nsenter, not `ip netns exec`: that one remounts /sys, hiding the cgroup mounts dockerd needs.
            with open(os.path.join(self.folder, "dockerd.log"), "ab") as log:
                process = subprocess.Popen(
                    self.command(["dockerd", "--bridge=none", "--iptables=false", "--data-root", "/var/lib/" + self.name,
                                  "--exec-root", self.runtime + "/exec", "--pidfile", self.runtime + "/docker.pid",
                                  "-H", self.socket]),
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            self.dockerd_pid = process.pid
            deadline = time.time() + 60
            while self.docker("info", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
                if time.time() > deadline or process.poll() is not None:
                    raise RuntimeError("the dockerd of %s did not answer; see %s/dockerd.log" % (self.name, self.folder))
                time.sleep(0.5)
        self.sync_images()

    def pid_from_file(self):
        try:
            with open(self.runtime + "/docker.pid") as handle:
                return int(handle.read().strip())
        except (OSError, ValueError):
            return None

    def sync_images(self):
        """The main dockerd's sandbox images, loaded into this lane's dockerd when missing; stale ones removed."""
        def listing(env):
            out = subprocess.run(["docker", "images", "--format", "{{.Repository}}:{{.Tag}}"], env=env, check=True,
                                 stdout=subprocess.PIPE, text=True).stdout.split()
            return {image for image in out if image.startswith(IMAGE_PREFIX)}
        main_env = {k: v for k, v in os.environ.items() if k != "DOCKER_HOST"}
        wanted, have = listing(main_env), listing(self.env())
        missing = sorted(wanted - have)
        if missing:  # one `docker save` for all: layers the images share travel once
            save = subprocess.Popen(["docker", "save"] + missing, env=main_env, stdout=subprocess.PIPE)
            subprocess.run(["docker", "load", "-q"], env=self.env(), stdin=save.stdout, check=True, stdout=subprocess.DEVNULL)
            save.stdout.close()
            if save.wait() != 0:
                raise RuntimeError("docker save %s failed" % " ".join(missing))
        for image in sorted(have - wanted):
            self.docker("rmi", image, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def down(self):
        if os.path.exists(self.netns):
            subprocess.run(self.command([sys.executable, SANDBOX, "down"]), env=self.env(), check=False,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.dockerd_pid:
            stop_process(self.dockerd_pid)
            self.dockerd_pid = None
        subprocess.run(["ip", "netns", "delete", self.name], check=False, stderr=subprocess.DEVNULL)


def stop_process(pid, timeout=30):
    """SIGTERM, then SIGKILL after TIMEOUT, a process this script started."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + timeout
        while time.time() < deadline:
            os.kill(pid, 0)
            time.sleep(0.5)
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def expected_seconds(history_path, baseline_path):
    """Seconds each job took last time here (tests/output/timings.json), else as committed in BASELINE_PATH
    ({job name: seconds}, measured on this machine kind), so a fresh clone starts the longest jobs first too."""
    expected = {}
    try:
        with open(baseline_path) as handle:
            expected.update({name: seconds for name, seconds in json.load(handle).items() if not name.startswith("_")})
    except (OSError, ValueError):
        pass
    try:
        with open(history_path) as handle:
            expected.update({step["step"]: step["seconds"] for step in json.load(handle)["steps"]})
    except (OSError, ValueError, KeyError):
        pass
    return expected


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--lanes", type=int, default=2)
    parser.add_argument("--jobs", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--history", default="")
    parser.add_argument("--baseline", default="")
    args = parser.parse_args(argv)
    with open(args.jobs) as handle:
        jobs = json.load(handle)
    history = expected_seconds(args.history, args.baseline)
    jobs.sort(key=lambda job: -history.get(job["name"], 600))
    os.makedirs(args.logs, exist_ok=True)
    lanes = [Lane(number, os.path.dirname(os.path.abspath(args.results))) for number in range(1, max(1, args.lanes) + 1)]
    todo, results, lock, running = queue.Queue(), [], threading.Lock(), {}
    for job in jobs:
        todo.put(job)

    def work(lane):
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            log_path = os.path.join(args.logs, job["name"].replace(" ", "-").replace("/", "-") + ".log")
            started = time.time()
            with open(log_path, "wb") as log:
                process = subprocess.Popen(lane.command(job["argv"]), env=lane.env(), cwd=REPO, stdout=log,
                                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
                running[lane.number] = process
                status = process.wait()
                running.pop(lane.number, None)
            result = {"name": job["name"], "lane": lane.number, "seconds": int(round(time.time() - started)),
                      "exit": status, "log": log_path}
            with lock:
                results.append(result)
                print("%-34s lane %d %5ds  %s" % (job["name"], lane.number, result["seconds"],
                                                  "passed" if status == 0 else "FAILED (exit %d)" % status), flush=True)
                if status != 0:
                    with open(log_path, errors="replace") as log:
                        print("---- %s ----\n%s\n---- end of %s ----" % (log_path, log.read(), job["name"]), flush=True)

    def stop(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        for lane in lanes:
            lane.up()
        threads = [threading.Thread(target=work, args=(lane,)) for lane in lanes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        while not todo.empty():
            todo.get_nowait()
        for process in list(running.values()):
            os.killpg(process.pid, signal.SIGTERM)
        raise
    finally:
        for lane in lanes:
            lane.down()
        with open(args.results, "w") as handle:
            json.dump(results, handle, indent=2)
    return 0 if len(results) == len(jobs) and all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
