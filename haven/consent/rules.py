"""Information to the child (PS-5): told, in writing too, and again as the case moves on."""

from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from haven.cases.interviews import interview_check
from haven.cases.models import Case, Interview
from haven.consent.models import Consent, InformationSession, Purpose
from haven.consent.selectors import standing_refusal
from haven.core.errors import SafeguardViolation
from haven.core.sensitivity import Sensitivity as S
from haven.identification.selectors import episode_start, identified_at, identified_before
from haven.safeguards.registry import AlertRule, BlockRule, Severity, register


def no_information(cases: Any) -> Any:
    sessions = InformationSession.objects.filter(
        case_id=OuterRef("pk"), given_at__gte=episode_start(OuterRef("episode_started_at"))
    )
    rows = (
        identified_before(cases, settings.HAVEN_INFORMATION_DUE_HOURS)
        .filter(~Exists(sessions))
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


NO_INFORMATION = register(
    AlertRule(
        code="ps5.no_information",
        shows=(S.BASIC,),
        measure_id="PS-5",
        severity=Severity.ALERT,
        title=_("The child has not been told about their rights"),
        message=_(
            "Nobody has recorded explaining to this child their situation, rights and the help "
            "available since they were identified. Explain it in their language, leave it in "
            "writing too, and record the session."
        ),
        breaches=no_information,
        reads=(
            "cases.Case",
            "consent.InformationSession",
            "identification.Screening",
        ),
    )
)


def no_written_copy(cases: Any) -> Any:
    sessions = InformationSession.objects.filter(
        case_id=OuterRef("pk"), given_at__gte=episode_start(OuterRef("episode_started_at"))
    )
    rows = (
        cases.exclude(stage=Case.Stage.CLOSED)
        .filter(Exists(sessions))
        .filter(~Exists(sessions.filter(written_copy_left=True)))
        .values_list("pk", flat=True)
    )
    return [(pk, "") for pk in rows]


NO_WRITTEN_COPY = register(
    AlertRule(
        code="ps5.no_written_copy",
        shows=(S.BASIC,),
        measure_id="PS-5",
        severity=Severity.ALERT,
        title=_("Nothing in writing for the child"),
        message=_(
            "The child has been told about their rights, but has nothing in writing to refer "
            "back to. Leave a written (or picture) version in their language and record it."
        ),
        breaches=no_written_copy,
        found_in="consent.InformationSession",
        reads=("cases.Case", "consent.InformationSession"),
    )
)


def not_informed_at_stage(cases: Any) -> Any:
    since_stage = InformationSession.objects.filter(
        case_id=OuterRef("pk"), given_at__gte=OuterRef("stage_changed_at")
    )
    rows = (
        cases.filter(stage__in=(Case.Stage.PROTECTION, Case.Stage.RECOVERY, Case.Stage.FOLLOW_UP))
        .annotate(identified_at=identified_at())
        .filter(identified_at__lt=F("stage_changed_at"))  # never true while it is NULL
        .filter(~Exists(since_stage))
        .values_list("pk", "stage")
    )
    return list(rows)


INFORM_AT_STAGE = register(
    AlertRule(
        code="ps5.inform_at_stage",
        shows=(S.BASIC,),
        measure_id="PS-5",
        severity=Severity.REMINDER,
        title=_("Tell the child what this stage means"),
        message=_(
            "The case has moved to a new stage. Explain to the child what happens now, what "
            "they are entitled to and what they can decide, and record the session."
        ),
        breaches=not_informed_at_stage,
        reads=(
            "cases.Case",
            "consent.InformationSession",
            "identification.Screening",
        ),
    )
)


# ------------------------------------------------------------- the child's "no" (CC-3, PS-4)


def check_not_refused(*, refusal: Any) -> None:
    """CC-3: an action of a purpose the child said no to does not go ahead, unless a
    best-interests determination about exactly that overrode the refusal (consent_override)."""
    if refusal is not None:
        raise SafeguardViolation(
            CHILD_SAID_NO.measure_id,
            str(CHILD_SAID_NO.message)
            % {"purpose": refusal.get_purpose_display(), "date": refusal.given_on.isoformat()},
        )


CHILD_SAID_NO = register(
    BlockRule(
        code="cc3.child_said_no",
        measure_id="CC-3",
        severity=Severity.BLOCK,
        title=_("The child said no"),
        message=_(
            "The child said no to “%(purpose)s” (%(date)s), and that refusal stands. It is "
            "respected, not worked around: do not go ahead. If the child changes their mind, "
            "record the new conversation. Only a best-interests determination about exactly "
            "this can override the refusal (Consent → Override), and the supervisor is told."
        ),
        check=check_not_refused,
    )
)


@interview_check
def _interview_not_refused(*, case: Any, interview: Any, **_facts: Any) -> None:
    """An interview the child said no to is not held; one that is part of proceedings is
    refused by a "no" to taking part in them too (VW-1)."""
    purposes = [Purpose.INTERVIEW]
    if interview.kind in Interview.PROCEEDINGS:
        purposes.append(Purpose.LEGAL_PARTICIPATION)
    CHILD_SAID_NO.check(refusal=standing_refusal(case, purposes))


def refusal_overridden(cases: Any) -> Any:
    rows = Consent.objects.filter(
        case__in=cases.exclude(stage=Case.Stage.CLOSED), override_decision__isnull=False
    ).values_list("case_id", "public_id")
    return [(case_id, str(public_id)) for case_id, public_id in rows]


REFUSAL_OVERRIDDEN = register(
    AlertRule(
        code="cc3.refusal_overridden",
        shows=(S.BASIC,),
        measure_id="CC-3",
        severity=Severity.ALERT,
        title=_("The child's refusal was overridden"),
        message=_(
            "A best-interests determination overrode what the child said no to. Supervisor: "
            "check that the determination is about exactly this, that the child's views were "
            "heard and that the child was told, then resolve this alert saying what you checked."
        ),
        breaches=refusal_overridden,
        found_in="consent.Consent",
        reads=("cases.Case", "consent.Consent"),
    )
)
