"""Consent per measure (CC-3, PS-4, DP-5, DP-6): the conversation's checklist, who must agree
at which age, refusal respected, withdrawal, expiry, and override only by a best-interests
determination. Domain tests without HTTP."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from haven.accounts.roles import Role
from haven.audit.models import AuditEvent
from haven.cases.services import case_assign, case_register
from haven.children.age import years_before
from haven.consent.models import CHECKLIST_KEYS, Consent
from haven.consent.selectors import consent_in_force
from haven.consent.services import (
    consent_override,
    consent_record,
    consent_withdraw,
    grants_consent,
)
from haven.decisions.models import Decision
from haven.decisions.services import decision_record
from haven.safeguards.models import Alert
from tests.factories import at_run, child_fields, staff

TODAY = timezone.localdate


def _case_aged(actor, agency, years: int, **child):  # type: ignore[no-untyped-def]
    """A case about a child who turned `years` a month ago."""
    born = years_before(TODAY(), years) - timedelta(days=30)
    return case_register(
        actor=actor,
        agency=agency,
        child=child_fields(given_name=f"Child{years}", birth_date=born, **child),
        languages=["my"],
    )


def _consent(case, actor, **overrides):  # type: ignore[no-untyped-def]
    fields = {
        "purpose": "medical_examination",
        "given_on": TODAY(),
        "language": "my",
        "formats": ["verbal"],
        "explained_by": "Fictional Nurse",
        "checklist": list(CHECKLIST_KEYS),
        "child_answer": "agrees",
    }
    fields.update(overrides)
    return consent_record(case=case, actor=actor, **fields)


GUARDIAN_CONSENTS = {
    "representative": "guardian",
    "representative_name": "Fictional Guardian",
    "representative_answer": "consents",
}


def _bid(case, actor, subject="medical_without_consent", kind="bid"):  # type: ignore[no-untyped-def]
    return decision_record(
        case=case,
        actor=actor,
        kind=kind,
        subject=subject,
        decided_on=TODAY(),
        question="Fictional question.",
        options="Fictional options.",
        outcome="Fictional outcome.",
        justification="Fictional justification in the child's best interests.",
        child_views="Fictional: I am scared of the doctor.",
        child_views_weight="Fictional: heard and weighed for a 14-year-old.",
        participants=(
            [
                {"name": "Fictional Chair", "role": "Panel"},
                {"name": "Fictional Doctor", "role": "Panel"},
            ]
            if kind == "bid"
            else []
        ),
    )


def _counts() -> tuple[int, int, int]:
    return (Consent.objects.count(), AuditEvent.objects.count(), Alert.objects.count())


def _row(consent: Consent) -> tuple:
    consent.refresh_from_db()
    return (
        consent.withdrawn_at,
        consent.withdrawn_by,
        consent.override_decision_id,
        consent.grants,
    )


# --- DP-6: the consent conversation's checklist ------------------------------------------------


@pytest.mark.parametrize("missing", CHECKLIST_KEYS)
def test_dp6_consent_without_every_checklist_point_is_refused_and_nothing_saved(
    case, case_worker, missing
):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _consent(
            case,
            case_worker,
            checklist=[key for key in CHECKLIST_KEYS if key != missing],
            **GUARDIAN_CONSENTS,
        )

    assert list(excinfo.value.message_dict) == ["checklist"]
    assert "1 of 7" in excinfo.value.message_dict["checklist"][0]
    assert _counts() == before


def test_dp6_an_empty_checklist_is_refused_and_names_every_point_still_to_explain(
    case, case_worker
):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        _consent(case, case_worker, checklist=[], **GUARDIAN_CONSENTS)
    assert "7 of 7" in excinfo.value.message_dict["checklist"][0]
    assert _counts() == before


def test_dp6_the_full_checklist_is_stored_with_the_consent(case, case_worker):
    consent = _consent(case, case_worker, checklist=list(reversed(CHECKLIST_KEYS)))
    consent.refresh_from_db()
    assert consent.checklist == list(CHECKLIST_KEYS)


def test_dp6_a_complete_checklist_given_as_an_iterator_is_accepted(case, case_worker):
    consent = _consent(case, case_worker, checklist=iter(CHECKLIST_KEYS), **GUARDIAN_CONSENTS)
    assert consent.grants is True


# --- CC-3, DP-5: who must agree ----------------------------------------------------------------


def test_cc3_nine_year_olds_assent_with_guardians_consent_grants(case_worker, agency):
    case = _case_aged(case_worker, agency, 9)

    consent = _consent(case, case_worker, **GUARDIAN_CONSENTS)

    consent.refresh_from_db()
    assert (consent.child_age, consent.grants, consent.state) == (9, True, "granted")
    assert consent_in_force(case, "medical_examination") == consent
    assert consent.representative_name == "Fictional Guardian"
    event = AuditEvent.objects.get(action="consent.record")
    assert (event.case_id, event.actor, event.object_id, event.changes) == (
        case.pk,
        case_worker,
        str(consent.public_id),
        {
            "purpose": [None, "medical_examination"],
            "child_answer": [None, "agrees"],
            "representative_answer": [None, "consents"],
            "grants": [None, True],
        },
    )
    # the representative's name is case content: not in the audit trail
    assert "Fictional Guardian" not in str(event.changes)


@pytest.mark.parametrize("years", [9, 15])
def test_dp5_assent_alone_does_not_grant_below_the_consent_age(case_worker, agency, years):
    case = _case_aged(case_worker, agency, years)

    consent = _consent(case, case_worker)

    assert (consent.child_age, consent.grants) == (years, False)
    assert consent_in_force(case, "medical_examination") is None


def test_dp5_a_sixteen_year_olds_own_consent_grants(case_worker, agency, settings):
    assert settings.HAVEN_CHILD_CONSENT_AGE == 16
    case = _case_aged(case_worker, agency, 16)

    consent = _consent(case, case_worker)

    assert (consent.child_age, consent.representative, consent.grants) == (16, "none", True)
    assert consent_in_force(case, "medical_examination") == consent


def test_dp5_the_consent_age_is_a_setting(case_worker, agency, settings):
    settings.HAVEN_CHILD_CONSENT_AGE = 18
    case = _case_aged(case_worker, agency, 16)

    consent = _consent(case, case_worker)

    assert consent.grants is False
    assert consent_in_force(case, "medical_examination") is None


@pytest.mark.parametrize("years", [9, 16])
def test_cc3_child_refusal_is_respected_even_with_representative_consent(
    case_worker, agency, years
):
    case = _case_aged(case_worker, agency, years)

    consent = _consent(case, case_worker, child_answer="refuses", **GUARDIAN_CONSENTS)

    consent.refresh_from_db()
    assert (consent.grants, consent.state) == (False, "refused")
    assert consent_in_force(case, "medical_examination") is None
    # the refusal is recorded, like a consent
    event = AuditEvent.objects.get(action="consent.record")
    assert event.changes["child_answer"] == [None, "refuses"]


def test_cc3_a_representatives_refusal_is_respected(case_worker, agency):
    case = _case_aged(case_worker, agency, 9)
    consent = _consent(
        case,
        case_worker,
        representative="parent",
        representative_name="Fictional Mother",
        representative_answer="refuses",
    )
    assert consent.grants is False
    assert consent_in_force(case, "medical_examination") is None


def test_dp5_a_child_whose_age_is_unknown_needs_a_representative(case_worker, agency):
    case = case_register(actor=case_worker, agency=agency, child=child_fields(birth_date=None))

    alone = _consent(case, case_worker)
    with_guardian = _consent(case, case_worker, **GUARDIAN_CONSENTS)

    assert (alone.child_age, alone.grants) == (None, False)
    assert (with_guardian.child_age, with_guardian.grants) == (None, True)


@pytest.mark.parametrize("reason", ["", "   ", "baby"])
def test_cc3_a_child_not_asked_needs_a_reason(case, case_worker, reason):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _consent(
            case,
            case_worker,
            child_answer="not_asked",
            child_not_asked_reason=reason,
            **GUARDIAN_CONSENTS,
        )

    assert list(excinfo.value.message_dict) == ["child_not_asked_reason"]
    assert _counts() == before


def test_cc3_a_child_not_asked_is_covered_only_by_a_representatives_consent(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    reason = "Fictional: unconscious on arrival at the clinic."

    alone = _consent(case, case_worker, child_answer="not_asked", child_not_asked_reason=reason)
    with_guardian = _consent(
        case,
        case_worker,
        child_answer="not_asked",
        child_not_asked_reason=reason,
        **GUARDIAN_CONSENTS,
    )

    assert (alone.grants, with_guardian.grants) == (False, True)
    assert with_guardian.child_not_asked_reason == reason


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"expires_on": lambda: TODAY() - timedelta(days=1)}, "expires_on"),
        ({"purpose": "information_sharing"}, "recipients"),
        ({"purpose": "information_sharing", "recipients": "   "}, "recipients"),
        ({"purpose": "other", "purpose_detail": " "}, "purpose_detail"),
        (
            {"representative": "parent", "representative_name": "Fictional Mother"},
            "representative_answer",
        ),
        ({"representative": "parent", "representative_answer": "consents"}, "representative_name"),
        ({"representative_answer": "consents"}, "representative"),
        ({"explained_by": "  "}, "explained_by"),
        ({"formats": []}, "formats"),
        ({"formats": ["verbal", "telepathy"]}, "formats"),
        ({"language": "zzz"}, "language"),
        ({"given_on": lambda: TODAY() + timedelta(days=1)}, "given_on"),
        ({"purpose": "free_lunch"}, "purpose"),
        ({"child_answer": "maybe"}, "child_answer"),
    ],
)
def test_dp5_an_incomplete_consent_is_refused_and_nothing_saved(
    case, case_worker, overrides, field
):
    before = _counts()

    with pytest.raises(ValidationError) as excinfo:
        _consent(case, case_worker, **at_run(overrides))

    assert list(excinfo.value.message_dict) == [field]
    assert _counts() == before


def test_dp5_information_sharing_records_who_receives_it_and_until_when(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    ends = TODAY() + timedelta(days=90)

    consent = _consent(
        case,
        case_worker,
        purpose="information_sharing",
        recipients=" Fictional Shelter Network ",
        scope="Name and medical needs only.",
        expires_on=ends,
        formats=["written", "verbal"],
    )

    consent.refresh_from_db()
    assert (consent.recipients, consent.expires_on, consent.formats, consent.grants) == (
        "Fictional Shelter Network",
        ends,
        ["verbal", "written"],
        True,
    )
    assert consent_in_force(case, "information_sharing") == consent
    # consent is per measure: it permits nothing else
    assert consent_in_force(case, "medical_examination") is None


def test_dp5_a_consent_may_end_on_the_day_it_is_given(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    consent = _consent(case, case_worker, expires_on=TODAY())
    assert consent_in_force(case, "medical_examination") == consent


# --- withdrawal and expiry ---------------------------------------------------------------------


def test_cc3_withdrawal_stops_the_consent_being_in_force(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    consent = _consent(case, case_worker)
    assert consent_in_force(case, "medical_examination") == consent

    consent_withdraw(
        consent=consent,
        actor=case_worker,
        withdrawn_by=" The child ",
        reason="Fictional: she no longer wants the examination.",
    )

    consent.refresh_from_db()
    assert consent_in_force(case, "medical_examination") is None
    assert (consent.state, consent.withdrawn_by, consent.withdrawal_reason) == (
        "withdrawn",
        "The child",
        "Fictional: she no longer wants the examination.",
    )
    assert consent.withdrawn_at is not None
    event = AuditEvent.objects.get(action="consent.withdraw")
    assert (event.case_id, event.object_id, event.changes) == (
        case.pk,
        str(consent.public_id),
        {"withdrawn": [False, True]},
    )


def test_cc3_a_second_withdrawal_is_refused_and_changes_nothing(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    consent = _consent(case, case_worker)
    consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="The child")
    row, before = _row(consent), _counts()

    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="The guardian")

    assert (_row(consent), _counts()) == (row, before)


def test_cc3_a_withdrawal_says_who_withdrew(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    consent = _consent(case, case_worker)
    row, before = _row(consent), _counts()

    with pytest.raises(ValidationError) as excinfo:
        consent_withdraw(consent=consent, actor=case_worker, withdrawn_by="  ")

    assert list(excinfo.value.message_dict) == ["withdrawn_by"]
    assert (_row(consent), _counts()) == (row, before)
    assert consent_in_force(case, "medical_examination") == consent


def test_dp5_an_expired_consent_is_not_in_force(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)

    consent = _consent(
        case,
        case_worker,
        given_on=TODAY() - timedelta(days=30),
        expires_on=TODAY() - timedelta(days=1),
    )

    assert (consent.grants, consent.is_expired, consent.state) == (True, True, "expired")
    assert consent_in_force(case, "medical_examination") is None


# --- override only by a best-interests determination (CC-3, PS-4, PS-6) ------------------------


def test_cc3_a_refusal_is_overridden_only_by_a_bid_on_the_same_case(case, case_worker, agency):
    refusal = _consent(case, case_worker, purpose="legal_participation", child_answer="refuses")
    bia = _bid(case, case_worker, subject="legal_participation", kind="bia")
    elsewhere = _bid(
        _case_aged(case_worker, agency, 12), case_worker, subject="legal_participation"
    )
    row, before = _row(refusal), _counts()

    for decision in (None, bia, elsewhere):
        with pytest.raises(ValidationError) as excinfo:
            consent_override(consent=refusal, actor=case_worker, decision=decision)
        assert list(excinfo.value.message_dict) == ["decision"]

    assert (_row(refusal), _counts()) == (row, before)
    assert consent_in_force(case, "legal_participation") is None


def test_cc3_a_refusal_overridden_by_a_bid_is_in_force_and_audited(case, case_worker):
    refusal = _consent(case, case_worker, purpose="legal_participation", child_answer="refuses")
    bid = _bid(case, case_worker, subject="legal_participation")

    consent_override(consent=refusal, actor=case_worker, decision=bid)

    refusal.refresh_from_db()
    assert (refusal.override_decision, refusal.grants, refusal.state) == (bid, False, "overridden")
    assert consent_in_force(case, "legal_participation") == refusal
    event = AuditEvent.objects.get(action="consent.override")
    assert event.changes == {"override_decision": [None, str(bid.public_id)]}


def test_ps4_medical_refusal_needs_a_bid_about_medical_care_without_consent(case, case_worker):
    refusal = _consent(case, case_worker, child_answer="refuses", **GUARDIAN_CONSENTS)
    placement = _bid(case, case_worker, subject="placement")
    assessment = _bid(case, case_worker, subject="medical_without_consent", kind="bia")
    row, before = _row(refusal), _counts()

    for decision in (placement, assessment):
        with pytest.raises(ValidationError) as excinfo:
            consent_override(consent=refusal, actor=case_worker, decision=decision)
        assert list(excinfo.value.message_dict) == ["decision"]

    assert (_row(refusal), _counts()) == (row, before)
    assert consent_in_force(case, "medical_examination") is None

    medical = _bid(case, case_worker, subject=Decision.Subject.MEDICAL_WITHOUT_CONSENT)
    consent_override(consent=refusal, actor=case_worker, decision=medical)
    assert consent_in_force(case, "medical_examination") == refusal


def test_cc3_only_a_refusal_that_stands_can_be_overridden(case_worker, agency):
    case = _case_aged(case_worker, agency, 16)
    granted = _consent(case, case_worker)
    withdrawn = _consent(case, case_worker)
    consent_withdraw(consent=withdrawn, actor=case_worker, withdrawn_by="The child")
    bid = _bid(case, case_worker)
    overridden = _consent(case, case_worker, child_answer="refuses")
    consent_override(consent=overridden, actor=case_worker, decision=bid)
    rows, before = [_row(c) for c in (granted, withdrawn, overridden)], _counts()

    for consent in (granted, withdrawn, overridden):
        with pytest.raises(ValidationError):
            consent_override(consent=consent, actor=case_worker, decision=bid)

    assert ([_row(c) for c in (granted, withdrawn, overridden)], _counts()) == (rows, before)


# --- who may record ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_cc3_a_user_without_the_capability_cannot_record_consent(case, case_worker, request, who):
    actor = request.getfixturevalue(who)
    before = _counts()

    with pytest.raises(PermissionDenied):
        _consent(case, actor, **GUARDIAN_CONSENTS)

    assert _counts() == before


@pytest.mark.parametrize("who", ["statistician", "outsider", "assigned_interpreter"])
def test_cc3_a_user_without_the_capability_cannot_withdraw_or_override(
    case, case_worker, request, who
):
    refusal = _consent(case, case_worker, child_answer="refuses", **GUARDIAN_CONSENTS)
    bid = _bid(case, case_worker)
    actor = request.getfixturevalue(who)
    row, before = _row(refusal), _counts()

    with pytest.raises(PermissionDenied):
        consent_withdraw(consent=refusal, actor=actor, withdrawn_by="The child")
    with pytest.raises(PermissionDenied):
        consent_override(consent=refusal, actor=actor, decision=bid)

    assert (_row(refusal), _counts()) == (row, before)


def test_ps4_a_health_worker_on_the_case_records_consent_but_cannot_override(
    case, case_worker, supervisor, agency
):
    nurse = staff(agency, Role.HEALTH_WORKER, username="nurse")
    case_assign(case=case, actor=supervisor, user=nurse, role="health_worker")

    refusal = _consent(case, nurse, child_answer="refuses", **GUARDIAN_CONSENTS)
    bid = _bid(case, case_worker)
    row, before = _row(refusal), _counts()

    with pytest.raises(PermissionDenied):
        consent_override(consent=refusal, actor=nurse, decision=bid)

    assert refusal.recorded_by == nurse
    assert (_row(refusal), _counts()) == (row, before)


# --- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("child_answer", "child_age", "representative", "representative_answer", "grants"),
    [
        ("agrees", 16, "none", "", True),
        ("agrees", 17, "none", "", True),
        ("agrees", 15, "none", "", False),
        ("agrees", None, "none", "", False),
        ("agrees", 9, "guardian", "consents", True),
        ("agrees", 9, "parent", "refuses", False),
        ("agrees", 16, "parent", "refuses", False),
        ("refuses", 9, "guardian", "consents", False),
        ("refuses", 17, "guardian", "consents", False),
        ("not_asked", 0, "parent", "consents", True),
        ("not_asked", 17, "none", "", False),
        ("not_asked", 3, "other", "refuses", False),
    ],
)
def test_cc3_grants_consent_table(
    settings, child_answer, child_age, representative, representative_answer, grants
):
    settings.HAVEN_CHILD_CONSENT_AGE = 16
    assert (
        grants_consent(
            child_answer=child_answer,
            child_age=child_age,
            representative=representative,
            representative_answer=representative_answer,
        )
        is grants
    )
