"""A concern about a practitioner is never seen by nobody (CC-13).

It reaches, when it is recorded and in the same transaction, someone who is not its subject:
the agency's safeguarding lead; else the agency's supervisors who are not its subject; else the
child-protection authority's safeguarding lead. The person it is about never receives it nor
reads it, even when they are the safeguarding lead. An agency without a safeguarding lead is a
gap on its administrator's staff page."""

import logging
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client, override_settings

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.voice import routing, selectors, services
from haven.voice.models import ConcernNotice, Feedback
from tests.conftest import signed_in
from tests.factories import AgencyFactory, staff
from tests.voice.conftest import kiosk_client

pytestmark = pytest.mark.django_db

WORRY = "Fictional: he grabbed my arm and said nobody would believe me."


@pytest.fixture
def home(agency):  # type: ignore[no-untyped-def]
    """A shelter in the authority's country (`agency`, the child-protection authority in TH),
    with no safeguarding lead of its own."""
    return AgencyFactory(name="Fictional Riverside Shelter", country="TH")


@pytest.fixture
def recorder(home):  # type: ignore[no-untyped-def]
    return staff(home, Role.CASE_WORKER, username="riverside_cw")


@pytest.fixture
def sup_named(home):  # type: ignore[no-untyped-def]
    return staff(home, Role.SUPERVISOR, username="riverside_sup1")


@pytest.fixture
def sup_other(home):  # type: ignore[no-untyped-def]
    return staff(home, Role.SUPERVISOR, username="riverside_sup2")


@pytest.fixture
def authority_lead(agency):  # type: ignore[no-untyped-def]
    """The safeguarding lead of the child-protection authority of the shelter's country."""
    return staff(agency, Role.SAFEGUARDING_LEAD, username="cpa_lead")


def record_concern(actor, subject=None, **extra):  # type: ignore[no-untyped-def]
    fields = {"language": "th", "kind": "concern", "message": WORRY, "subject": subject}
    fields.update(extra)
    return services.feedback_record(actor=actor, **fields)


def notices(feedback: Feedback) -> list[tuple[int, int, str]]:
    return sorted(
        ConcernNotice.objects.filter(feedback=feedback).values_list(
            "recipient_id", "agency_id", "route"
        )
    )


def test_cc13_concern_without_safeguarding_lead_reaches_supervisor_not_named(
    home, recorder, sup_named, sup_other, authority_lead
):
    worry = record_concern(recorder, subject=sup_named)
    assert worry.subject == sup_named
    # The other supervisor alone: the subject is known and is not them, so no one outside.
    assert notices(worry) == [(sup_other.pk, home.pk, "supervisor")]
    assert list(selectors.feedback_for_user(sup_other)) == [worry]
    assert selectors.concern_inbox(sup_other) == (True, 1)
    services.feedback_read(feedback=worry, actor=sup_other)
    services.feedback_acknowledge(feedback=worry, actor=sup_other)
    worry = services.feedback_resolve(
        feedback=worry, actor=sup_other, resolution="Fictional: referred to the police."
    )
    assert (worry.status, worry.resolved_by) == ("resolved", sup_other)
    assert selectors.concern_inbox(sup_other) == (True, 0)
    assert list(selectors.feedback_for_user(authority_lead)) == []


def test_cc13_supervisor_who_is_the_subject_is_not_a_recipient(
    home, recorder, sup_named, sup_other
):
    worry = record_concern(recorder, subject=sup_named)
    assert ConcernNotice.objects.filter(recipient=sup_named).count() == 0
    assert list(selectors.feedback_for_user(sup_named)) == []
    assert selectors.concern_inbox(sup_named) == (False, 0)
    with pytest.raises(Http404):
        selectors.access_feedback_by_id(sup_named, worry.public_id)
    events = AuditEvent.objects.count()
    for act in (
        lambda: services.feedback_read(feedback=worry, actor=sup_named),
        lambda: services.feedback_acknowledge(feedback=worry, actor=sup_named),
        lambda: services.feedback_resolve(
            feedback=worry, actor=sup_named, resolution="Fictional: nothing happened."
        ),
    ):
        with pytest.raises(PermissionDenied):
            act()
    worry.refresh_from_db()
    assert (worry.status, worry.acknowledged_at) == ("received", None)
    assert AuditEvent.objects.count() == events


