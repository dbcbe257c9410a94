import re
from pathlib import Path

from django.conf.locale import LANG_INFO
from django.utils import translation

from tests.conftest import signed_in

PO = Path(__file__).resolve().parents[2] / "haven" / "locale" / "id" / "LC_MESSAGES" / "django.po"


def test_indonesian_catalogue_is_complete_and_compiled():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if re.search(r'^msgstr(\[0\])? ""\Z', e, re.M | re.S)]
    assert untranslated == []
    assert PO.with_suffix(".mo").stat().st_mtime >= PO.stat().st_mtime - 1


def test_pages_speak_indonesian_when_chosen(client, case_worker):
    signed_in(client, case_worker)
    response = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert "Kasus saya" in response.content.decode()
    with translation.override("id"):
        assert translation.gettext("Register a child") != "Register a child"


def test_filipino_and_lao_are_declared_for_later_catalogues():
    assert LANG_INFO["fil"]["name_local"] == "Filipino"
    assert LANG_INFO["lo"]["code"] == "lo"
