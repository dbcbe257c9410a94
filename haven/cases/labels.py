"""The timeline's words for cases, assignments, interviews and notes (registered at
CasesConfig.ready())."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from haven.audit.labels import after, coded, register
from haven.cases.models import (
    AssignmentRole,
    Case,
    ChildMerge,
    ClosingReason,
    ClosureRequest,
    EmergencyAccess,
    EmergencyReason,
    HandoverReason,
    Interview,
)
from haven.core.sensitivity import Sensitivity


def _role_and_name(role: Any, name: Any) -> str:
    """ "Case worker: Kanya Srisuk"; the role alone on events recorded before names were."""
    label = str(dict(AssignmentRole.choices).get(role, role)) if role else ""
    return f"{label}: {name}" if label and name else label or (name or "")


def _assigned(changes: Mapping[str, Any]) -> str:
    return _role_and_name(after(changes, "role"), after(changes, "name"))


def _assignment_ended(changes: Mapping[str, Any]) -> str:
    before = {field: (changes.get(field) or [None])[0] for field in ("role", "name")}
    return _role_and_name(before["role"], before["name"])


def _stage_change(changes: Mapping[str, Any]) -> str:
    if "stage" not in changes:
        return ""
    before, now = changes["stage"]
    names = dict(Case.Stage.choices)
    return f"{names.get(before, before)} → {names.get(now, now)}"


def _erased(changes: Mapping[str, Any]) -> str:
    """The kinds of information the retention job erased (DP-8), by their coded class."""
    names = dict(Sensitivity.choices)
    return ", ".join(str(names.get(code, code)) for code in after(changes, "erased") or ())


register(
    {
        "case.open": _("Case opened"),
        "case.stage": _("Stage changed"),
        "case.closure_request": _("Closing the case asked for"),
        "case.closure_decide": _("Request to close the case decided"),
        "child.merge_propose": _("Merge with another record of the same child proposed"),
        "child.merge_decide": _("Merge with another record of the same child decided"),
        "child.merge_undo": _("Merge with another record of the same child undone"),
        "assignment.start": _("Person assigned to the case"),
        "assignment.end": _("Assignment ended"),
        "interview.record": _("Interview recorded"),
        "interview.proceedings": _("Statement or testimony recorded"),
        "note.add": _("Note added"),
        "case.erase": _("Information erased under the retention schedule"),
        "emergency.open": _("Emergency access opened"),
        "emergency.end": _("Emergency access ended early"),
        "emergency.review": _("Emergency access reviewed"),
        "handover.request": _("Handover requested"),
        "handover.withdraw": _("Handover request withdrawn"),
        "handover.complete": _("Handover request met: a new case worker is assigned"),
    },
    {
        "case.stage": _stage_change,
        "case.closure_request": coded("closed_reason", ClosingReason.choices),
        "case.closure_decide": coded("status", ClosureRequest.Status.choices),
        "child.merge_decide": coded("status", ChildMerge.Status.choices),
        "assignment.start": _assigned,
        "assignment.end": _assignment_ended,
        "interview.record": coded("kind", Interview.Kind.choices),
        "interview.proceedings": coded("kind", Interview.Kind.choices),
        "case.erase": _erased,
        "emergency.open": coded("reason", EmergencyReason.choices),
        "emergency.review": coded("outcome", EmergencyAccess.Outcome.choices),
        "handover.request": coded("reason", HandoverReason.choices),
    },
    classes={
        "interview.proceedings": Sensitivity.LEGAL,
        "child.merge_propose": Sensitivity.IDENTITY,
        "child.merge_decide": Sensitivity.IDENTITY,
        "child.merge_undo": Sensitivity.IDENTITY,
    },
)
