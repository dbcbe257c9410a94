"""The feedback services (CC-12, CC-13): what a kiosk entry keeps, who is told, who may act, and
that a refusal changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.voice import selectors, services
from haven.voice.models import ConcernNotice, Feedback, KioskSession
from tests.voice.conftest import complaint, concern

pytestmark = pytest.mark.django_db


def test_cc12_anonymous_kiosk_feedback_keeps_no_identity(kiosk):
    entry = services.feedback_submit_from_kiosk(
        kiosk=kiosk, language="id", mood="happy", message="Fiktif: makanannya enak."
    )
    entry = Feedback.objects.get(pk=entry.pk)
    assert entry.anonymous is True
    assert entry.wants_contact is False
    assert entry.contact_hint == ""
    assert entry.case_id is None
    assert entry.recorded_by_id is None
    assert entry.created_by_id is None
    assert entry.updated_by_id is None
    assert entry.channel == "kiosk"
    assert entry.language == "id"
    event = AuditEvent.objects.get(action="feedback.submit")
    assert event.actor_id is None
    assert event.actor_role == ""
    assert event.case_id is None
    # The audit row says that a message came, never what it says (DP-3).
    assert "makanannya" not in str(event.changes)
    assert event.changes["message"] == [None, "[changed]"]


def test_cc12_kiosk_reference_is_eight_unambiguous_characters_and_unique(kiosk):
    refs = {complaint(kiosk).reference for _ in range(20)}
    assert len(refs) == 20
    for ref in refs:
        assert len(ref) == 8
        assert set(ref) <= set(services.REFERENCE_ALPHABET)
        assert not set(ref) & set("0O1IL5S8B2Z")


def test_cc12_kiosk_message_is_encrypted_at_rest(kiosk):
    from django.db import connection

    entry = complaint(kiosk, wants_contact=True, contact_hint="Fictional: ask for Noi")
    with connection.cursor() as cursor:
        cursor.execute("SELECT message, contact_hint FROM voice_feedback WHERE id = %s", [entry.pk])
        message, hint = cursor.fetchone()
    # The whole text, not a word of it: a three-letter name can occur by chance in the
    # ciphertext's base64 (it did, once in a few thousand runs); ": " never can.
    assert message.startswith("gAAAAA")  # a Fernet token
    assert "Fictional: the water in the shower is cold every morning." not in message
    assert "Fictional: ask for Noi" not in hint
    assert entry.contact_hint == "Fictional: ask for Noi"


def test_cc12_a_child_who_wants_contact_is_not_anonymous(kiosk):
    entry = complaint(kiosk, wants_contact=True, contact_hint="ask for me at the shelter")
    assert entry.anonymous is False
    assert entry.contact_hint == "ask for me at the shelter"


def test_cc12_a_hint_without_wanting_contact_is_not_kept(kiosk):
    entry = complaint(kiosk, wants_contact=False, contact_hint="Fictional name")
    assert entry.contact_hint == ""
    assert entry.anonymous is True


def test_cc12_an_empty_kiosk_entry_is_refused_and_nothing_is_saved(kiosk):
    with pytest.raises(ValidationError) as exc:
        services.feedback_submit_from_kiosk(kiosk=kiosk, language="en")
    assert exc.value.message_dict == {"message": ["Choose a face or write something."]}
    assert Feedback.objects.count() == 0
    assert AuditEvent.objects.filter(action="feedback.submit").count() == 0


@override_settings(HAVEN_KIOSK_SUBMISSIONS_PER_HOUR=3)
def test_cc12_kiosk_is_throttled_per_hour_and_the_refusal_saves_nothing(kiosk):
    for _ in range(3):
        complaint(kiosk)
    with pytest.raises(ValidationError) as exc:
        complaint(kiosk)
    assert exc.value.code == "throttled"
    assert Feedback.objects.count() == 3
    # An hour later the kiosk takes messages again.
    Feedback.objects.update(received_at=timezone.now() - timedelta(minutes=61))
    complaint(kiosk)
    assert Feedback.objects.count() == 4


def test_cc12_throttle_counts_each_kiosk_on_its_own(kiosk, case_worker):
    with override_settings(HAVEN_KIOSK_SUBMISSIONS_PER_HOUR=1):
        complaint(kiosk)
        other, _token = services.kiosk_open(actor=case_worker, place="Fictional office hall")
        complaint(other)
    assert Feedback.objects.count() == 2


def test_cc12_an_expired_kiosk_takes_nothing(kiosk_and_token):
    kiosk, token = kiosk_and_token
    KioskSession.objects.filter(pk=kiosk.pk).update(expires_at=timezone.now())
    assert services.kiosk_for_token(token) is None
    with pytest.raises(PermissionDenied):
        complaint(kiosk)
    assert Feedback.objects.count() == 0


@override_settings(HAVEN_KIOSK_HOURS=12)
def test_cc12_kiosk_expires_after_haven_kiosk_hours_and_keeps_only_a_token_hash(
    kiosk_and_token,
):
    kiosk, token = kiosk_and_token
    assert kiosk.expires_at - kiosk.opened_at == timedelta(hours=12)
    assert token not in kiosk.token_hash
    assert services.kiosk_for_token(token) == kiosk
    assert services.kiosk_for_token(token + "x") is None
    assert services.kiosk_for_token("") is None


def test_cc12_a_closed_kiosk_takes_nothing(kiosk_and_token, case_worker):
    kiosk, token = kiosk_and_token
    services.kiosk_close(kiosk=kiosk, actor=case_worker)
    assert services.kiosk_for_token(token) is None
    with pytest.raises(PermissionDenied):
        complaint(kiosk)


def test_cc12_only_staff_who_may_open_kiosks_open_them(supervisor, safeguarding_lead, agency):
    from haven.accounts.roles import Role
    from tests.factories import staff

    services.kiosk_open(actor=supervisor, place="Fictional hall")
    for role in (Role.SAFEGUARDING_LEAD, Role.STATISTICIAN, Role.GUARDIAN, Role.INTERPRETER):
        user = staff(agency, role)
        with pytest.raises(PermissionDenied):
            services.kiosk_open(actor=user, place="Fictional hall")
    assert KioskSession.objects.count() == 1


def test_cc12_a_kiosk_needs_a_place(case_worker):
    with pytest.raises(ValidationError) as exc:
        services.kiosk_open(actor=case_worker, place="  ")
    assert list(exc.value.message_dict) == ["place"]
    assert KioskSession.objects.count() == 0


def test_cc12_kiosk_of_another_agency_cannot_be_closed(kiosk, outsider):
    with pytest.raises(PermissionDenied):
        services.kiosk_close(kiosk=kiosk, actor=outsider)
    kiosk.refresh_from_db()
    assert kiosk.closed_at is None


def test_cc12_resolve_without_text_is_refused_and_nothing_changes(kiosk, supervisor):
    entry = complaint(kiosk)
    events = AuditEvent.objects.count()
    for text in ("", "   ", "ok"):
        with pytest.raises(ValidationError) as exc:
            services.feedback_resolve(feedback=entry, actor=supervisor, resolution=text)
        assert exc.value.message_dict == {
            "resolution": ["Write what was done and what the child was told."]
        }
    entry.refresh_from_db()
    assert entry.status == "received"
    assert entry.resolution == ""
    assert entry.resolved_at is None
    assert entry.acknowledged_at is None
    assert AuditEvent.objects.count() == events


def test_cc12_complaint_is_tracked_from_received_to_acknowledged_to_resolved(kiosk, supervisor):
    entry = complaint(kiosk)
    entry = services.feedback_acknowledge(feedback=entry, actor=supervisor)
    assert (entry.status, entry.acknowledged_by) == ("acknowledged", supervisor)
    with pytest.raises(ValidationError):
        services.feedback_acknowledge(feedback=entry, actor=supervisor)
    entry = services.feedback_resolve(
        feedback=entry, actor=supervisor, resolution="Fictional: the boiler was repaired."
    )
    entry.refresh_from_db()
    assert entry.status == "resolved"
    assert entry.resolution == "Fictional: the boiler was repaired."
    assert entry.resolved_by == supervisor
    with pytest.raises(ValidationError):
        services.feedback_resolve(
            feedback=entry, actor=supervisor, resolution="Fictional: resolved again."
        )
    actions = list(
        AuditEvent.objects.filter(object_id=str(entry.public_id)).values_list("action", "changes")
    )
    assert [a for a, _c in actions] == [
        "feedback.submit",
        "feedback.acknowledge",
        "feedback.resolve",
    ]
    assert actions[2][1]["resolution"] == ["", "[changed]"]


def test_cc12_resolving_what_was_not_acknowledged_acknowledges_it(kiosk, supervisor):
    entry = services.feedback_resolve(
        feedback=complaint(kiosk), actor=supervisor, resolution="Fictional: spoke with the child."
    )
    assert entry.acknowledged_at == entry.resolved_at
    assert entry.acknowledged_by == supervisor


def test_cc13_supervisors_never_see_concerns(kiosk, supervisor, cp_officer, safeguarding_lead):
    worry = concern(kiosk)
    moan = complaint(kiosk)
    assert list(selectors.feedback_for_user(supervisor)) == [moan]
    assert list(selectors.feedback_for_user(cp_officer)) == [moan]
    assert set(selectors.feedback_for_user(safeguarding_lead)) == {worry, moan}
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.access_feedback_by_id(supervisor, worry.public_id)
    events = AuditEvent.objects.count()
    for act in (
        lambda: services.feedback_acknowledge(feedback=worry, actor=supervisor),
        lambda: services.feedback_resolve(
            feedback=worry, actor=supervisor, resolution="Fictional: nothing happened."
        ),
        lambda: services.feedback_read(feedback=worry, actor=supervisor),
    ):
        with pytest.raises(PermissionDenied):
            act()
    worry.refresh_from_db()
    assert worry.status == "received"
    assert AuditEvent.objects.count() == events


def test_cc13_concern_notifies_the_agencys_safeguarding_leads_only(
    kiosk, safeguarding_lead, supervisor, other_agency
):
    from haven.accounts.roles import Role
    from tests.factories import staff

    elsewhere = staff(other_agency, Role.SAFEGUARDING_LEAD)
    worry = concern(kiosk)
    complaint(kiosk)
    notices = list(ConcernNotice.objects.values_list("recipient_id", "feedback_id"))
    assert notices == [(safeguarding_lead.pk, worry.pk)]
    assert selectors.unread_concerns(safeguarding_lead) == 1
    assert selectors.unread_concerns(elsewhere) == 0
    # Reading it is audited and clears the notice.
    services.feedback_read(feedback=worry, actor=safeguarding_lead)
    assert selectors.unread_concerns(safeguarding_lead) == 0
    assert (
        AuditEvent.objects.filter(
            action="feedback.read", actor=safeguarding_lead, object_id=str(worry.public_id)
        ).count()
        == 1
    )


@override_settings(HAVEN_NOTIFY_EMAIL=True)
def test_cc13_concern_email_says_nothing_of_the_concern(
    kiosk, safeguarding_lead, django_capture_on_commit_callbacks, mailoutbox
):
    safeguarding_lead.email = "lead@example.org"
    safeguarding_lead.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        concern(kiosk)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["lead@example.org"]
    assert "shouted" not in mailoutbox[0].body
    assert "shouted" not in mailoutbox[0].subject


def test_dp2_handlers_of_another_agency_see_nothing(kiosk, other_supervisor):
    complaint(kiosk)
    assert list(selectors.feedback_for_user(other_supervisor)) == []


@override_settings(HAVEN_FEEDBACK_ACK_DAYS=7)
def test_cc12_complaints_not_acknowledged_in_time_are_overdue_and_listed_first(kiosk, supervisor):
    old = complaint(kiosk)
    fresh = complaint(kiosk)
    praise = services.feedback_submit_from_kiosk(kiosk=kiosk, language="en", mood="happy")
    acknowledged_old = complaint(kiosk)
    services.feedback_acknowledge(feedback=acknowledged_old, actor=supervisor)
    long_ago = timezone.now() - timedelta(days=8)
    Feedback.objects.filter(pk__in=[old.pk, praise.pk, acknowledged_old.pk]).update(
        received_at=long_ago
    )
    rows = list(selectors.with_overdue(selectors.feedback_for_user(supervisor)))
    assert [(r.pk, r.overdue) for r in rows] == [
        (old.pk, True),
        (fresh.pk, False),
        (acknowledged_old.pk, False),
        (praise.pk, False),
    ]
    assert selectors.is_overdue(Feedback.objects.get(pk=old.pk)) is True
    assert selectors.is_overdue(Feedback.objects.get(pk=praise.pk)) is False


def test_cc12_staff_record_feedback_on_a_case_they_can_open(case, case_worker, supervisor):
    entry = services.feedback_record(
        actor=case_worker,
        case=case,
        anonymous=False,
        language="my",
        kind="complaint",
        message="Fictional: wants to call her aunt more often.",
    )
    assert entry.case == case
    assert entry.agency == case.lead_agency
    assert entry.recorded_by == case_worker
    assert entry.channel == "in_person"
    assert list(selectors.feedback_for_user(supervisor)) == [entry]
    event = AuditEvent.objects.get(action="feedback.record")
    assert event.case_id == case.pk


def test_cc12_recording_on_a_case_one_cannot_act_on_is_refused(case, unassigned_case_worker):
    with pytest.raises(PermissionDenied):
        services.feedback_record(
            actor=unassigned_case_worker,
            case=case,
            anonymous=False,
            language="en",
            kind="feedback",
            message="Fictional.",
        )
    assert Feedback.objects.count() == 0


def test_cc12_feedback_on_a_case_is_not_anonymous(case, case_worker):
    with pytest.raises(ValidationError) as exc:
        services.feedback_record(
            actor=case_worker, case=case, language="en", kind="feedback", message="Fictional."
        )
    assert list(exc.value.message_dict) == ["anonymous"]
    assert Feedback.objects.count() == 0


def test_cc12_recording_needs_the_childs_words_and_a_real_language(case_worker):
    with pytest.raises(ValidationError) as exc:
        services.feedback_record(actor=case_worker, language="xx", kind="feedback", message="")
    assert set(exc.value.message_dict) == {"language", "message"}
    assert Feedback.objects.count() == 0


def test_cc12_recording_in_the_future_is_refused(case_worker):
    with pytest.raises(ValidationError) as exc:
        services.feedback_record(
            actor=case_worker,
            language="en",
            kind="feedback",
            message="Fictional.",
            received_at=timezone.now() + timedelta(days=1),
        )
    assert list(exc.value.message_dict) == ["received_at"]
    assert Feedback.objects.count() == 0


def test_cc13_a_concern_on_a_case_stays_off_the_case_timeline(case, case_worker, cp_officer):
    from haven.accounts.roles import Role
    from tests.factories import staff

    lead = staff(case.lead_agency, Role.SAFEGUARDING_LEAD)
    worry = services.feedback_record(
        actor=case_worker,
        case=case,
        anonymous=False,
        language="my",
        kind="concern",
        message="Fictional: the night guard frightens her.",
    )
    services.feedback_read(feedback=worry, actor=lead)
    services.feedback_resolve(
        feedback=worry, actor=lead, resolution="Fictional: guard moved; referred to the police."
    )
    events = AuditEvent.objects.filter(object_id=str(worry.public_id))
    assert [e.action for e in events] == [
        "feedback.record",
        "concern.route",
        "feedback.read",
        "feedback.resolve",
    ]
    assert {e.case_id for e in events} == {None}
    # A complaint on the same case is on the timeline.
    moan = services.feedback_record(
        actor=case_worker,
        case=case,
        anonymous=False,
        language="my",
        kind="complaint",
        message="Fictional: the rice is cold.",
    )
    assert AuditEvent.objects.get(object_id=str(moan.public_id)).case_id == case.pk
