"""The child's "no" holds for every consent purpose (CC-3, PS-4, VW-1), and a determination
serves only the action of its own subject (PS-6, CC-1).

After the child refused psychological support, counselling cannot be recorded as planned or
under way; after the child refused interviews or taking part in proceedings, no interview,
statement or testimony is recorded — on the service, the page and the API. Only a
best-interests determination about exactly that overrides the refusal, and the override raises
an alert for the supervisor. An urgent reason is a real reason, not one character."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import Interview
from haven.cases.services import interview_record
from haven.consent.models import CHECKLIST_KEYS, Consent
from haven.consent.services import consent_override, consent_record
from haven.core.errors import SafeguardViolation
from haven.identification.models import FirstStep, Screening
from haven.identification.services import screening_record
from haven.placements.models import Placement
from haven.placements.services import placement_link_decision, placement_record
from haven.protection.models import Service
from haven.protection.services import service_record
from haven.safeguards.models import Alert
from tests.conftest import signed_in
from tests.factories import determination

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
URGENT = "Fictional: she was bleeding and the clinic was the only place open at night."
OVERRIDDEN = "cc3.refusal_overridden"


def _answer(case, actor, purpose, answer="refuses", **fields):  # type: ignore[no-untyped-def]
    return consent_record(
        case=case,
        actor=actor,
        purpose=purpose,
        given_on=TODAY(),
        language="my",
        formats=["verbal"],
        explained_by="Fictional Case Worker",
        checklist=list(CHECKLIST_KEYS),
        child_answer=answer,
        **fields,
    )


def _bid(case, actor, subject):  # type: ignore[no-untyped-def]
    return determination(case, actor, subject)


def _counselling(case, actor, **fields):  # type: ignore[no-untyped-def]
    fields.setdefault("status", "in_progress")
    return service_record(
        case=case,
        actor=actor,
        type="Psychological",
        provider="Fictional Counselling Centre",
        start_on=TODAY(),
        **fields,
    )


def _interview(case, actor, kind):  # type: ignore[no-untyped-def]
    return interview_record(
        case=case,
        actor=actor,
        kind=kind,
        conducted_at=timezone.now() - timedelta(hours=1),
        interviewer="Fictional Officer",
        interpreter="Fictional Interpreter",
        interpreter_reason="",
        duration_minutes=30,
    )


def _state() -> tuple:
    return (
        Service.objects.count(),
        Interview.objects.count(),
        Placement.objects.count(),
        list(Consent.objects.order_by("pk").values_list("pk", "override_decision_id")),
        AuditEvent.objects.count(),
    )


def _refused(measure: str, action):  # type: ignore[no-untyped-def]
    before = _state()
    with pytest.raises(SafeguardViolation) as refused:
        action()
    assert refused.value.measure_id == measure
    assert _state() == before
    return refused.value


# ---------------------------------------------------------------- the child's "no" (CC-3)


def test_cc3_counselling_after_the_child_refused_psychological_support_is_refused(
    case, case_worker
):
    _answer(case, case_worker, "psychological_support")

    refused = _refused("CC-3", lambda: _counselling(case, case_worker))

    assert "Psychological support or counselling" in str(refused.message)


def test_cc3_counselling_planned_after_refusal_is_refused_but_declined_is_recorded(
    case, case_worker
):
    _answer(case, case_worker, "psychological_support")

    _refused("CC-3", lambda: _counselling(case, case_worker, status="planned"))
    declined = _counselling(case, case_worker, status="declined")

    assert declined.status == "declined"


@pytest.mark.parametrize("kind", ["statement", "testimony"])
def test_cc3_vw1_statement_or_testimony_after_refusing_legal_participation_is_refused(
    case, case_worker, kind
):
    _answer(case, case_worker, "legal_participation")

    _refused("CC-3", lambda: _interview(case, case_worker, kind))


@pytest.mark.parametrize("kind", ["identification", "assessment", "statement", "testimony"])
def test_cc3_any_interview_after_refusing_interviews_is_refused(case, case_worker, kind):
    _answer(case, case_worker, "interview")

    _refused("CC-3", lambda: _interview(case, case_worker, kind))


def test_cc3_a_refusal_of_legal_participation_leaves_other_interviews_possible(case, case_worker):
    _answer(case, case_worker, "legal_participation")

    interview = _interview(case, case_worker, "assessment")

    assert interview.kind == "assessment"


def test_cc3_a_later_consent_replaces_the_earlier_refusal(case, case_worker):
    first = _answer(case, case_worker, "psychological_support")
    Consent.objects.filter(pk=first.pk).update(given_on=TODAY() - timedelta(days=3))
    _answer(
        case,
        case_worker,
        "psychological_support",
        answer="agrees",
        representative="guardian",
        representative_name="Fictional Guardian",
        representative_answer="consents",
    )

    service = _counselling(case, case_worker)

    assert service.status == "in_progress"


def test_cc3_interview_page_and_api_refuse_a_statement_the_child_said_no_to(case, case_worker):
    _answer(case, case_worker, "legal_participation")
    client = signed_in(Client(), case_worker)
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    before = _state()

    page = client.post(
        f"/cases/{case.public_id}/interviews/new/",
        {
            "kind": "statement",
            "conducted_at": when,
            "interviewer": "Fictional Officer",
            "interpreter": "Fictional Interpreter",
            "duration_minutes": 30,
        },
    )
    api = client.post(
        f"/api/v1/cases/{case.public_id}/interviews/",
        {
            "kind": "statement",
            "conducted_at": timezone.now().isoformat(),
            "interviewer": "Fictional Officer",
            "interpreter": "Fictional Interpreter",
            "duration_minutes": 30,
        },
        content_type="application/json",
    )

    assert page.status_code == 400
    assert "CC-3" in page.content.decode()
    assert api.status_code == 422
    assert api.json()["error"]["measure_id"] == "CC-3"
    assert _state() == before


def test_cc3_an_override_about_exactly_that_lets_counselling_go_ahead_and_tells_the_supervisor(
    case, case_worker
):
    refusal = _answer(case, case_worker, "psychological_support")
    bid = _bid(case, case_worker, "psychological_without_consent")

    consent_override(consent=refusal, actor=case_worker, decision=bid)
    service = _counselling(case, case_worker)

    assert service.status == "in_progress"
    alert = Alert.objects.get(case=case, rule_code=OVERRIDDEN)
    assert (alert.subject, alert.status) == (str(refusal.public_id), Alert.Status.OPEN)


@pytest.mark.parametrize(
    ("purpose", "subject"),
    [
        ("interview", "placement"),
        ("legal_participation", "care"),
        ("psychological_support", "medical_without_consent"),
        ("medical_examination", "psychological_without_consent"),
    ],
)
def test_cc3_ps6_an_override_by_a_determination_about_something_else_is_refused(
    case, case_worker, purpose, subject
):
    refusal = _answer(case, case_worker, purpose)
    bid = _bid(case, case_worker, subject)
    before = _state()

    with pytest.raises(ValidationError) as refused:
        consent_override(consent=refusal, actor=case_worker, decision=bid)

    assert list(refused.value.message_dict) == ["decision"]
    assert _state() == before
    assert not Alert.objects.filter(case=case, rule_code=OVERRIDDEN).exists()


def test_cc3_a_refusal_of_research_is_never_overridden(case, case_worker):
    refusal = _answer(case, case_worker, "research")
    bid = _bid(case, case_worker, "other")
    before = _state()

    with pytest.raises(ValidationError) as refused:
        consent_override(consent=refusal, actor=case_worker, decision=bid)

    assert refused.value.messages == ["A refusal to take part in research is never overridden."]
    assert _state() == before


@pytest.mark.parametrize(
    "reason", ["x", "urgent", "..........................", "aaaaaaaaaaaaaaaaaaaaaaa"]
)
def test_ps4_an_urgent_reason_is_a_real_reason(case, case_worker, reason):
    before = _state()

    with pytest.raises(ValidationError) as refused:
        service_record(
            case=case,
            actor=case_worker,
            type="Health",
            health_procedure="examination",
            provider="Fictional Clinic",
            start_on=TODAY(),
            status="in_progress",
            urgent_reason=reason,
        )

    assert list(refused.value.message_dict) == ["urgent_reason"]
    assert _state() == before


def test_ps4_a_real_urgent_reason_in_thai_counts_as_fully_as_english(case, case_worker):
    service = service_record(
        case=case,
        actor=case_worker,
        type="Health",
        health_procedure="examination",
        provider="Fictional Clinic",
        start_on=TODAY(),
        status="in_progress",
        urgent_reason="เด็กมีเลือดออกมากและคลินิกเป็นที่เดียวที่เปิดตอนกลางคืน",
    )

    assert service.urgent_reason.startswith("เด็ก")


# ---------------------------------------------------- a determination of its own subject (PS-6)


def test_ps6_a_determination_about_legal_participation_does_not_decide_a_family_placement(
    case, case_worker
):
    bid = _bid(case, case_worker, "legal_participation")
    before = _state()

    with pytest.raises(ValidationError) as refused:
        placement_record(
            case=case,
            actor=case_worker,
            type="family",
            facility="Fictional family home",
            start_on=TODAY(),
            decision=bid,
        )

    assert refused.value.message_dict["decision"] == [
        "This determination is about “Taking part in legal proceedings”. This needs a "
        "determination about: Where the child lives (placement), Separation from the family, "
        "Return to the family or country of origin."
    ]
    assert _state() == before


def test_ps6_a_determination_about_return_decides_a_family_placement(case, case_worker):
    bid = _bid(case, case_worker, "return")

    placement = placement_record(
        case=case,
        actor=case_worker,
        type="family",
        facility="Fictional family home",
        start_on=TODAY(),
        decision=bid,
    )

    assert placement.decision == bid


def test_ps6_linking_a_determination_of_another_subject_to_a_placement_is_refused(
    case, case_worker
):
    placement = placement_record(
        case=case,
        actor=case_worker,
        type="foster",
        facility="Fictional foster family",
        start_on=TODAY(),
        urgent_reason=URGENT,
    )
    bid = _bid(case, case_worker, "medical_without_consent")
    before = _state()

    with pytest.raises(ValidationError):
        placement_link_decision(placement=placement, actor=case_worker, decision=bid)

    placement.refresh_from_db()
    assert placement.decision_id is None
    assert _state() == before


def test_ps6_a_legal_service_is_not_decided_by_a_placement_determination(case, case_worker):
    bid = _bid(case, case_worker, "placement")
    before = _state()

    with pytest.raises(ValidationError) as refused:
        service_record(
            case=case,
            actor=case_worker,
            type="Legal",
            provider="Fictional Legal Aid",
            start_on=TODAY(),
            status="planned",
            decision=bid,
        )

    assert list(refused.value.message_dict) == ["decision"]
    assert _state() == before


def _screen(case, actor, **fields):  # type: ignore[no-untyped-def]
    return screening_record(
        case=case,
        actor=actor,
        screened_at=timezone.now() - timedelta(hours=1),
        acts=["harbouring"],
        forms=[{"form": "ForcedBegging"}],
        means=["none"],
        movement="none",
        **fields,
    )


def test_cc3_a_screening_that_interviewed_the_child_who_said_no_is_refused_but_one_without_goes_on(
    case, case_worker
):
    """The other door to an interview: a screening that records one. The child's "no" stops
    the interview, never the child's identification and first steps (ID-1, ID-4)."""
    _answer(case, case_worker, "interview")
    before = (_state(), Screening.objects.count(), FirstStep.objects.count())

    with pytest.raises(SafeguardViolation) as refused:
        _screen(
            case,
            case_worker,
            child_interviewed=True,
            duration_minutes=20,
            interpreter="Fictional Interpreter",
        )

    assert refused.value.measure_id == "CC-3"
    assert (_state(), Screening.objects.count(), FirstStep.objects.count()) == before
    screening = _screen(case, case_worker)
    assert screening.case_id == case.pk
    assert FirstStep.objects.filter(screening=screening).exists()
    assert Interview.objects.count() == 0