def test_cc13_concern_with_neither_lead_nor_other_supervisor_reaches_authoritys_lead(
    agency, home, recorder, sup_named, authority_lead
):
    worry = record_concern(recorder, subject=sup_named)
    assert notices(worry) == [(authority_lead.pk, agency.pk, "authority")]
    assert list(selectors.feedback_for_user(authority_lead)) == [worry]
    assert list(selectors.feedback_for_user(sup_named)) == []
    worry = services.feedback_resolve(
        feedback=worry, actor=authority_lead, resolution="Fictional: spoke with the child."
    )
    assert worry.status == "resolved"


def test_cc13_kiosk_concern_in_agency_with_no_staff_to_hear_it_reaches_authoritys_lead(
    agency, home, authority_lead
):
    opener = staff(home, Role.SHELTER_STAFF, username="riverside_shelter")
    kiosk, _token = services.kiosk_open(actor=opener, place="Fictional dining room")
    worry = services.feedback_submit_from_kiosk(
        kiosk=kiosk, language="en", kind="concern", message=WORRY
    )
    assert notices(worry) == [(authority_lead.pk, agency.pk, "authority")]


def test_cc13_kiosk_concern_without_lead_reaches_supervisors_and_the_authority(
    agency, home, sup_named, sup_other, authority_lead
):
    # The kiosk names no one, and the child means "someone who works here": any supervisor
    # may be that person, so someone outside the agency hears it too.
    opener = staff(home, Role.SHELTER_STAFF, username="riverside_shelter")
    kiosk, _token = services.kiosk_open(actor=opener, place="Fictional dining room")
    worry = services.feedback_submit_from_kiosk(
        kiosk=kiosk, language="en", kind="concern", message=WORRY
    )
    assert worry.subject is None
    assert notices(worry) == sorted(
        [
            (sup_named.pk, home.pk, "supervisor"),
            (sup_other.pk, home.pk, "supervisor"),
            (authority_lead.pk, agency.pk, "authority"),
        ]
    )


def test_cc13_accused_never_receives_it_even_as_the_safeguarding_lead(home, recorder, sup_other):
    accused = staff(home, Role.SAFEGUARDING_LEAD, username="riverside_lead1")
    second = staff(home, Role.SAFEGUARDING_LEAD, username="riverside_lead2")
    worry = record_concern(recorder, subject=accused)
    assert notices(worry) == [(second.pk, home.pk, "lead")]
    assert list(selectors.feedback_for_user(accused)) == []
    assert list(selectors.feedback_for_user(second)) == [worry]
    with pytest.raises(PermissionDenied):
        services.feedback_read(feedback=worry, actor=accused)


def test_cc13_accused_sole_safeguarding_lead_is_skipped_for_a_supervisor(home, recorder, sup_other):
    accused = staff(home, Role.SAFEGUARDING_LEAD, username="riverside_lead1")
    worry = record_concern(recorder, subject=accused)
    assert notices(worry) == [(sup_other.pk, home.pk, "supervisor")]
    # Holding HANDLE_CONCERNS in the agency does not let the subject read it.
    assert list(selectors.feedback_for_user(accused)) == []
    client = signed_in(Client(), accused)
    assert client.get(f"/voice/{worry.public_id}/").status_code == 404
    assert worry.reference not in client.get("/voice/?kind=concern").text
    assert client.post(f"/voice/{worry.public_id}/acknowledge/").status_code == 404


def test_cc13_authority_without_lead_falls_to_its_feedback_handlers(
    agency, home, recorder, sup_named, other_agency
):
    officer = staff(agency, Role.CHILD_PROTECTION_OFFICER, username="cpa_officer")
    cpa_supervisor = staff(agency, Role.SUPERVISOR, username="cpa_sup")
    staff(agency, Role.CASE_WORKER, username="cpa_cw")
    # An authority in another country is not this shelter's authority.
    abroad = AgencyFactory(
        name="Fictional Authority Abroad", country="KH", is_child_protection_authority=True
    )
    staff(abroad, Role.SAFEGUARDING_LEAD, username="abroad_lead")
    worry = record_concern(recorder, subject=sup_named)
    assert notices(worry) == sorted(
        [(officer.pk, agency.pk, "authority"), (cpa_supervisor.pk, agency.pk, "authority")]
    )
    assert list(selectors.feedback_for_user(officer)) == [worry]


