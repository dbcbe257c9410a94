"""Protection and support rules (CC-1, CC-2, CC-5, CC-8, CC-11, PS-1 … PS-7)."""

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.children.age import years_before
from haven.children.models import DEPRIVED_OF_PARENTAL_CARE
from haven.consent.models import Consent
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.decisions.models import Decision
from haven.identification.selectors import identified_before
from haven.protection.models import (
    ACTIVE_SERVICE_STATUSES,
    GuardianAppointment,
    NeedsAssessment,
    Recipient,
    Service,
    ServiceStatus,
    ServiceType,
)
from haven.safeguards.registry import AlertRule, BlockRule, Severity, register

# ------------------------------------------------------------------------------ blocks


def check_caseload(*, load: int, ceiling: int) -> None:
    """PS-2: a guardian at their ceiling takes no more children without an approved reason."""
    if load >= ceiling:
        raise SafeguardViolation(
            GUARDIAN_CASELOAD.measure_id,
            _(
                "This guardian already has %(load)d children (the ceiling is %(ceiling)d). "
                "Choose another guardian, or a supervisor can approve this one with a reason."
            )
            % {"load": load, "ceiling": ceiling},
        )


GUARDIAN_CASELOAD = register(
    BlockRule(
        code="ps2.guardian_caseload",
        measure_id="PS-2",
        severity=Severity.BLOCK,
        title=_("The guardian's caseload is full"),
        message=_(
            "A guardian can only act for a limited number of children at once. Choose another "
            "guardian, or a supervisor can approve this one with a reason."
        ),
        check=check_caseload,
    )
)


def check_consent_in_force(*, in_force: Any) -> None:
    """PS-4: medical examination, testing or treatment only with consent in force."""
    if in_force is None:
        raise SafeguardViolation(NO_FORCED_CARE.measure_id, NO_FORCED_CARE.message)


NO_FORCED_CARE = register(
    BlockRule(
        code="ps4.no_forced_care",
        measure_id="PS-4",
        severity=Severity.BLOCK,
        title=_("No consent for this care"),
        message=_(
            "There is no consent in force for this care: it was never given, was refused, has "
            "ended or was withdrawn. Record the child's consent (or assent, with a guardian's "
            "or parent's consent). Without it, care may go ahead only under a best-interests "
            "determination, or in an emergency with the reason recorded."
        ),
        check=check_consent_in_force,
    )
)

# ------------------------------------------------------------------------------ alerts


