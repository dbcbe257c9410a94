"""What Haven refuses to start with outside local development.

The settings module calls `refuse_unsafe` while it is imported, so every way of running Haven
meets it — `manage.py`, gunicorn importing `config.wsgi.application`, an ASGI server — and not
only the system checks, which a WSGI server never runs. Each refusal says what to set.
Written by hand: these are Haven's own rules about its own settings; Django's deploy checks
warn about some of them but do not stop a server from starting.
"""

from collections.abc import Sequence

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

# The keys of the local demo, published in this repository: never a production key.
DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production-0123456789abcdef"  # noqa: S105
DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcmVhbC0="


def field_key_problems(keys: Sequence[str]) -> list[str]:
    """Each entry of HAVEN_FIELD_KEYS that is not a Fernet key, said by position."""
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            problems.append(
                f"HAVEN_FIELD_KEYS entry {position} is not a Fernet key (32 bytes, url-safe "
                'base64). Make one with: python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            )
    return problems


def refuse_unsafe(
    *,
    dev: bool,
    debug: bool,
    demo_mode: bool,
    secret_key: str,
    field_keys: Sequence[str],
    audit_key: str,
) -> None:
    """Raise ImproperlyConfigured, naming what to set, for a setting that would expose
    children's data in a deployment. In local development (HAVEN_DEV=1) only the field keys
    are checked: a malformed key fails every read of a case."""
    problems = field_key_problems(field_keys)
    if not dev:
        if demo_mode:
            problems.append(
                "HAVEN_DEMO_MODE=1 shows the second-factor code on the sign-in page, so a "
                "password alone signs in. It is only for the local demo (HAVEN_DEV=1): unset "
                "HAVEN_DEMO_MODE."
            )
        if debug:
            problems.append(
                "DEBUG=1 shows tracebacks and settings to anyone who causes an error. It is only "
                "for local development (HAVEN_DEV=1): unset DEBUG."
            )
        if secret_key == DEV_SECRET_KEY:
            problems.append(
                "SECRET_KEY is the local demo's key, published in Haven's repository: set a new "
                'random one (python -c "import secrets; print(secrets.token_urlsafe(50))").'
            )
        if DEV_FIELD_KEY in field_keys:
            problems.append(
                "HAVEN_FIELD_KEYS holds the local demo's key, published in Haven's repository: "
                "put a new key first and run manage.py rotate_keys (docs/deployment.md)."
            )
        if not audit_key:
            problems.append(
                "HAVEN_AUDIT_KEY must be set: the key that seals the audit chain, kept apart "
                "from SECRET_KEY and off the database host."
            )
        elif audit_key == secret_key:
            problems.append(
                "HAVEN_AUDIT_KEY must differ from SECRET_KEY: whoever holds the signing key "
                "could otherwise re-seal an edited audit chain."
            )
    if problems:
        raise ImproperlyConfigured("Haven will not start: " + " ".join(problems))