def test_cc13_concern_that_reaches_no_one_is_audited_and_logged(home, recorder, caplog):
    with caplog.at_level(logging.ERROR, logger="haven.voice.services"):
        worry = record_concern(recorder)
    assert notices(worry) == []
    route = AuditEvent.objects.get(action="concern.route")
    assert route.changes == {"route": [None, []], "recipients": [None, 0]}
    assert [r.getMessage() for r in caplog.records] == ["concern reached no one"]


def test_cc13_routing_is_audited_off_the_case_and_names_no_one(
    home, recorder, sup_named, sup_other
):
    worry = record_concern(recorder, subject=sup_named)
    events = list(AuditEvent.objects.filter(object_id=str(worry.public_id)).order_by("seq"))
    assert [e.action for e in events] == ["feedback.record", "concern.route"]
    assert events[0].changes["subject"] == [None, "[changed]"]
    assert events[1].changes == {"route": [None, ["supervisor"]], "recipients": [None, 1]}
    assert {e.case_id for e in events} == {None}
    assert (events[1].actor, events[1].seq) == (recorder, events[0].seq + 1)


def test_cc13_concern_is_routed_in_the_transaction_that_records_it(
    home, recorder, sup_other, monkeypatch
):
    def broken(feedback):  # type: ignore[no-untyped-def]
        raise RuntimeError("routing failed")

    monkeypatch.setattr(services, "concern_recipients", broken)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        record_concern(recorder)
    # Not recorded without being routed: nothing stays.
    assert Feedback.objects.count() == 0
    assert ConcernNotice.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_cc13_only_a_concern_names_a_person_and_a_refusal_changes_nothing(
    home, recorder, sup_named
):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        record_concern(recorder, subject=sup_named, kind="complaint")
    assert refused.value.message_dict == {
        "subject": ["Name a person only for a concern about someone who works with children."]
    }
    assert Feedback.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_cc13_routed_supervisor_loses_it_on_leaving_the_agency(
    home, recorder, sup_named, sup_other
):
    worry = record_concern(recorder, subject=sup_named)
    assert list(selectors.feedback_for_user(sup_other)) == [worry]
    Membership.objects.filter(user=sup_other, agency=home).update(is_active=False)
    sup_other = type(sup_other).objects.get(pk=sup_other.pk)  # drop the cached memberships
    assert list(selectors.feedback_for_user(sup_other)) == []


def test_cc13_recipients_are_computed_without_the_subject_in_three_queries(
    django_assert_num_queries, home, recorder, sup_named, sup_other, authority_lead
):
    feedback = SimpleNamespace(agency=home, subject_id=None)
    with django_assert_num_queries(3):
        found = routing.concern_recipients(feedback)  # type: ignore[arg-type]
    assert sorted((r.user_id, r.route) for r in found) == sorted(
        [
            (sup_named.pk, "supervisor"),
            (sup_other.pk, "supervisor"),
            (authority_lead.pk, "authority"),
        ]
    )


def test_cc13_record_page_names_the_subject_and_the_routed_supervisor_is_told_why(
    home, recorder, sup_named, sup_other
):
    client = signed_in(Client(), recorder)
    form = client.get("/voice/record/").text
    assert "Who is the concern about?" in form
    assert f'value="{sup_named.public_id}"' in form
    response = client.post(
        "/voice/record/",
        {
            "channel": "in_person",
            "kind": "concern",
            "language": "th",
            "message": WORRY,
            "anonymous": "on",
            "subject": str(sup_named.public_id),
        },
    )
    assert response.status_code == 302
    worry = Feedback.objects.get()
    assert (worry.subject, worry.recorded_by) == (sup_named, recorder)
    assert notices(worry) == [(sup_other.pk, home.pk, "supervisor")]
    routed = signed_in(Client(), sup_other)
    listing = routed.get("/voice/").text
    assert worry.reference in listing
    assert "1 new concern about someone who works with children." in listing
    assert 'value="concern"' in listing
    page = routed.get(f"/voice/{worry.public_id}/").text
    assert WORRY in page
    assert "It came to you because Fictional Riverside Shelter has no safeguarding lead" in page
    accused = signed_in(Client(), sup_named)
    assert accused.get(f"/voice/{worry.public_id}/").status_code == 404
    assert worry.reference not in accused.get("/voice/").text


