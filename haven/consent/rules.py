"""Information to the child (PS-5): told, in writing too, and again as the case moves on."""

from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef
from django.utils.translation import gettext_lazy as _

from haven.cases.models import Case
from haven.consent.models import InformationSession
from haven.identification.selectors import episode_start, identified_at, identified_before
from haven.safeguards.registry import AlertRule, Severity, register


def no_information(cases: Any) -> Any:
    sessions = InformationSession.objects.filter(
        case_id=OuterRef("pk"), given_at__gte=episode_start(OuterRef(OuterRef("pk")))
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
            "cases.StageChange",
            "consent.InformationSession",
            "identification.Screening",
        ),
    )
)


def no_written_copy(cases: Any) -> Any:
    sessions = InformationSession.objects.filter(
        case_id=OuterRef("pk"), given_at__gte=episode_start(OuterRef(OuterRef("pk")))
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
        measure_id="PS-5",
        severity=Severity.ALERT,
        title=_("Nothing in writing for the child"),
        message=_(
            "The child has been told about their rights, but has nothing in writing to refer "
            "back to. Leave a written (or picture) version in their language and record it."
        ),
        breaches=no_written_copy,
        reads=("cases.Case", "cases.StageChange", "consent.InformationSession"),
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
            "cases.StageChange",
            "consent.InformationSession",
            "identification.Screening",
        ),
    )
)
