"""What the justice tests share: a proceeding opened, an information session on the legal
process (VW-2), a participation decided (VW-1), through the services, as the pages would. The
same as the helpers of test_services.py, kept here so that the page tests do not import a test
module."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from haven.cases.models import Case
from haven.consent.services import information_session_record
from haven.justice import services
from haven.justice.models import ChildInProceeding, Participation
from tests.factories import determination

ACCUSED = "Fictional Accused One\nFictional Accused Two"
DEFENCE = "Fictional Defence Lawyer"


def open_proceeding(case: Case, actor: Any, **overrides: Any) -> ChildInProceeding:
    fields = {
        "kind": "criminal",
        "authority": "Fictional Provincial Court",
        "reference": "FPC 123/2026",
        "stage": "pre_trial",
        "opened_on": timezone.localdate() - timedelta(days=60),
        "role": "witness",
        "accused": ACCUSED,
        "defence": DEFENCE,
    }
    return services.proceeding_open(case=case, actor=actor, **{**fields, **overrides})


def legal_session(case: Case, actor: Any, topics: tuple[str, ...] = ("legal_process",)) -> Any:
    return information_session_record(
        case=case,
        actor=actor,
        given_at=timezone.now() - timedelta(days=3),
        topics=list(topics),
        language="my",
        formats=["verbal"],
        given_by="Fictional Case Worker",
        written_copy_left=False,
    )


def decide(
    part: ChildInProceeding, actor: Any, form: str, choice: str = "agrees", **extra: Any
) -> Participation:
    case = part.case
    fields = {
        "form": form,
        "choice": choice,
        "decided_on": timezone.localdate(),
        "information_session": legal_session(case, actor),
        "retraumatisation_risk": "medium",
        "intimidation_risk": "low",
        "reprisal_risk": "medium",
        "child_views": "Fictional: I want to tell the judge, but not in the same room.",
    }
    if choice == "agrees":
        fields["decision"] = determination(case, actor, "legal_participation")
    return services.participation_record(case=case, actor=actor, part=part, **{**fields, **extra})