def guardian_overdue(cases: Any) -> Any:
    current = GuardianAppointment.objects.current().filter(case_id=OuterRef("pk"))
    rows = (
        identified_before(cases, settings.HAVEN_GUARDIAN_DUE_HOURS)
        .filter(child__parental_care__in=DEPRIVED_OF_PARENTAL_CARE)
        .filter(~Exists(current))
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


GUARDIAN_OVERDUE = register(
    AlertRule(
        code="ps1.guardian_overdue",
        shows=(S.FAMILY,),
        measure_id="PS-1",
        severity=Severity.ALERT,
        title=_("No guardian yet"),
        message=_(
            "This child is deprived of parental care and has no guardian, past the time "
            "allowed after identification. Ask the competent authority to appoint one and "
            "record the appointment on the protection page."
        ),
        breaches=guardian_overdue,
        reads=(
            "cases.Case",
            "children.Child",
            "identification.Screening",
            "protection.GuardianAppointment",
        ),
    )
)


def _no_consent_q() -> Any:
    in_force = Consent.objects.in_force().filter(
        case_id=OuterRef("case_id"), purpose=OuterRef("consent_purpose")
    )
    return ~Exists(in_force)


def _without_medical_determination() -> Any:
    """Care not covered by a determination about medical care without consent (PS-4)."""
    return Q(decision__isnull=True) | ~Q(decision__subject=Decision.Subject.MEDICAL_WITHOUT_CONSENT)


def care_without_consent(cases: Any) -> Any:
    rows = (
        Service.objects.filter(case__in=cases, status__in=ACTIVE_SERVICE_STATUSES)
        .exclude(consent_purpose="")
        .filter(_without_medical_determination(), urgent_reason="")
        .filter(_no_consent_q())
        .values_list("case_id", "public_id")
    )
    return [(case_id, str(public_id)) for case_id, public_id in rows]


CARE_WITHOUT_CONSENT = register(
    AlertRule(
        code="ps4.care_without_consent",
        shows=(S.HEALTH,),
        measure_id="PS-4",
        severity=Severity.ALERT,
        title=_("Care planned without consent"),
        message=_(
            "Medical care is planned or under way, but the consent it needs was withdrawn or "
            "has ended. Stop it, or ask the child (and guardian) again and record their answer."
        ),
        breaches=care_without_consent,
        found_in="protection.Service",
        reads=("cases.Case", "consent.Consent", "decisions.Decision", "protection.Service"),
    )
)


def urgent_care_needs_determination(cases: Any) -> Any:
    rows = (
        Service.objects.filter(case__in=cases)
        .filter(_without_medical_determination())
        .exclude(consent_purpose="")
        .exclude(urgent_reason="")
        .filter(_no_consent_q())
        .values_list("case_id", "public_id")
    )
    return [(case_id, str(public_id)) for case_id, public_id in rows]


URGENT_CARE_NEEDS_BID = register(
    AlertRule(
        code="ps4.urgent_care_needs_bid",
        shows=(S.HEALTH,),
        measure_id="PS-4",
        severity=Severity.ALERT,
        title=_("Urgent care without consent: a determination must follow"),
        message=_(
            "Medical care was given urgently without consent. Urgent protection is never held "
            "up, but a best-interests determination must now record why, with the child's "
            "views; link it to the service."
        ),
        breaches=urgent_care_needs_determination,
        found_in="protection.Service",
        reads=("cases.Case", "consent.Consent", "decisions.Decision", "protection.Service"),
    )
)


def special_needs_unaddressed(cases: Any) -> Any:
    """CC-5: each special need found at the latest needs assessment has a service for it."""
    later = NeedsAssessment.objects.filter(case_id=OuterRef("case_id")).filter(
        Q(assessed_on__gt=OuterRef("assessed_on"))
        | Q(assessed_on=OuterRef("assessed_on"), pk__gt=OuterRef("pk"))
    )
    latest = (
        NeedsAssessment.objects.filter(case__in=cases.exclude(stage=Case.Stage.CLOSED))
        .filter(~Exists(later))
        .exclude(special_needs=[])
    )
    wanted = {
        case_id: set(needs) for case_id, needs in latest.values_list("case_id", "special_needs")
    }
    if not wanted:
        return []
    addressed = set(
        Service.objects.filter(case_id__in=latest.values("case_id"))
        .exclude(special_need="")
        .exclude(status__in=(ServiceStatus.NOT_DELIVERED, ServiceStatus.DECLINED))
        .values_list("case_id", "special_need")
    )
    return [
        (pk, need) for pk, needs in wanted.items() for need in needs if (pk, need) not in addressed
    ]


SPECIAL_NEEDS_UNADDRESSED = register(
    AlertRule(
        code="cc5.special_needs_unaddressed",
        shows=(S.HEALTH,),
        measure_id="CC-5",
        severity=Severity.ALERT,
        title=_("A special need has no support"),
        message=_(
            "The needs assessment found a special need — a very young child, a disability, or "
            "severe exploitation or abuse — and no service addresses it. Add one and mark which "
            "special need it serves."
        ),
        breaches=special_needs_unaddressed,
        found_in="protection.NeedsAssessment",
        reads=("cases.Case", "protection.NeedsAssessment", "protection.Service"),
    )
)

# An older teenager (CC-11): offered education, not only work or training.
OLDER_TEENAGER_AGE = 15


def education_not_offered(cases: Any) -> Any:
    child_services = Service.objects.filter(case_id=OuterRef("pk"), recipient=Recipient.CHILD)
    livelihood = child_services.filter(type=ServiceType.LIVELIHOOD).exclude(
        status=ServiceStatus.NOT_DELIVERED
    )
    education = child_services.filter(type=ServiceType.EDUCATION)
    rows = (
        cases.exclude(stage=Case.Stage.CLOSED)
        .filter(child__birth_date__lte=years_before(timezone.localdate(), OLDER_TEENAGER_AGE))
        .filter(Exists(livelihood))
        .filter(~Exists(education))
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


EDUCATION_OFFERED = register(
    AlertRule(
        code="cc11.education_offered",
        shows=(S.BASIC,),
        measure_id="CC-11",
        severity=Severity.REMINDER,
        title=_("Offer education, not only work"),
        message=_(
            "An older teenager has work or vocational training in their plan but no education. "
            "Offer education options too (school, non-formal or catch-up classes) and record "
            "the child's choice."
        ),
        breaches=education_not_offered,
        found_in="protection.Service",
        reads=("cases.Case", "children.Child", "protection.Service"),
    )
)
