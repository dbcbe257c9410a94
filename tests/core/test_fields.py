from io import StringIO

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from haven.cases.models import Case


def _raw_summary(case: Case) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM cases_case WHERE id = %s", [case.pk])
        return cursor.fetchone()[0]


def test_dp7_narrative_is_encrypted_at_rest(case):
    raw = _raw_summary(case)
    assert "Fictional summary" not in raw
    assert Case.objects.get(pk=case.pk).summary == "Fictional summary."


def test_dp7_rotate_field_keys_reencrypts_with_the_new_first_key(case, settings):
    # Given a new key put first, with the old one kept for reading
    old_key = settings.HAVEN_FIELD_KEYS[0]
    new_key = Fernet.generate_key().decode()
    settings.HAVEN_FIELD_KEYS = [new_key, old_key]

    # When the rotation runs
    call_command("rotate_field_keys", stdout=StringIO())

    # Then the stored token opens with the new key alone, and the old key can be dropped
    assert Fernet(new_key.encode()).decrypt(_raw_summary(case).encode()) == b"Fictional summary."
    settings.HAVEN_FIELD_KEYS = [new_key]
    assert Case.objects.get(pk=case.pk).summary == "Fictional summary."
