"""Chromium-style log lines as update_engine_client wrote them to stderr in 2016:
[MMDD/HHMMSS:LEVEL:file.cc(line)] message
"""
import sys
import time


def log(level, source, line, message, stream=None):
    stamp = time.strftime("%m%d/%H%M%S", time.localtime())
    (stream or sys.stderr).write("[%s:%s:%s(%d)] %s\n" % (stamp, level, source, line, message))
    (stream or sys.stderr).flush()
