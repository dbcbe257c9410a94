"""Settings for the test suite: the production module, with a throwaway key, fast hashing and
plain-HTTP cookies. The database comes from DATABASE_URL (SQLite by default)."""

import copy
import os

os.environ.setdefault("HAVEN_DEV", "1")
os.environ.setdefault("HAVEN_DEMO_MODE", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_MODE = False
AXES_FAILURE_LIMIT = 3
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The agencies in the tests keep the default time zone (Asia/Bangkok): "today" outside a request
# (a service called by a test, the sweep) is then the same day the agency's pages show. With UTC
# here, dates computed by a test would be a day behind the pages from 17:00 UTC.
TIME_ZONE = "Asia/Bangkok"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Test databases are thrown away: a commit need not wait for the disk (this session only;
    # the server's own settings are untouched). Added to the options production sets (jit=off).
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()

# A second alias for the replica router's tests (tests/core/test_replica_router.py): a test mirror
# of the default database, so no second test database is made, and no router, so every other test
# reads and writes "default" alone whatever DATABASE_REPLICA_URL says. The router's tests install
# it themselves and ask for both databases.
DATABASES["replica"] = {**copy.deepcopy(DATABASES["default"]), "TEST": {"MIRROR": "default"}}  # noqa: F405
if DATABASES["replica"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # On SQLite it shares the default's in-memory test database (shared cache), whose locks are
    # taken per table: two connections that each BEGIN IMMEDIATE, as each test's transaction
    # does, lock each other out, and a read of a table the test's transaction has written fails
    # as locked. Only reads run on the replica: deferred transactions, reading uncommitted rows.
    _replica = DATABASES["replica"]["OPTIONS"]  # noqa: F405
    _replica.pop("transaction_mode", None)
    _replica["init_command"] = f"{_replica.get('init_command', '')} PRAGMA read_uncommitted=1;"
DATABASE_ROUTERS = []
