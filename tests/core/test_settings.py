"""Production settings are safe by default: the deploy checks pass, and the demo's simplified
second factor cannot be switched on outside local development."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.safety import DEV_FIELD_KEY, DEV_SECRET_KEY, refuse_unsafe
from haven.accounts.views import _demo_code

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**env: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "DJANGO_"))}
    base.pop("DEBUG", None)
    base.update(
        SECRET_KEY="x" * 20 + "production-like-secret-key-for-the-check-0123456789",
        HAVEN_FIELD_KEYS=Fernet.generate_key().decode(),
        HAVEN_AUDIT_KEY="y" * 20 + "production-like-audit-key-0123456789",
        ALLOWED_HOSTS="haven.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="sqlite:///:memory:",
    )
    base.update(env)
    return base


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_production_env(**env),
        capture_output=True,
        text=True,
    )


@pytest.mark.slow(reason="runs manage.py check --deploy in a new process, as a deployment does")
def test_check_deploy_is_clean_with_production_defaults():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow(reason="imports the WSGI application in a new process, as gunicorn does")
def test_demo_mode_is_refused_when_a_wsgi_server_imports_haven():
    """The finding: with production settings and HAVEN_DEMO_MODE=1, gunicorn's import of
    config.wsgi.application served the second-factor code on the sign-in page. Now the import
    itself fails, saying what to unset."""
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"],
        cwd=ROOT,
        env=_production_env(HAVEN_DEMO_MODE="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "HAVEN_DEMO_MODE=1 shows the second-factor code" in result.stderr
    assert "unset HAVEN_DEMO_MODE" in result.stderr


def test_the_demo_code_is_never_shown_outside_local_development(settings):
    """The view asks again: a settings module that skipped config.safety still shows no code."""
    device = TOTPDevice(key="3132333435363738393031323334353637383930")
    settings.DEMO_MODE, settings.DEV = True, False
    assert _demo_code(device) is None
    settings.DEV = True
    assert _demo_code(device) is not None


PRODUCTION = {
    "dev": False,
    "debug": False,
    "demo_mode": False,
    "secret_key": "x" * 50,
    "field_keys": [Fernet.generate_key().decode()],
    "audit_key": "y" * 50,
}


def test_production_settings_that_are_safe_start():
    refuse_unsafe(**PRODUCTION)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"demo_mode": True}, "unset HAVEN_DEMO_MODE"),
        ({"debug": True}, "DEBUG=1 shows tracebacks and settings to anyone"),
        ({"secret_key": DEV_SECRET_KEY}, "SECRET_KEY is the local demo's key"),
        ({"field_keys": [DEV_FIELD_KEY]}, "HAVEN_FIELD_KEYS holds the local demo's key"),
        ({"field_keys": ["not-a-key"]}, "HAVEN_FIELD_KEYS entry 1 is not a Fernet key"),
        ({"audit_key": ""}, "HAVEN_AUDIT_KEY must be set"),
        ({"audit_key": "x" * 50}, "HAVEN_AUDIT_KEY must differ from SECRET_KEY"),
    ],
)
def test_production_refuses_to_start_with_an_unsafe_setting_and_says_what_to_set(change, says):
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_unsafe(**{**PRODUCTION, **change})
    assert says in str(refused.value)


def test_a_malformed_field_key_is_refused_at_start_even_in_local_development():
    keys = [Fernet.generate_key().decode(), "short"]
    with pytest.raises(ImproperlyConfigured) as refused:
        refuse_unsafe(**{**PRODUCTION, "dev": True, "field_keys": keys})
    assert "HAVEN_FIELD_KEYS entry 2 is not a Fernet key" in str(refused.value)


def test_local_development_may_use_the_demo_keys_debug_and_demo_mode():
    refuse_unsafe(
        dev=True,
        debug=True,
        demo_mode=True,
        secret_key=DEV_SECRET_KEY,
        field_keys=[DEV_FIELD_KEY],
        audit_key=DEV_SECRET_KEY,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_run_with_jit_off():
    """PostgreSQL's JIT cost seconds on the dashboard and statistics at 100,000 cases and saved
    nothing: Haven turns it off on every connection it opens, whatever the server says."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite has no JIT")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
