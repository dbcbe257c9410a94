"""Every interface string in every language Haven speaks (CC-11, PS-5): each catalogue is
complete, compiled, and holds the same strings as every other with the same placeholders, so a
string added in one place and translated in only some languages fails here."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation

from tests.conftest import signed_in

LOCALE = Path(__file__).resolve().parents[2] / "haven" / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def _po(code: str) -> Path:
    return LOCALE / code / "LC_MESSAGES" / "django.po"


def _compiled(code: str) -> dict[str, str]:
    """The compiled catalogue: msgfmt leaves out untranslated and fuzzy entries."""
    with _po(code).with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    return {
        (key[0] if isinstance(key, tuple) else key): value
        for key, value in catalogue.items()
        if key != "" and (not isinstance(key, tuple) or key[1] == 0)
    }


@pytest.mark.parametrize("code", TRANSLATED)
def test_cc11_each_catalogue_is_complete_without_fuzzy_entries_and_compiled(code: str) -> None:
    text = _po(code).read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    entries = text.split("\n\n")[1:]  # the first entry is the header
    untranslated = [e for e in entries if re.search(r'^msgstr(\[0\])? ""\Z', e, re.M | re.S)]
    assert untranslated == []
    assert _po(code).with_suffix(".mo").stat().st_mtime >= _po(code).stat().st_mtime - 1


@pytest.mark.parametrize("code", TRANSLATED)
def test_cc11_every_catalogue_holds_the_same_strings_with_the_same_placeholders(code: str) -> None:
    reference = _compiled("id")
    catalogue = _compiled(code)

    assert set(catalogue) == set(reference)
    for msgid, msgstr in catalogue.items():
        assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


def test_pages_speak_indonesian_when_chosen(client, case_worker):  # type: ignore[no-untyped-def]
    signed_in(client, case_worker)
    response = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 200
    assert "Kasus saya" in response.content.decode()
    with translation.override("id"):
        assert translation.gettext("Register a child") != "Register a child"


def test_filipino_and_lao_have_their_language_info_declared() -> None:
    assert LANG_INFO["fil"]["name_local"] == "Filipino"
    assert LANG_INFO["lo"]["code"] == "lo"
