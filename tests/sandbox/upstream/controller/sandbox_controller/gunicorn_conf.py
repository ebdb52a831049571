"""gunicorn settings, after upstream's controller/templates/gconf.py (v1.7.3-v1.13.4): timeout
1200 s, logs to stdout/stderr with upstream's access log format.  Different here: one worker (the
mock scheduler keeps its containers in a module dict, scheduler/mock.py:7-8, so every request must
reach the same process) with DEIS_SANDBOX_THREADS threads, so one process serves overlapping
requests as a multi-worker production controller does; it listens on 127.0.0.1 only."""
import os

bind = "127.0.0.1:%s" % os.environ["DEIS_SANDBOX_PORT"]
workers = 1
worker_class = "gunicorn.workers.gthread.ThreadWorker"  # gunicorn 19.3.0 ships it without the "gthread" alias
threads = int(os.environ.get("DEIS_SANDBOX_THREADS") or 1)
timeout = 1200
loglevel = "info"
errorlog = "-"
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s "%(a)s"'
