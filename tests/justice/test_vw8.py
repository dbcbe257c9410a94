"""VW-8 (and CC-8): declining to take part in proceedings never reduces the child's support.

A child with every kind of service, a current placement and the alerts their case has declines
each form of taking part (a statement, testimony, cross-examination, a compensation claim):
nothing about their help changes, not one field, and no alert moves; the only new rows are the
four decisions and their audit events. And a refusal to take part cannot be given as the
reason to end help: the closed lists of reasons hold none about cooperation, and the free text
goes through `haven.safeguards.ending.check_ending` (`HELP_NOT_CONDITIONAL`, whose words include
"testif"), which refuses it before anything is written."""

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.cases.models import Case, CaseAssignment
from haven.cases.services import case_change_stage
from haven.consent.services import information_session_record
from haven.core.errors import SafeguardViolation
from haven.justice import services as justice
from haven.justice.models import Form, Participation
from haven.placements.models import Placement
from haven.placements.services import placement_end, placement_record
from haven.protection.models import Service, ServiceType
from haven.protection.services import service_record, service_update
from haven.safeguards.ending import mentions_cooperation
from haven.safeguards.models import Alert

DECLINED = "the child declined to testify"


def _help(case: Case, actor: Any) -> tuple[list[Service], Placement]:
    """One service of every type, in various states, one of them for the family, and the
    placement the child lives in now (foster care in an emergency: CC-1's alert is open)."""
    today = timezone.localdate()
    statuses = ("in_progress", "planned", "offered")
    made = []
    for i, kind in enumerate(ServiceType.values):
        extra: dict[str, Any] = {"status": statuses[i % len(statuses)]}
        if kind == ServiceType.HEALTH:
            extra["health_procedure"] = "other"
        if kind == ServiceType.FAMILY_TRACING:
            extra |= {"recipient": "family", "family_member": "older sister"}
        if kind == ServiceType.EDUCATION:
            extra |= {"status": "completed", "end_on": today - timedelta(days=1)}
        made.append(
            service_record(
                case=case,
                actor=actor,
                type=kind,
                provider=f"Fictional {kind} provider",
                start_on=today - timedelta(days=20),
                description="Fictional details.",
                **extra,
            )
        )
    placement = placement_record(
        case=case,
        actor=actor,
        type="foster",
        facility="Fictional foster family",
        start_on=today - timedelta(days=15),
        urgent_reason="Fictional: found at night, no other safe place was open.",
    )
    return made, placement


def _snapshot(case: Case) -> dict[str, Any]:
    """The child's help, every field of every row, and the case's alerts."""
    return {
        "case": list(Case.objects.filter(pk=case.pk).values()),
        "assignments": list(CaseAssignment.objects.filter(case=case).order_by("pk").values()),
        "services": list(Service.objects.filter(case=case).order_by("pk").values()),
        "placements": list(Placement.objects.filter(case=case).order_by("pk").values()),
        "alerts": list(
            Alert.objects.filter(case=case)
            .order_by("pk")
            .values_list("rule_code", "subject", "status", "closed_at")
        ),
    }


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def test_vw8_declining_changes_nothing_in_services_placement_or_alerts(
    case: Case, case_worker: Any
) -> None:
    services, _placement = _help(case, case_worker)
    assert {s.type for s in services} == set(ServiceType.values)
    part = justice.proceeding_open(
        case=case,
        actor=case_worker,
        kind="criminal",
        authority="Fictional Provincial Court",
        stage="trial",
        opened_on=timezone.localdate() - timedelta(days=30),
        role="witness",
    )
    session = information_session_record(
        case=case,
        actor=case_worker,
        given_at=timezone.now() - timedelta(days=2),
        topics=["legal_process", "rights"],
        language="my",
        formats=["verbal"],
        given_by="Fictional Case Worker",
        written_copy_left=False,
    )
    before, counts = _snapshot(case), _row_counts()
    assert before["alerts"], "the case has alerts to keep (CC-1 at least)"

    for form in Form.values:
        justice.participation_record(
            case=case,
            actor=case_worker,
            part=part,
            form=form,
            choice="declines",
            decided_on=timezone.localdate(),
            information_session=session,
            retraumatisation_risk="high",
            intimidation_risk="high",
            reprisal_risk="medium",
            child_views="Fictional: I do not want to go to the court. I want to go to school.",
        )

    assert _snapshot(case) == before
    changed = {label: n - counts[label] for label, n in _row_counts().items() if n != counts[label]}
    assert changed == {"justice.Participation": 4, "audit.AuditEvent": 4}
    assert set(
        Participation.objects.filter(child_in_proceeding=part).values_list("form", "choice")
    ) == {(form, "declines") for form in Form.values}
    assert set(AuditEvent.objects.order_by("-seq")[:4].values_list("action", "case_id")) == {
        ("justice.participation_record", case.pk)
    }


def _end_service(service: Service, actor: Any, status: str) -> None:
    service_update(
        service=service,
        actor=actor,
        status=status,
        not_delivered_reason="other" if status == "not_delivered" else "",
        reason_detail=DECLINED,
    )


def _end_placement(placement: Placement, actor: Any) -> None:
    placement_end(
        placement=placement,
        actor=actor,
        end_on=timezone.localdate(),
        reason_code="not_best_interests",
        reason=DECLINED,
    )


def _close_case(case: Case, actor: Any) -> None:
    case_change_stage(
        case=case, actor=actor, to_stage="closed", closed_reason="other", reason=DECLINED
    )


@pytest.mark.parametrize(
    "end",
    ["service_not_delivered", "service_declined", "placement_ended", "case_closed"],
)
def test_vw8_cc8_a_declined_participation_is_no_reason_to_end_help(
    case: Case, case_worker: Any, end: str
) -> None:
    assert mentions_cooperation(DECLINED)
    service = service_record(
        case=case,
        actor=case_worker,
        type=ServiceType.PSYCHOLOGICAL,
        provider="Fictional Counselling Service",
        start_on=timezone.localdate() - timedelta(days=5),
        status="in_progress",
    )
    placement = None
    if end == "placement_ended":
        placement = placement_record(
            case=case,
            actor=case_worker,
            type="kinship",
            facility="Fictional aunt's household",
            start_on=timezone.localdate() - timedelta(days=5),
            urgent_reason="Fictional: her aunt took her in the night she was found.",
        )
    before = (_snapshot(case), AuditEvent.objects.count())

    with pytest.raises(SafeguardViolation) as refused:
        if end == "service_not_delivered":
            _end_service(service, case_worker, "not_delivered")
        elif end == "service_declined":
            _end_service(service, case_worker, "declined")
        elif end == "placement_ended":
            assert placement is not None
            _end_placement(placement, case_worker)
        else:
            _close_case(case, case_worker)

    assert refused.value.measure_id == "CC-8"
    assert (_snapshot(case), AuditEvent.objects.count()) == before
