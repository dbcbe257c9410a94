"""Settings for the test suite: the production module, with a throwaway key, fast hashing and
plain-HTTP cookies. The database comes from DATABASE_URL (SQLite by default)."""

import os

os.environ.setdefault("HAVEN_DEV", "1")
os.environ.setdefault("HAVEN_DEMO_MODE", "0")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_MODE = False
AXES_FAILURE_LIMIT = 3
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
