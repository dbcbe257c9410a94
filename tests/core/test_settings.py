"""Production settings are safe by default: the deploy checks pass, and the demo's simplified
second factor cannot be switched on outside local development."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "DJANGO_"))}
    base.pop("DEBUG", None)
    base.update(
        SECRET_KEY="x" * 20 + "production-like-secret-key-for-the-check-0123456789",
        HAVEN_FIELD_KEYS=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="haven.example.org",
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL="sqlite:///:memory:",
    )
    base.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True
    )


@pytest.mark.slow(reason="runs manage.py check --deploy in a new process, as a deployment does")
def test_check_deploy_is_clean_with_production_defaults():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow(reason="starts Haven in new processes, as a deployment does")
def test_demo_mode_is_refused_outside_local_development():
    result = _manage("check", HAVEN_DEMO_MODE="1")
    assert result.returncode != 0
    assert "haven.E001" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
