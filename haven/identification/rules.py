"""Identification rules (measures ID-1 … ID-7)."""

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.children.age import ADULT_AGE, years_before
from haven.identification.models import FirstStep
from haven.identification.selectors import met_q
from haven.identification.services import OWNED_BY_MEASURE
from haven.safeguards.registry import AlertRule, Severity, register


def _overdue_steps(measure_id: str) -> Any:
    def breaches(cases: Any) -> Any:
        rows = (
            FirstStep.objects.filter(
                case__in=cases.exclude(stage=Case.Stage.CLOSED),
                status=FirstStep.Status.OPEN,
                measure_id=measure_id,
                due_at__lt=timezone.now(),
            )
            .exclude(met_q())
            .exclude(kind__in=list(OWNED_BY_MEASURE))
            .values_list("case_id", "kind")
        )
        return list(rows)

    return breaches


FIRST_STEP_OVERDUE = register(
    AlertRule(
        code="id4.first_step_overdue",
        measure_id="ID-4",
        severity=Severity.ALERT,
        title=_("An immediate first step is overdue"),
        message=_(
            "A first step after identification is past its due time. Do it now — referral to "
            "child protection, safe accommodation, urgent medical care, a case worker, an "
            "interpreter, a guardian, information about rights — or close it with the reason "
            "it does not apply. The checklist is on the case page."
        ),
        breaches=_overdue_steps("ID-4"),
        reads=(
            "accounts.Membership",
            "accounts.User",
            "cases.Case",
            "cases.CaseAssignment",
            "consent.InformationSession",
            "identification.FirstStep",
            "protection.GuardianAppointment",
        ),
    )
)

PRECARIOUS_REFERRAL_OVERDUE = register(
    AlertRule(
        code="id5.referral_overdue",
        measure_id="ID-5",
        severity=Severity.ALERT,
        title=_("Referral to child protection is overdue"),
        message=_(
            "This child was not assessed as a victim but is in a precarious situation, and "
            "must still be referred to the child-protection authority. Make the referral now, "
            "and record it in the checklist on the case page."
        ),
        breaches=_overdue_steps("ID-5"),
        reads=(
            "accounts.Membership",
            "accounts.User",
            "cases.Case",
            "cases.CaseAssignment",
            "consent.InformationSession",
            "identification.FirstStep",
            "protection.GuardianAppointment",
        ),
    )
)


def _age_assessment_needed(cases: Any) -> Any:
    """Presumed children whose recorded details point to adulthood (a claim to be 18+, or a
    birth date 18 or more years ago) and who have no age assessment at all, pending or done."""
    today = timezone.localdate()
    cutoff = years_before(today, ADULT_AGE)
    rows = (
        cases.exclude(stage=Case.Stage.CLOSED)
        .filter(child__presumed_minor=True)
        .filter(Q(child__claims_adult=True) | Q(child__birth_date__lte=cutoff))
        .exclude(child__age_assessments__isnull=False)
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


AGE_ASSESSMENT_NEEDED = register(
    AlertRule(
        code="id2.age_assessment_needed",
        measure_id="ID-2",
        severity=Severity.REMINDER,
        title=_("An age assessment is needed"),
        message=_(
            "The recorded details point to 18 or older, but the person is presumed to be a "
            "child and every child measure applies. Arrange an age assessment (method, "
            "evidence, who decides) and record it on the case."
        ),
        breaches=_age_assessment_needed,
        reads=("cases.Case", "children.AgeAssessment", "children.Child"),
    )
)
