"""Writes of best-interests decisions (CC-1, CC-2, PS-6), and the one check of which decision
may stand behind an action. Each write is one transaction: access, validation, the CC-2 block,
save, audit, re-evaluation."""

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import require
from haven.cases.models import Case
from haven.cases.services import lock_case
from haven.core.forms import missing_texts, validate_event_date
from haven.decisions import rules
from haven.decisions.models import Decision, DecisionParticipant
from haven.safeguards.engine import reevaluate

# A determination is taken by a panel (PS-6): at least this many named participants.
BID_PANEL_MINIMUM = 2


def check_determination(case_id: int, decision: Any, *, subjects: Collection[str]) -> None:
    """Which decision may stand behind an action (CC-1, PS-6): a best-interests determination
    (never an assessment) taken on the same case, about what the action is (`subjects`): a
    determination about legal participation never decides where the child lives, and medical
    care without consent needs one about exactly that (PS-4). Consent overrides, services and
    placements all ask this; each says which subjects serve its action."""
    if decision is None or decision.case_id != case_id or decision.kind != Decision.Kind.BID:
        raise ValidationError(
            {"decision": _("Choose a best-interests determination taken on this case.")}
        )
    if decision.subject not in subjects:
        labels = [str(Decision.Subject(subject).label) for subject in subjects]
        raise ValidationError(
            {
                "decision": _(
                    "This determination is about “%(subject)s”. This needs a determination "
                    "about: %(needed)s."
                )
                % {"subject": decision.get_subject_display(), "needed": ", ".join(labels)}
            }
        )


@transaction.atomic
def decision_record(
    *,
    case: Case,
    actor: Any,
    kind: str,
    subject: str,
    decided_on: date,
    question: str,
    options: str,
    outcome: str,
    justification: str,
    child_views: str = "",
    child_views_weight: str = "",
    child_views_not_obtained: str = "",
    family_views: str = "",
    risks: str = "",
    participants: Iterable[Mapping[str, str]] = (),
) -> Decision:
    """Record a best-interests assessment or determination (CC-1, CC-2, PS-6). It is refused
    without the child's views — or the reason they could not be obtained — and, when the views
    are there, without saying how they were weighed given the child's age and maturity."""
    require(actor, Capability.DECIDE_BEST_INTERESTS, case)
    lock_case(case)
    texts = {
        "question": question,
        "options": options,
        "outcome": outcome,
        "justification": justification,
    }
    errors = missing_texts(
        texts,
        {
            "question": _("Write the question to be decided."),
            "options": _("Write the options that were considered."),
            "outcome": _("Write the decision."),
            "justification": _("Say why this is in the child's best interests (CC-1)."),
        },
    )
    if kind not in Decision.Kind.values:
        errors["kind"] = _("Choose an assessment or a determination.")
    if subject not in Decision.Subject.values:
        errors["subject"] = _("Choose what it decides.")
    people = []
    for row in participants:
        name, role = row.get("name", "").strip(), row.get("role", "").strip()
        if name or role:
            if not (name and role):
                errors["participants"] = _("Give each participant's name and role.")
            people.append((name[:200], role[:200]))
    if kind == Decision.Kind.BID and len(people) < BID_PANEL_MINIMUM:
        errors.setdefault(
            "participants",
            _("A determination is taken by a panel: name at least %(n)d participants.")
            % {"n": BID_PANEL_MINIMUM},
        )
    if child_views.strip() and not child_views_weight.strip():
        errors["child_views_weight"] = _(
            "Say how the child's views were weighed, given their age and maturity (CC-2)."
        )
    if errors:
        raise ValidationError(errors)
    rules.CHILD_VIEWS_HEARD.check(
        child_views=child_views, not_obtained_reason=child_views_not_obtained
    )
    validate_event_date(decided_on, "decided_on")
    decision = Decision.objects.create(
        case=case,
        kind=kind,
        subject=subject,
        decided_on=decided_on,
        question=question.strip(),
        options=options.strip(),
        child_views=child_views.strip(),
        child_views_weight=child_views_weight.strip(),
        child_views_not_obtained=("" if child_views.strip() else child_views_not_obtained.strip()),
        family_views=family_views.strip(),
        risks=risks.strip(),
        outcome=outcome.strip(),
        justification=justification.strip(),
        decided_by=actor,
        created_by=actor,
        updated_by=actor,
    )
    DecisionParticipant.objects.bulk_create(
        DecisionParticipant(decision=decision, name=name, role=role) for name, role in people
    )
    record_event(
        actor=actor,
        action="decision.record",
        obj=decision,
        case=case,
        changes={
            "kind": [None, kind],
            "subject": [None, subject],
            "child_views": [None, "[given]" if child_views.strip() else "[not obtained]"],
            "participants": [None, len(people)],
        },
    )
    reevaluate(case, Decision, DecisionParticipant)
    return decision
