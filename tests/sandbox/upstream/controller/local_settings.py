"""deis/local_settings.py of the sandbox's upstream controller.

Upstream's settings import this module when it exists (deis/deis v1.12.3 and v1.13.4
controller/deis/settings.py:365-368, v1.7.3 :355-358), after their defaults.  On a real cluster
confd renders /templates/confd_settings.py from etcd instead (controller/templates/
confd_settings.py); here nothing renders it, and each value below stands where that template sets
it.  Values come from the container's environment (set by deis_sandbox.upstream).
"""
import os

_DATA = os.environ["DEIS_SANDBOX_DATA"]

# confd_settings.py: SECRET_KEY / BUILDER_KEY come from /deis/controller/{secretKey,builderKey}.
SECRET_KEY = os.environ["DEIS_SANDBOX_SECRET_KEY"]
BUILDER_KEY = os.environ["DEIS_SANDBOX_BUILDER_KEY"]

# sqlite3 instead of the deis-database PostgreSQL (settings.py's DATABASES reads
# DATABASE_ENGINE; psycopg2 is not installed), through Django's sqlite3 backend with transactions
# that begin IMMEDIATE (sandbox_controller/sqlite_backend/base.py says why).  Writers wait for each
# other up to 30 s.
DATABASES = {
    "default": {
        "ENGINE": "sandbox_controller.sqlite_backend",
        "NAME": os.path.join(_DATA, "controller.sqlite3"),
        "OPTIONS": {"timeout": 30},
    }
}
# South knows Django's own engine names only (south/db/__init__.py engine_modules): name its sqlite3 module.
SOUTH_DATABASE_ADAPTERS = {"default": "south.db.sqlite3"}

# The scheduler of upstream's own tests and settings.py's default (no fleet here).
SCHEDULER_MODULE = "scheduler.mock"

# confd_settings.py: DEIS_DOMAIN from /deis/platform/domain, REGISTRATION_MODE from
# /deis/controller/registrationMode (bin/boot seeds "enabled").
DEIS_DOMAIN = os.environ["DEIS_SANDBOX_DOMAIN"]
REGISTRATION_MODE = os.environ.get("DEIS_SANDBOX_REGISTRATION_MODE", "enabled")

# confd_settings.py: the cluster's registry from /deis/registry/{protocol,host,port}.  v1.7-v1.11
# publish through it with registry.private (v1.7.3 confd_settings.py:23 REGISTRY_MODULE);
# v1.12+ read REGISTRY_HOST/PORT only (registry/dockerclient.py:23).  Empty when none runs.
REGISTRY_HOST = os.environ.get("DEIS_SANDBOX_REGISTRY_HOST", "")
REGISTRY_PORT = os.environ.get("DEIS_SANDBOX_REGISTRY_PORT", "")
REGISTRY_URL = "http://%s:%s" % (REGISTRY_HOST, REGISTRY_PORT)
REGISTRY_MODULE = "registry.private"

# No etcd and no deis-logger: port 1 of loopback, where nothing listens.  api.models then runs
# without etcd publishing ("Cannot synchronize with etcd cluster", models.py get_etcd_client).
ETCD_HOST, ETCD_PORT = "127.0.0.1", "1"
LOGGER_HOST, LOGGER_PORT = "127.0.0.1", 1

# v1.7.3 writes app logs to DEIS_LOG_DIR (confd_settings.py:41 sets /data/logs; api/models.py:182-193).
DEIS_LOG_DIR = os.path.join(_DATA, "logs")

# settings.py LOGGING sends the api and registry loggers to syslog too; there is no syslog here,
# so that one handler is a NullHandler (the console handler keeps them in the container's log).
from deis.settings import LOGGING  # noqa: E402  (settings.py defines it before importing this module)

LOGGING["handlers"]["rsyslog"] = {"class": "logging.NullHandler"}