def test_cc13_record_page_refuses_a_person_named_on_a_complaint(home, recorder, sup_named):
    response = signed_in(Client(), recorder).post(
        "/voice/record/",
        {
            "channel": "in_person",
            "kind": "complaint",
            "language": "th",
            "message": "Fictional: the food is cold.",
            "anonymous": "on",
            "subject": str(sup_named.public_id),
        },
    )
    assert response.status_code == 400
    assert "Name a person only for a concern about someone who works with children." in (
        response.text
    )
    assert Feedback.objects.count() == 0


def test_cc13_authoritys_lead_is_told_why_a_concern_came_to_them(
    home, recorder, sup_named, authority_lead
):
    worry = record_concern(recorder, subject=sup_named)
    page = signed_in(Client(), authority_lead).get(f"/voice/{worry.public_id}/").text
    assert (
        "It came to you, at the child-protection authority, because no one at "
        "Fictional Riverside Shelter could receive it" in page
    )


@override_settings(HAVEN_NOTIFY_EMAIL=True)
def test_cc13_routed_supervisor_is_emailed_and_the_subject_is_not(
    home, recorder, sup_named, sup_other, django_capture_on_commit_callbacks, mailoutbox
):
    for user, address in ((sup_named, "named@example.org"), (sup_other, "other@example.org")):
        user.email = address
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        record_concern(recorder, subject=sup_named)
    assert [m.to for m in mailoutbox] == [["other@example.org"]]
    assert "grabbed" not in mailoutbox[0].body


def test_cc13_kiosk_thanks_without_a_lead_promises_no_safeguarding_lead(home, sup_other):
    opener = staff(home, Role.SHELTER_STAFF, username="riverside_shelter")
    _kiosk, token = services.kiosk_open(actor=opener, place="Fictional dining room")
    client = kiosk_client(token)
    client.post("/kiosk/en/", {"message": WORRY, "kind": "concern"})
    thanks = client.get("/kiosk/thanks/").text
    assert "Only the safeguarding lead" not in thanks
    assert (
        "People whose job is to keep children safe from adults who work with them will read this."
        in thanks
    )


def test_cc13_staff_page_shows_an_agency_without_safeguarding_lead_as_a_gap(home):
    admin = staff(home, Role.AGENCY_ADMIN, username="riverside_admin")
    client = signed_in(Client(), admin)
    page = client.get("/accounts/members/").text
    assert "Fictional Riverside Shelter has no safeguarding lead." in page
    assert (
        "What to do: add a staff account with the role “Safeguarding lead” for someone who is "
        "not a supervisor." in page
    )
    assert f'id="gap-safeguarding-lead-{home.public_id}"' in page
    # An inactive lead is no lead.
    lead = staff(home, Role.SAFEGUARDING_LEAD, username="riverside_lead")
    Membership.objects.filter(user=lead).update(is_active=False)
    assert "has no safeguarding lead" in client.get("/accounts/members/").text


def test_cc13_staff_page_shows_no_gap_when_the_agency_has_a_lead(home):
    admin = staff(home, Role.AGENCY_ADMIN, username="riverside_admin")
    staff(home, Role.SAFEGUARDING_LEAD, username="riverside_lead")
    page = signed_in(Client(), admin).get("/accounts/members/").text
    assert "has no safeguarding lead" not in page
    assert "gap-safeguarding-lead" not in page


def test_cc13_concern_at_the_authority_without_lead_or_supervisor_reaches_its_officers(
    agency, kiosk
):
    officer = staff(agency, Role.CHILD_PROTECTION_OFFICER, username="cpa_officer")
    worry = services.feedback_submit_from_kiosk(
        kiosk=kiosk, language="en", kind="concern", message=WORRY
    )
    assert notices(worry) == [(officer.pk, agency.pk, "authority")]
