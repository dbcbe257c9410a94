"""Directory and referral pages and API: what each side sees (DP-2, DP-5, DP-9, DP-16, CC-4),
and query counts that do not grow with more rows."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.audit.models import AccessLog, AuditEvent
from haven.cases.access import case_grant, readable_by_case
from haven.cases.child_services import child_update
from haven.cases.services import case_register
from haven.directory.models import Referral
from haven.directory.services import offer_create, referral_accept, referral_send
from tests.conftest import signed_in
from tests.directory.conftest import REASON, sharing_consent
from tests.factories import child_fields

# Tokens that differ on every response (as in tests/test_access_matrix.py).
_PER_RESPONSE = re.compile(rb'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+')
MISSING = "00000000-0000-4000-8000-000000000000"
SUMMARY = "Fictional summary of what brought the child in."
SPECIAL_NEEDS = "Fictional hearing support needed."


@pytest.fixture
def full_case(case, case_worker):  # type: ignore[no-untyped-def]
    case.summary = SUMMARY
    case.save(update_fields=["summary"])
    child_update(
        case=case,
        actor=case_worker,
        has_disability=True,
        special_needs=SPECIAL_NEEDS,
        parental_care="unaccompanied",
    )
    case.refresh_from_db()
    return case


def test_dp9_the_inbox_shows_the_need_but_not_the_childs_name(
    client: Client, psychologist, referral, case
):
    signed_in(client, psychologist)
    response = client.get("/directory/referrals/incoming/")
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page and "12–14 years" in page and "Urgent" in page
    assert case.child.given_name not in page and case.child.family_name not in page
    assert case.reference not in page and str(case.public_id) not in page
    data = client.get("/api/v1/directory/referrals/incoming/").json()
    assert [row["reason"] for row in data] == [REASON]
    assert set(data[0]) == {
        "id", "from_agency", "offer", "service_type", "urgent", "age_band", "gender",
        "languages", "reason", "data_points", "status", "sent_at",
    }  # fmt: skip
    assert AccessLog.objects.filter(user=psychologist, what="referral.incoming").count() == 2


def test_dp2_before_acceptance_the_case_is_a_404_for_the_recipient(
    client: Client, psychologist, referral, case
):
    signed_in(client, psychologist)
    missing = client.get(f"/cases/{MISSING}/")
    response = client.get(f"/cases/{case.public_id}/")
    assert response.status_code == 404
    same_path = response.content.replace(str(case.public_id).encode(), MISSING.encode())
    assert _PER_RESPONSE.sub(b"", same_path) == _PER_RESPONSE.sub(b"", missing.content)
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 404


def test_dp9_after_acceptance_the_recipient_reads_only_the_agreed_classes(
    client: Client, full_case, case_worker, counselling, assessment, psychologist
):
    # Given a referral sharing identity only (not health, not the narrative)
    consent = sharing_consent(full_case, case_worker)
    referral = referral_send(
        case=full_case,
        actor=case_worker,
        offer=counselling,
        reason=REASON,
        data_points=["identity"],
        consent=consent,
    )
    referral_accept(referral=referral, actor=psychologist)
    signed_in(client, psychologist)
    # Then the page shows the name, and nothing of health, family or the narrative
    page = client.get(f"/cases/{full_case.public_id}/").content.decode()
    assert full_case.child.given_name in page
    for text in (SUMMARY, SPECIAL_NEEDS, "Unaccompanied"):
        assert text not in page, text
    # And the API leaves the fields of the other classes out altogether
    detail = client.get(f"/api/v1/cases/{full_case.public_id}/").json()
    assert detail["child"]["given_name"] == full_case.child.given_name
    assert "summary" not in detail
    assert not {"special_needs", "has_disability", "parental_care"} & set(detail["child"])
    assert SPECIAL_NEEDS not in str(detail) and SUMMARY not in str(detail)


def test_dp5_consent_withdrawal_ends_the_recipients_page_and_api_access(
    client: Client, accepted, case, case_worker, consent, psychologist
):
    signed_in(client, psychologist)
    assert client.get(f"/cases/{case.public_id}/").status_code == 200
    client.logout()
    signed_in(client, case_worker)
    url = f"/cases/{case.public_id}/consents/{consent.public_id}/withdraw/"
    assert client.post(url, {"withdrawn_by": "Fictional guardian"}).status_code == 302
    client.logout()
    signed_in(client, psychologist)
    assert client.get(f"/cases/{case.public_id}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.public_id}/").status_code == 404
    page = client.get("/directory/referrals/incoming/").content.decode()
    assert "Consent withdrawn: access ended" in page


def test_dp5_page_refuses_a_referral_without_consent_or_legal_basis(
    client: Client, case, case_worker, counselling, assessment
):
    signed_in(client, case_worker)
    before = (Referral.objects.count(), AuditEvent.objects.count())
    response = client.post(
        f"/cases/{case.public_id}/referrals/new/",
        {"offer": str(counselling.public_id), "reason": REASON, "data_points": ["identity"]},
    )
    assert response.status_code == 400
    assert "DP-5" in response.content.decode()
    assert (Referral.objects.count(), AuditEvent.objects.count()) == before


def test_dp16_page_and_api_name_the_measure_and_who_records_an_assessment(
    client: Client, case, case_worker, counselling, consent
):
    signed_in(client, case_worker)
    before = (Referral.objects.count(), AuditEvent.objects.count())
    response = client.post(
        f"/cases/{case.public_id}/referrals/new/",
        {"offer": str(counselling.public_id), "reason": REASON, "consent": str(consent.public_id)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "DP-16" in page and "Data-sharing assessments" in page
    api = client.post(
        f"/api/v1/cases/{case.public_id}/referrals/",
        {"offer": str(counselling.public_id), "reason": REASON, "consent": str(consent.public_id)},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["error"]["measure_id"] == "DP-16"
    assert (Referral.objects.count(), AuditEvent.objects.count()) == before


def test_cc15_a_case_worker_sends_a_referral_on_the_page(
    client: Client, case, case_worker, counselling, assessment, consent
):
    signed_in(client, case_worker)
    form = client.get(f"/cases/{case.public_id}/referrals/new/").content.decode()
    assert counselling.name in form  # fits the child: 14, any gender
    response = client.post(
        f"/cases/{case.public_id}/referrals/new/",
        {
            "offer": str(counselling.public_id),
            "reason": REASON,
            "data_points": ["identity", "health"],
            "consent": str(consent.public_id),
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.data_points == ["basic", "identity", "health"]
    listed = client.get(f"/cases/{case.public_id}/referrals/").content.decode()
    assert "Waiting for an answer" in listed and counselling.name in listed


def test_cc4_no_filter_excludes_by_nationality(client: Client, case_worker, counselling):
    signed_in(client, case_worker)
    for params in ("", "?nationality=MM", "?nationality=TH&eligible_nationality=KH"):
        page = client.get(f"/directory/{params}").content.decode()
        assert counselling.name in page, params
        api = client.get(f"/api/v1/directory/offers/{params}").json()
        assert [o["name"] for o in api] == [counselling.name], params
    assert "nationality" not in str(api[0])


def test_cc4_directory_code_never_names_a_nationality():
    from pathlib import Path

    from tests.test_design_rules import _words_used

    root = Path(__file__).resolve().parents[2] / "haven" / "directory"
    for name in ("models.py", "selectors.py", "services.py", "forms.py"):
        words = _words_used((root / name).read_text())
        assert not [w for w in words if "national" in w.lower()], name


def test_cc15_search_filters_by_type_age_gender_form_country_and_language(
    client: Client, case_worker, counselling, shelter, shelter_admin
):
    offer_create(
        actor=shelter_admin,
        agency=shelter,
        service_type="Livelihood",
        name="Fictional vocational course for boys",
        country="KH",
        min_age=15,
        genders=["Masculine"],
        forms=["ForcedLabour"],
        languages=["km"],
    )
    signed_in(client, case_worker)

    def names(query: str) -> list[str]:
        return [o["name"] for o in client.get(f"/api/v1/directory/offers/?{query}").json()]

    # by type of service, then name
    assert names("") == [
        "Fictional vocational course for boys",
        "Fictional counselling for children",
    ]
    assert names("service_type=Livelihood") == ["Fictional vocational course for boys"]
    assert names("age=10") == ["Fictional counselling for children"]
    assert names("age=16&gender=Feminine") == ["Fictional counselling for children"]
    assert names("form=ForcedLabour&country=KH") == ["Fictional vocational course for boys"]
    assert names("language=km") == ["Fictional vocational course for boys"]
    assert client.get("/api/v1/directory/offers/?age=ten").status_code == 400


# --- query counts that do not grow with more rows -----------------------------------------


def _count(call) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx.captured_queries)


def _more_offers(shelter, shelter_admin, n: int) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        offer_create(
            actor=shelter_admin,
            agency=shelter,
            service_type="Education",
            name=f"Fictional class {i}",
            country="TH",
        )


def test_directory_search_page_and_api_take_the_same_queries_for_more_offers(
    client: Client, case_worker, counselling, shelter, shelter_admin
):
    signed_in(client, case_worker)
    page = _count(lambda: client.get("/directory/"))
    api = _count(lambda: client.get("/api/v1/directory/offers/"))
    _more_offers(shelter, shelter_admin, 5)
    assert _count(lambda: client.get("/directory/")) == page
    assert _count(lambda: client.get("/api/v1/directory/offers/")) == api


def test_inbox_and_case_referrals_take_the_same_queries_for_more_referrals(
    client: Client, case, case_worker, counselling, assessment, consent, psychologist
):
    def send() -> None:
        referral_send(
            case=case, actor=case_worker, offer=counselling, reason=REASON, consent=consent
        )

    send()
    # The menu's count of what is due is kept in the session for a minute (haven.web): each
    # person's first page counts it, so each is signed in and shown a page before counting.
    signed_in(client, psychologist).get("/directory/referrals/incoming/")
    inbox = _count(lambda: client.get("/directory/referrals/incoming/"))
    inbox_api = _count(lambda: client.get("/api/v1/directory/referrals/incoming/"))
    client.logout()
    signed_in(client, case_worker).get(f"/cases/{case.public_id}/referrals/")
    listed = _count(lambda: client.get(f"/cases/{case.public_id}/referrals/"))
    listed_api = _count(lambda: client.get(f"/api/v1/cases/{case.public_id}/referrals/"))
    for _ in range(4):
        send()
    assert _count(lambda: client.get(f"/cases/{case.public_id}/referrals/")) == listed
    assert _count(lambda: client.get(f"/api/v1/cases/{case.public_id}/referrals/")) == listed_api
    client.logout()
    signed_in(client, psychologist)
    assert _count(lambda: client.get("/directory/referrals/incoming/")) == inbox
    assert _count(lambda: client.get("/api/v1/directory/referrals/incoming/")) == inbox_api


def test_case_grant_and_readable_by_case_stay_one_query_with_referral_grants(
    case, case_worker, agency, counselling, assessment, psychologist, django_assert_num_queries
):
    from haven.accounts.models import User
    from haven.cases.access import memberships

    cases = [case]
    for _ in range(2):
        other = case_register(
            actor=case_worker,
            agency=agency,
            child=child_fields(),
            languages=["my"],
            summary="Fictional.",
        )
        consent = sharing_consent(other, case_worker)
        referral = referral_send(
            case=other,
            actor=case_worker,
            offer=counselling,
            reason=REASON,
            consent=consent,
            data_points=["identity"],
        )
        referral_accept(referral=referral, actor=psychologist)
        cases.append(other)
    user = User.objects.get(pk=psychologist.pk)
    memberships(user)  # loaded once per request
    with django_assert_num_queries(1):
        grants = readable_by_case(user, cases)
    assert grants[case.pk] == frozenset()
    assert all(grants[c.pk] == frozenset({"basic", "identity"}) for c in cases[1:])
    with django_assert_num_queries(1):
        grant = case_grant(user, cases[1])
    assert grant.readable == frozenset({"basic", "identity"})
