"""Field-level encryption at rest (DP-7).

Narratives, locations, health and legal details are stored as Fernet tokens. Keys come from
settings.HAVEN_FIELD_KEYS; the first key encrypts and every key decrypts (MultiFernet), so a key
is rotated by prepending a new one and running `manage.py rotate_field_keys`. The cryptography
library does the cryptography; this module only adapts it to a Django field. Encrypted fields
cannot be filtered or sorted on in SQL, by design.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from haven.core.sensitivity import Sensitivity


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("HAVEN_FIELD_KEYS holds an invalid Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.HAVEN_FIELD_KEYS))


class EncryptedTextField(models.TextField):
    """A text field whose value is encrypted before it reaches the database."""

    def __init__(self, *args, sensitivity: str = Sensitivity.NARRATIVE, **kwargs):  # type: ignore[no-untyped-def]
        self.sensitivity = sensitivity
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        if self.sensitivity != Sensitivity.NARRATIVE:
            kwargs["sensitivity"] = self.sensitivity
        return name, path, args, kwargs

    def get_prep_value(self, value):  # type: ignore[no-untyped-def]
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return fernet().encrypt(value.encode()).decode()

    def from_db_value(self, value, expression, connection):  # type: ignore[no-untyped-def]
        if value in (None, ""):
            return value
        try:
            return fernet().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ImproperlyConfigured(
                "An encrypted value cannot be read with the configured HAVEN_FIELD_KEYS."
            ) from exc

    def to_python(self, value):  # type: ignore[no-untyped-def]
        return value


class EncryptedFileField(models.FileField):
    """A file whose stored content is a Fernet token of the field keys (DP-7, DP-13). Whoever
    saves it encrypts (`fernet().encrypt`) and whoever reads it decrypts; `manage.py
    rotate_field_keys` re-encrypts every such file with the first key, as it does the fields."""
