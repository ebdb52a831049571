"""Running host commands (argument lists only) and background processes started by the sandbox."""
import os
import signal
import subprocess
import time


class SandboxError(Exception):
    """A failure the CLI reports as one line."""


def run(argv, check=True, input_bytes=None):
    result = subprocess.run(argv, input=input_bytes, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if check and result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip() or result.stdout.decode(errors="replace").strip()
        raise SandboxError("%s failed (rc %d): %s" % (" ".join(argv[:3]), result.returncode, detail[-400:]))
    return result


def start_background(argv, log_path, pid_path):
    """Start a daemon in its own session and remember its PID."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    with open(pid_path, "w") as handle:
        handle.write("%d\n" % process.pid)
    return process.pid


def read_pid(pid_path):
    try:
        with open(pid_path) as handle:
            pid = int(handle.read().strip())
    except (OSError, ValueError):
        return None
    return pid if alive(pid) else None


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours is not alive.
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def stop_pid(pid_path, timeout=15):
    """SIGTERM the process this sandbox started (by its PID file), SIGKILL after the timeout."""
    pid = read_pid(pid_path)
    if pid is None:
        _remove(pid_path)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + timeout
    while alive(pid) and time.time() < deadline:
        time.sleep(0.1)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
    _remove(pid_path)
    return True


def _remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def wait_until(predicate, timeout, interval=0.25, what="condition"):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.time() >= deadline:
            raise SandboxError("timed out after %ss waiting for %s" % (timeout, what))
        time.sleep(interval)


def image_exists(tag):
    return run(["docker", "image", "inspect", tag], check=False).returncode == 0
