"""Django's sqlite3 backend (Django 1.6.11 django/db/backends/sqlite3/base.py) whose transactions take the
write lock when they begin.

Upstream's controller runs on PostgreSQL (deis-database; controller/deis/settings.py DATABASES), where
concurrent requests wait for each other's row locks.  Under sqlite3, Django starts a transaction
(`atomic`, e.g. `get_or_create` in django-guardian's assign_perm for `deis perms:create`) with a deferred
`BEGIN` (base.py:431-438): two such transactions that read, then write, deadlock, and sqlite answers one of
them "database is locked" at once without waiting (sqlite.org/lockingv3.html, "deadlock"), a 500 no real
controller gives.  `BEGIN IMMEDIATE` takes the write lock first, so the second writer waits (up to the
connection's 30 s timeout, deis/local_settings.py) as it would for a PostgreSQL row lock."""
from django.db.backends.sqlite3 import base
from django.db.backends.sqlite3.base import *  # noqa: F401,F403  pylint: disable=wildcard-import,unused-wildcard-import


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        self.cursor().execute("BEGIN IMMEDIATE")
