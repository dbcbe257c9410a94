"""The first step that information to the child meets (ID-4): an information session about the
child's rights, in the current episode, meets the rights step (registered at ready())."""

from typing import Any

from django.db.models import Exists, F, OuterRef

from haven.consent.models import InformationSession
from haven.identification.models import FirstStep
from haven.identification.selectors import episode_start, met_by


def _session_about_rights() -> Any:
    # In the current episode, as the checklist's line below and PS-5 read it: a child who comes
    # back is told their rights anew, and the step stays open (and falls due) until then.
    return Exists(
        InformationSession.objects.filter(
            case_id=OuterRef("case_id"),
            covers_rights=True,
            given_at__gte=episode_start(OuterRef("case__episode_started_at")),
        )
    )


def _who_told_the_child(case: Any) -> str | None:
    # The episode's start is read from the case's row in the same query (a join), as fresh as
    # cases.selectors.reopened_at reads it, without a query of its own on every case page.
    session = (
        InformationSession.objects.filter(case=case, covers_rights=True)
        .filter(given_at__gte=episode_start(F("case__episode_started_at")))
        .first()
    )
    return session.given_by if session is not None else None


met_by(
    FirstStep.Kind.RIGHTS_INFORMATION,
    exists=_session_about_rights,
    describe=_who_told_the_child,
    shows=InformationSession.ROW_SENSITIVITY,
)
