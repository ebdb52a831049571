"""update_engine_client's log lines on stderr.

CoreOS of 2016 wrote Chromium-style lines, `[MMDD/HHMMSS:LEVEL:file.cc(line)] message`;
Flatcar writes glog lines, `I1129 17:35:02.402817  1893 file.cc:line] message`.
"""
import os
import sys
import time


def log(level, source, line, message, style="chromium"):
    now = time.time()
    if style == "glog":
        stamp = time.strftime("%m%d %H:%M:%S", time.localtime(now)) + ".%06d" % int((now % 1) * 1e6)
        text = "%s%s %5d %s:%d] %s\n" % (level[0], stamp, os.getpid(), source, line, message)
    else:
        text = "[%s:%s:%s(%d)] %s\n" % (time.strftime("%m%d/%H%M%S", time.localtime(now)), level, source, line, message)
    sys.stderr.write(text)
    sys.stderr.flush()
