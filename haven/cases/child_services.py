"""Writes to a child's record made through one of their cases (DESIGN idea 1): editing the
record and recording an age assessment. Each is one transaction: it checks the actor may act
on the case, validates, runs the blocking safeguards (ID-2), writes the audit event and
re-evaluates the alerts of the child's cases."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import REDACTED, diff, record_event, snapshot
from haven.cases.access import require
from haven.children.age import ADULT_AGE, age_on, presumption_of_minority
from haven.children.models import (
    CHILD_MODELS,
    EARLIEST_BIRTH_YEAR,
    AgeAssessment,
    AgeStatus,
    Child,
)
from haven.children.rules import check_presumption_not_ended
from haven.children.services import (
    CHILD_FIELDS,
    CONTENT_FIELDS,
    NAME_FIELDS,
    keep_name_key,
    set_identity_lists,
)
from haven.core.versions import check_version
from haven.safeguards.engine import reevaluate


@transaction.atomic
def child_update(
    *,
    case: Any,
    actor: Any,
    nationalities: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
    aliases: Iterable[str] | None = None,
    expected_version: str | None = None,
    **fields: Any,
) -> Child:
    """Update a child's record. The presumption of minority cannot be ended here: only a
    completed age assessment ends it (ID-2). Refused, changing nothing, when someone else saved
    the record after the version the person opened (`expected_version`, lost updates)."""
    require(actor, Capability.EDIT_CASE, case)
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    child = Child.objects.select_for_update(no_key=True).get(pk=case.child_id)
    check_version(child, expected_version)
    was_presumed_child = child.is_presumed_child
    before = snapshot(child, CHILD_FIELDS)
    for name, value in fields.items():
        setattr(child, name, value)
    child.updated_by = actor
    child.full_clean()
    now = presumption_of_minority(child, child.completed_age_assessment, standing=False)
    check_presumption_not_ended(was_child=was_presumed_child, child_now=now.is_child)
    child.presumed_minor = child.presumed_minor or now.is_presumed
    child.save()
    changes = diff(before, snapshot(child, CHILD_FIELDS), content_fields=CONTENT_FIELDS)
    changes |= set_identity_lists(
        child, nationalities=nationalities, languages=languages, aliases=aliases
    )
    if aliases is not None or NAME_FIELDS & set(fields):
        keep_name_key(child)
    if changes:
        record_event(actor=actor, action="child.update", obj=child, case=case, changes=changes)
    reevaluate(child.cases.all(), *CHILD_MODELS)
    return child


@transaction.atomic
def age_assessment_record(
    *,
    case: Any,
    actor: Any,
    method: str,
    decided_by: str,
    evidence: str = "",
    completed: bool = False,
    result: str = "",
    assessed_birth_date: date | None = None,
) -> AgeAssessment:
    """Record an age assessment (ID-2). A completed assessment is the only way the presumption
    of minority ends; while one is pending the person stays a presumed child. Completing one
    is a determination: it needs the evidence, and a supervisor or child-protection officer."""
    require(actor, Capability.EDIT_CASE, case)
    if completed:
        require(actor, Capability.DETERMINE_AGE, case)
    child = Child.objects.select_for_update(no_key=True).get(pk=case.child_id)
    if not method.strip():
        raise ValidationError({"method": _("Say how the age was assessed.")})
    if not decided_by.strip():
        raise ValidationError({"decided_by": _("Say who decided.")})
    if completed and result not in AgeAssessment.Result.values:
        raise ValidationError({"result": _("A completed assessment needs its result.")})
    if assessed_birth_date and assessed_birth_date > timezone.localdate():
        raise ValidationError({"assessed_birth_date": _("The birth date cannot be in the future.")})
    if assessed_birth_date and assessed_birth_date.year < EARLIEST_BIRTH_YEAR:
        raise ValidationError(
            {"assessed_birth_date": _("Check the birth date: the year is too long ago.")}
        )
    if completed and not evidence.strip():
        raise ValidationError({"evidence": _("Write the evidence the assessment rests on.")})
    if completed and not assessed_birth_date:
        # Without it the child's old, perhaps claimed, birth date would decide their age.
        raise ValidationError(
            {"assessed_birth_date": _("A completed assessment needs the assessed birth date.")}
        )
    if completed and assessed_birth_date:
        adult_by_date = age_on(assessed_birth_date, timezone.localdate()) >= ADULT_AGE
        if adult_by_date != (result == AgeAssessment.Result.ADULT):
            raise ValidationError(
                {
                    "assessed_birth_date": _(
                        "The assessed birth date does not agree with the result."
                    )
                }
            )
    assessment = AgeAssessment.objects.create(
        child=child,
        method=method.strip(),
        evidence=evidence,
        decided_by=decided_by.strip(),
        status=AgeAssessment.Status.COMPLETED if completed else AgeAssessment.Status.PENDING,
        result=result if completed else "",
        assessed_birth_date=assessed_birth_date,
        completed_at=timezone.now() if completed else None,
        created_by=actor,
        updated_by=actor,
    )
    changes: dict[str, list[Any]] = {
        "status": [None, assessment.status],
        "result": [None, assessment.result],
    }
    if completed and child.age_status != AgeStatus.DETERMINED:
        changes["child.age_status"] = [child.age_status, AgeStatus.DETERMINED]
        child.age_status = AgeStatus.DETERMINED
    if completed and assessed_birth_date and assessed_birth_date != child.birth_date:
        # The assessed date becomes the child's working birth date, so age-based measures and
        # statistics use the determined age.
        changes["child.birth_date"] = [REDACTED, REDACTED]
        child.birth_date = assessed_birth_date
    if completed:
        # The determination replaces the presumption (children.age).
        child.presumed_minor = False
        child.updated_by = actor
        child.save(
            update_fields=["age_status", "birth_date", "presumed_minor", "updated_by", "updated_at"]
        )
    record_event(
        actor=actor,
        action="child.age_assessment",
        obj=assessment,
        case=case,
        changes=changes,
    )
    reevaluate(child.cases.all(), AgeAssessment, Child)
    return assessment
