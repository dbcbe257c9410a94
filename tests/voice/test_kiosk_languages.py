"""The kiosk offers the languages of the children in care first (CC-10, CC-12)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from haven.audit.models import AuditEvent
from haven.cases.models import Case
from haven.cases.services import case_register
from haven.voice import selectors, services
from haven.voice.models import KioskSession
from tests.conftest import signed_in
from tests.factories import child_fields
from tests.voice.conftest import kiosk_client

pytestmark = pytest.mark.django_db


def _register(actor, agency, languages):  # type: ignore[no-untyped-def]
    return case_register(
        actor=actor,
        agency=agency,
        child=child_fields(),
        nationalities=["KH"],
        languages=languages,
        summary="Fictional summary.",
    )


def test_cc10_languages_in_care_counts_children_of_open_cases_most_first(
    case, case_worker, supervisor, agency, other_agency
):  # type: ignore[no-untyped-def]
    # `case`: a Burmese-speaking child. Two Khmer-speaking children, one of them also Thai;
    # a Shan-speaking child counts for Burmese, the nearest language Haven is written in.
    _register(case_worker, agency, ["km"])
    _register(case_worker, agency, ["km", "th"])
    _register(case_worker, agency, ["shn"])
    closed = _register(case_worker, agency, ["vi"])
    Case.objects.filter(pk=closed.pk).update(stage=Case.Stage.CLOSED)
    assert selectors.languages_in_care([agency]) == ["km", "my", "th"]
    assert selectors.languages_in_care([other_agency]) == []


def test_cc10_the_kiosk_start_page_ticks_the_languages_in_care(case, case_worker):  # type: ignore[no-untyped-def]
    client = signed_in(Client(), case_worker)
    page = client.get("/kiosk/start/")
    form = page.context["form"]
    assert form.fields["languages"].initial == ["my"]
    ticked = re.findall(r'name="languages" value="(\w+)"[^>]* checked', page.content.decode())
    assert ticked == ["my"]


def test_cc10_cc12_the_kiosk_shows_its_first_languages_first_in_their_own_scripts(case_worker):  # type: ignore[no-untyped-def]
    _kiosk, token = services.kiosk_open(
        actor=case_worker, place="Fictional common room", languages=["km", "my"]
    )
    page = kiosk_client(token).get("/kiosk/")
    names = [language["name"] for language in page.context["kiosk_languages"]]
    assert names[:3] == ["ភាសាខ្មែរ", "မြန်မာဘာသာ", "English"]
    assert len(names) == 9
    # The heading is also asked in each language offered first.
    html = page.content.decode()
    with translation.override("km"):
        khmer = translation.gettext("Choose your language")
    assert khmer != "Choose your language"
    assert f'<p class="kiosk-prompt" lang="km">{khmer}</p>' in html
    assert html.count('class="kiosk-prompt"') == 2


def test_cc10_a_kiosk_opened_through_the_page_keeps_the_chosen_languages(case_worker):  # type: ignore[no-untyped-def]
    client = signed_in(Client(), case_worker)
    response = client.post(
        "/kiosk/start/",
        {"place": "Fictional hall", "languages": ["th", "lo"], "confirm": "on"},
    )
    assert response.status_code == 302
    kiosk = KioskSession.objects.get()
    assert kiosk.languages == ["th", "lo"]
    event = AuditEvent.objects.get(action="kiosk.open")
    assert event.changes["languages"] == [None, ["th", "lo"]]


def test_cc10_an_unknown_kiosk_language_is_refused_and_no_kiosk_opens(case_worker):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        services.kiosk_open(actor=case_worker, place="Fictional hall", languages=["xx"])
    assert refused.value.message_dict == {"languages": ["Choose languages from the list."]}
    client = signed_in(Client(), case_worker)
    page = client.post(
        "/kiosk/start/", {"place": "Fictional hall", "languages": ["zz"], "confirm": "on"}
    )
    assert page.status_code == 400
    assert KioskSession.objects.count() == 0
    assert not AuditEvent.objects.filter(action="kiosk.open").exists()
