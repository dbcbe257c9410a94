"""The child's written information sheet (PS-5: "verbally and in writing, so they can refer
back"): printed from a session, in the child's language where Haven has it, with nothing on it
that points to the child, and audited. Page, API and domain."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AccessLog, AuditEvent
from haven.consent.checks import pdf_libraries
from haven.consent.models import InformationSession
from haven.consent.services import information_session_record, information_sheet
from haven.consent.sheets import SECTIONS, Band, render_sheet_html, sheet_language_for
from tests.conftest import signed_in


def _session(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "given_at": timezone.now() - timedelta(minutes=10),
        "topics": ["rights", "complaints"],
        "language": "id",
        "formats": ["verbal"],
        "given_by": "Fictional Case Worker",
        "written_copy_left": True,
    }
    fields.update(overrides)
    return information_session_record(case=case, actor=actor, **fields)


def _html(session, *, language="en", include_contacts=True, case_worker=None):  # type: ignore[no-untyped-def]
    return render_sheet_html(
        session=session,
        language=language,
        include_contacts=include_contacts,
        case_worker=case_worker,
        printed_on=timezone.localdate(),
    )


def _sheet_url(case, session) -> str:  # type: ignore[no-untyped-def]
    return reverse("protection:information_sheet", args=[case.public_id, session.public_id])


def _sheet_events(case) -> list[dict]:  # type: ignore[no-untyped-def]
    return list(
        AuditEvent.objects.filter(case_id=case.pk, action="information.sheet").values_list(
            "changes", flat=True
        )
    )


# --- what the sheet says ---------------------------------------------------------------------


@pytest.mark.django_db
def test_ps5_sheet_shows_only_the_topics_explained_in_the_session(case, case_worker):
    session = _session(case, case_worker, topics=["rights", "complaints"])

    html = _html(session)

    assert "Your rights" in html
    assert "If you are unhappy" in html
    for section in SECTIONS[Band.FROM_10]:
        if section.topic not in ("rights", "complaints"):
            assert str(section.heading) not in html
    assert "Children are never locked up in a police cell" in html  # ND-2, said to the child


@pytest.mark.django_db
def test_dp13_sheet_never_names_the_child_or_the_case(case, case_worker):
    session = _session(case, case_worker, topics=[s.topic for s in SECTIONS[Band.FROM_10]])

    html = _html(session, case_worker=case_worker)

    child = case.child
    for identifying in (child.given_name, child.family_name, case.reference, str(case.public_id)):
        assert identifying and identifying not in html
    assert f"Your case worker: {case_worker.first_name}" in html
    assert case.lead_agency.name in html


@pytest.mark.django_db
def test_ps5_sheet_can_leave_out_the_case_worker_and_agency(case, case_worker):
    session = _session(case, case_worker)

    html = _html(session, include_contacts=False, case_worker=case_worker)

    assert "Who to ask" not in html
    assert case.lead_agency.name not in html


@pytest.mark.django_db
def test_ps5_sheet_is_written_in_the_chosen_language(case, case_worker):
    session = _session(case, case_worker, topics=["rights"])

    html = _html(session, language="id")

    with translation.override("id"):
        heading = str(SECTIONS[Band.FROM_10][1].heading)
    assert heading != "Your rights"  # the catalogue translates it
    assert heading in html
    assert '<html lang="id" dir="ltr">' in html


def test_ps5_sheet_languages_are_those_haven_is_translated_into():
    assert sheet_language_for("id") == "id"
    assert sheet_language_for("en") == "en"
    assert sheet_language_for("shn") is None  # Shan: no catalogue; the interpreter reads


# --- the service -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_ps5_printing_a_sheet_makes_a_pdf_and_audits_the_language(case, case_worker):
    session = _session(case, case_worker)

    pdf = information_sheet(
        session=session, actor=case_worker, language="id", include_contacts=False
    )

    assert pdf.startswith(b"%PDF-")
    assert _sheet_events(case) == [
        {"language": [None, "id"], "band": [None, "10_14"], "include_contacts": [None, False]}
    ]


@pytest.mark.django_db
def test_ps5_sheet_in_a_language_haven_lacks_is_refused_and_not_audited(case, case_worker):
    session = _session(case, case_worker)

    with pytest.raises(ValidationError) as refused:
        information_sheet(session=session, actor=case_worker, language="shn", include_contacts=True)

    assert "language" in refused.value.message_dict
    assert _sheet_events(case) == []


@pytest.mark.django_db
def test_dp1_interpreter_on_the_case_cannot_print_a_sheet(case, case_worker, assigned_interpreter):
    session = _session(case, case_worker)

    with pytest.raises(PermissionDenied):
        information_sheet(
            session=session, actor=assigned_interpreter, language="en", include_contacts=True
        )

    assert _sheet_events(case) == []


# --- the page --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ps5_recording_a_written_copy_leads_to_the_sheet(client, case, case_worker):
    signed_in(client, case_worker)
    url = reverse("protection:information_new", args=[case.public_id])
    given_at = timezone.localtime() - timedelta(minutes=5)

    response = client.post(
        url,
        {
            "given_at": given_at.strftime("%Y-%m-%dT%H:%M"),
            "topics": ["rights"],
            "language": "id",
            "formats": ["verbal", "written"],
            "given_by": "Fictional Case Worker",
            "written_copy_left": "on",
        },
    )

    session = InformationSession.objects.get(case=case)
    assert response.status_code == 302
    assert response.url == _sheet_url(case, session)


@pytest.mark.django_db
def test_ps5_sheet_page_offers_the_sessions_language_and_downloads_a_pdf(client, case, case_worker):
    session = _session(case, case_worker)
    signed_in(client, case_worker)

    page = client.get(_sheet_url(case, session))
    download = client.post(_sheet_url(case, session), {"language": "id"})

    assert page.status_code == 200
    assert page.context["form"].initial["language"] == "id"
    assert not page.context["language_missing"]
    assert AccessLog.objects.filter(case_id=case.pk, what="information.sheet_view").count() == 1
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="information-sheet.pdf"'
    assert download.content.startswith(b"%PDF-")
    assert "no-store" in download["Cache-Control"]
    assert _sheet_events(case) == [
        {"language": [None, "id"], "band": [None, "10_14"], "include_contacts": [None, False]}
    ]


@pytest.mark.django_db
def test_ps5_sheet_page_says_when_haven_lacks_the_childs_language(client, case, case_worker):
    session = _session(case, case_worker, language="zh")
    signed_in(client, case_worker)

    page = client.get(_sheet_url(case, session))

    assert page.context["language_missing"]
    assert page.context["form"].initial["language"] == "en"  # nothing nearer in Haven yet
    assert "have the interpreter read it aloud" in page.content.decode()


@pytest.mark.django_db
def test_ps5_sheet_in_an_unknown_language_is_a_clear_400_and_nothing_is_audited(
    client, case, case_worker
):
    session = _session(case, case_worker)
    signed_in(client, case_worker)

    response = client.post(_sheet_url(case, session), {"language": "xx"})

    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert _sheet_events(case) == []


@pytest.mark.django_db
def test_dp1_sheet_page_is_404_for_a_case_worker_not_on_the_case(
    client, case, case_worker, unassigned_case_worker
):
    session = _session(case, case_worker)
    signed_in(client, unassigned_case_worker)

    assert client.get(_sheet_url(case, session)).status_code == 404
    assert client.post(_sheet_url(case, session), {"language": "en"}).status_code == 404
    assert _sheet_events(case) == []


@pytest.mark.django_db
def test_dp1_session_of_another_case_is_404_on_this_case(
    client, case, case_worker, presumed_screening
):
    from haven.cases.services import case_register
    from tests.factories import child_fields

    other = case_register(
        actor=case_worker,
        agency=case.lead_agency,
        child=child_fields(birth_date=timezone.localdate() - timedelta(days=12 * 365)),
        nationalities=["TH"],
        languages=["th"],
        summary="Fictional summary.",
    )
    session = _session(other, case_worker)
    signed_in(client, case_worker)

    response = client.get(
        reverse("protection:information_sheet", args=[case.public_id, session.public_id])
    )

    assert response.status_code == 404


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ps5_api_prints_the_sheet_as_a_pdf(client, case, case_worker):
    session = _session(case, case_worker)
    signed_in(client, case_worker)
    url = f"/api/v1/cases/{case.public_id}/information-sessions/{session.public_id}/sheet/"

    response = client.post(
        url, {"language": "en", "include_contacts": True}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert _sheet_events(case) == [
        {"language": [None, "en"], "band": [None, "10_14"], "include_contacts": [None, True]}
    ]


@pytest.mark.django_db
def test_ps5_api_refuses_a_language_haven_lacks_with_the_field_named(client, case, case_worker):
    session = _session(case, case_worker)
    signed_in(client, case_worker)
    url = f"/api/v1/cases/{case.public_id}/information-sessions/{session.public_id}/sheet/"

    response = client.post(url, {"language": "zh"}, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "language": ["Haven has no sheet in this language: choose one from the list."]
    }
    assert _sheet_events(case) == []


@pytest.mark.django_db
def test_dp1_api_sheet_is_403_for_the_interpreter_and_404_for_outsiders(
    client, case, case_worker, assigned_interpreter, unassigned_case_worker
):
    session = _session(case, case_worker)
    url = f"/api/v1/cases/{case.public_id}/information-sessions/{session.public_id}/sheet/"

    interpreter = signed_in(client, assigned_interpreter).post(
        url, {"language": "en"}, content_type="application/json"
    )
    outsider = signed_in(client, unassigned_case_worker).post(
        url, {"language": "en"}, content_type="application/json"
    )

    assert interpreter.status_code == 403
    assert outsider.status_code == 404
    assert _sheet_events(case) == []


# --- a server without Pango ------------------------------------------------------------------


@pytest.fixture
def no_pango(monkeypatch):  # type: ignore[no-untyped-def]
    """WeasyPrint importing as it does where the system's Pango library is missing."""
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


@pytest.mark.django_db
def test_ps5_without_pdf_libraries_the_page_says_so_and_nothing_is_audited(
    client, case, case_worker, no_pango
):
    session = _session(case, case_worker)
    signed_in(client, case_worker)

    response = client.post(_sheet_url(case, session), {"language": "en"})

    assert response.status_code == 400
    assert "This server cannot print sheets yet" in response.content.decode()
    assert _sheet_events(case) == []


def test_without_pdf_libraries_the_system_check_warns(no_pango):
    warnings = pdf_libraries(None)

    assert [w.id for w in warnings] == ["haven.W001"]
    assert "libpango-1.0-0" in warnings[0].hint


def test_with_pdf_libraries_the_system_check_is_quiet():
    assert pdf_libraries(None) == []
