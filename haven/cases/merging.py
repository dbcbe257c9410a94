"""Two records of one child (RR-6): a child registered twice, at two agencies or twice at one,
keeps two retelling counts and two histories until someone sees they are the same child.

One person proposes the merge through a case of each record, saying what shows it is the same
child; a second person confirms it (two people, since a wrong merge shows one child's story to
the other child's workers); both may be refused. Confirmed, every case of the merged record moves
to the kept record, in one transaction, and the merged record stays, unsearched, pointing to the
kept one. Within ChildMerge.UNDO_DAYS the merge can be undone: the cases it moved go back. Every
step is audited on both cases; the rules that read the child or their interviews (CC-6 counts
retellings per child) run again on every case concerned.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import can, cases_for_user, require
from haven.cases.models import Case, ChildMerge, Interview
from haven.cases.services import lock_case
from haven.children.models import CHILD_MODELS, Child
from haven.children.services import keep_name_key
from haven.safeguards.engine import reevaluate


def _both(actor: Any, merge: ChildMerge) -> None:
    """The person acts on both records: they may edit a case of each."""
    require(actor, Capability.EDIT_CASE, merge.kept_case)
    require(actor, Capability.EDIT_CASE, merge.merged_case)


def _audit(actor: Any, merge: ChildMerge, action: str, **changes: Any) -> None:
    for case in (merge.kept_case, merge.merged_case):
        record_event(actor=actor, action=action, obj=merge, case=case, changes=changes)


def _lock(*cases: Case) -> None:
    for case in sorted(cases, key=lambda c: c.pk):
        lock_case(case)


def _reevaluate(child_ids: list[int]) -> None:
    reevaluate(Case.objects.filter(child_id__in=child_ids), Case, Interview, *CHILD_MODELS)


def find_case_for_merge(actor: Any, *, reference: str = "", public_id: Any = None) -> Case:
    """The other case, by its reference (pages) or public ID (API), among the cases the person
    may see; one they may not see is answered as one that does not exist."""
    visible = cases_for_user(actor)
    if public_id is not None:
        found = visible.filter(public_id=public_id).first()
    else:
        found = visible.filter(reference__iexact=reference.strip()).first()
    if found is None:
        raise ValidationError({"other_case": _("No case you can see has this reference.")})
    return found


@transaction.atomic
def merge_propose(*, actor: Any, kept_case: Case, merged_case: Case, reason: str) -> ChildMerge:
    """Propose that the child of `merged_case` is the child of `kept_case`."""
    require(actor, Capability.EDIT_CASE, kept_case)
    require(actor, Capability.EDIT_CASE, merged_case)
    _lock(kept_case, merged_case)
    kept = Case.objects.select_related("child").get(pk=kept_case.pk)
    merged = Case.objects.select_related("child").get(pk=merged_case.pk)
    if kept.child_id == merged.child_id:
        raise ValidationError(
            {"other_case": _("Both cases are already about the same child: nothing to merge.")}
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": _("Say what shows it is the same child (documents, family, photos).")}
        )
    children = [kept.child_id, merged.child_id]
    waiting = ChildMerge.objects.filter(
        Q(kept_child_id__in=children) | Q(merged_child_id__in=children),
        status=ChildMerge.Status.PROPOSED,
    )
    if waiting.exists():
        raise ValidationError(
            _("A merge of one of these records already waits for confirmation: decide it first.")
        )
    merge = ChildMerge.objects.create(
        kept_case=kept,
        merged_case=merged,
        kept_child_id=kept.child_id,
        merged_child_id=merged.child_id,
        reason=reason.strip(),
        created_by=actor,
        updated_by=actor,
    )
    _audit(actor, merge, "child.merge_propose", status=[None, merge.status])
    reevaluate(Case.objects.filter(pk__in=[kept.pk, merged.pk]), ChildMerge)
    return merge


@transaction.atomic
def merge_decide(*, merge: ChildMerge, actor: Any, confirm: bool, note: str = "") -> ChildMerge:
    """A second person confirms (the records become one) or declines (with a note)."""
    _both(actor, merge)
    _lock(merge.kept_case, merge.merged_case)
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.status != ChildMerge.Status.PROPOSED:
        raise ValidationError(_("This merge has already been decided."))
    if merge.created_by_id == actor.pk:
        raise ValidationError(
            _("A second person confirms a merge: not the person who proposed it.")
        )
    now = timezone.now()
    fields: dict[str, Any] = {"decided_by": actor, "decided_at": now, "note": note.strip()}
    if confirm:
        merged_child = Child.objects.select_for_update().get(pk=merge.merged_child_id)
        if merged_child.merged_into_id is not None:
            raise ValidationError(_("This record was merged into another one since."))
        moved = list(
            Case.objects.filter(child_id=merge.merged_child_id)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        Case.objects.filter(pk__in=moved).update(child_id=merge.kept_child_id, updated_at=now)
        merged_child.merged_into_id = merge.kept_child_id
        merged_child.updated_by = actor
        merged_child.save(update_fields=["merged_into", "updated_by", "updated_at"])
        keep_name_key(Child.objects.get(pk=merge.kept_child_id))  # its names find the kept record
        fields["moved_cases"] = moved
    elif not note.strip():
        raise ValidationError({"note": _("Say why these are two different children.")})
    merge.set_status(
        ChildMerge.Status.CONFIRMED if confirm else ChildMerge.Status.DECLINED,
        actor=actor,
        action="child.merge_decide",
        case=merge.kept_case,
        fields=fields,
        changes={"moved_cases": [None, len(fields.get("moved_cases", []))]},
    )
    record_event(
        actor=actor,
        action="child.merge_decide",
        obj=merge,
        case=merge.merged_case,
        changes={"status": [ChildMerge.Status.PROPOSED, merge.status]},
    )
    _reevaluate([merge.kept_child_id, merge.merged_child_id])
    return merge


@transaction.atomic
def merge_undo(*, merge: ChildMerge, actor: Any, reason: str) -> ChildMerge:
    """Undo a confirmed merge within ChildMerge.UNDO_DAYS: the cases it moved go back to the
    merged record, which is searchable again."""
    _both(actor, merge)
    _lock(merge.kept_case, merge.merged_case)
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.status != ChildMerge.Status.CONFIRMED:
        raise ValidationError(_("Only a confirmed merge can be undone."))
    if merge.undo_until is None or timezone.now() > merge.undo_until:
        raise ValidationError(
            _("A merge can be undone for %(days)s days after it was confirmed; this one is older.")
            % {"days": ChildMerge.UNDO_DAYS}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the records are not the same child.")})
    now = timezone.now()
    Case.objects.filter(pk__in=merge.moved_cases, child_id=merge.kept_child_id).update(
        child_id=merge.merged_child_id, updated_at=now
    )
    Child.objects.filter(pk=merge.merged_child_id).update(
        merged_into=None, updated_by=actor, updated_at=now
    )
    keep_name_key(Child.objects.get(pk=merge.kept_child_id))
    merge.set_status(
        ChildMerge.Status.UNDONE,
        actor=actor,
        action="child.merge_undo",
        case=merge.kept_case,
        fields={"undone_by": actor, "undone_at": now, "note": reason.strip()},
    )
    record_event(
        actor=actor,
        action="child.merge_undo",
        obj=merge,
        case=merge.merged_case,
        changes={"status": [ChildMerge.Status.CONFIRMED, merge.status]},
    )
    _reevaluate([merge.kept_child_id, merge.merged_child_id])
    return merge


def merges_of(case: Case) -> QuerySet[ChildMerge]:
    """The merges this case took part in, newest first."""
    return (
        ChildMerge.objects.filter(Q(kept_case=case) | Q(merged_case=case))
        .select_related("kept_case", "merged_case", "created_by", "decided_by")
        .order_by("-created_at")
    )


def may_decide(actor: Any, merge: ChildMerge) -> bool:
    return (
        merge.status == ChildMerge.Status.PROPOSED
        and merge.created_by_id != actor.pk
        and can(actor, Capability.EDIT_CASE, merge.kept_case)
        and can(actor, Capability.EDIT_CASE, merge.merged_case)
    )


def may_undo(actor: Any, merge: ChildMerge) -> bool:
    until = merge.undo_until
    return (
        until is not None
        and timezone.now() <= until
        and can(actor, Capability.EDIT_CASE, merge.kept_case)
        and can(actor, Capability.EDIT_CASE, merge.merged_case)
    )
