"""The log line prefixes of update_engine and update_engine_client (coreos-upstream-facts.md section 1a).

chromium: Chromium base/logging of libchrome-180609, as update_engine up to v0.1.3 (CoreOS <= 1122) logs:
          `[MMDD/HHMMSS:SEVERITY:file.cc(line)] message` (no pid, no tid, timestamp on; local time).
glog:     Google logging 0.3.x, from update_engine v0.2 (CoreOS 1153+, Flatcar):
          `Lmmdd hh:mm:ss.uuuuuu TTTTT file.cc:line] message`, thread id right-aligned in 5 columns.
Both programs log from their one (GLib main loop) thread, so glog's thread id is the process id.
"""
import os
import sys
import time

SEVERITY = {"INFO": "I", "WARNING": "W", "ERROR": "E", "FATAL": "F"}


def prefix(style, level, source, line, now=None, thread_id=None):
    now = time.time() if now is None else now
    if style == "glog":
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(now)) + ".%06d" % int((now % 1) * 1e6)
        thread_id = os.getpid() if thread_id is None else thread_id
        return "%s%s %5d %s:%d] " % (SEVERITY[level], stamp, thread_id, source, line)
    return "[%s:%s:%s(%d)] " % (time.strftime("%m%d/%H%M%S", time.localtime(now)), level, source, line)


def log(level, source, line, message, style="chromium", stream=None):
    stream = stream or sys.stderr
    stream.write(prefix(style, level, source, line) + message + "\n")
    stream.flush()
