"""Retention and erasure (DP-8): the job that anonymises what the schedule says has expired.

The unit is the child with all their cases: nothing of a child is erased while any of their
cases is open, and every class is counted from the closing of their last case
(haven.core.retention). Where a class has expired, every field of that class is emptied on the
child's record and on every record of their cases; rows are never deleted, and the case basics
and coded facts the statistics count (sex, gender, birth date, nationality, disability, forms
of exploitation, outcomes, statuses, dates) are kept, so the reports' figures do not change.

Which fields hold which class is declared, not guessed: an encrypted field carries its class
(`EncryptedTextField(sensitivity=...)`), and the few plain text fields that hold something of
the child are listed in PLAIN_FIELDS; the plain fields that are codes are listed in KEPT, and a
test fails on a text field that is in neither. The records are found from the app registry —
every model that points to a case or a child, directly or through another such record — so
this module imports no area and a new area's records are erased without a change here.

The job costs a fixed number of queries per batch of children (one UPDATE per model and class,
not one per row or field), locks the batch's cases before the audit chain like every service,
writes an `Erasure` row per case and class, appends one `case.erase` audit event per case (the
classes, never content) and re-runs the alert rules reading what it changed.
"""

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache, reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Case as Choose
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from haven.audit.services import record_events
from haven.cases.models import Case, Erasure
from haven.children.models import Child
from haven.core.fields import EncryptedTextField
from haven.core.retention import SCHEDULED, Retention, schedule, years_before
from haven.core.sensitivity import Sensitivity as S
from haven.safeguards.engine import reevaluate

# What an erased required text field holds (a name, who interviewed): the record stays valid
# for its forms and says plainly that something was there. Stored, so never translated.
ERASED = "[erased]"

# Plain (unencrypted) fields that hold something of the child, with its class. A field's class
# is its row's where the row has one (a restriction is FAMILY, a charge LEGAL), else the class
# of what it tells. The child's birth date is kept: it is the input of the statistics' age band
# (haven.reports), as are sex, gender and nationality.
PLAIN_FIELDS: dict[str, S] = {
    "children.Child.given_name": S.IDENTITY,
    "children.Child.family_name": S.IDENTITY,
    "children.Child.name_romanised": S.IDENTITY,
    "children.Child.name_key": S.IDENTITY,  # the names' search key, erased with them (ID-7)
    "children.Child.gender_self_described": S.IDENTITY,
    "children.ChildAlias.name": S.IDENTITY,
    "children.ChildNameKey.key": S.IDENTITY,  # the names' comparison keys (ID-7)
    "children.AgeAssessment.method": S.IDENTITY,
    "children.AgeAssessment.decided_by": S.IDENTITY,
    "children.AgeAssessment.assessed_birth_date": S.IDENTITY,
    # Who heard the child's story, and where they came from (ID-6): part of the account.
    "cases.Interview.interviewer": S.NARRATIVE,
    "cases.Interview.interviewer_agency": S.NARRATIVE,
    "cases.Interview.interpreter": S.NARRATIVE,
    "cases.Interview.support_person": S.NARRATIVE,
    "identification.Screening.interpreter": S.NARRATIVE,
    "identification.Screening.support_person": S.NARRATIVE,
    "identification.InterpreterReason.previous_interpreter": S.NARRATIVE,
    "consent.Consent.purpose_detail": S.NARRATIVE,
    "consent.Consent.scope": S.NARRATIVE,
    "consent.Consent.recipients": S.NARRATIVE,
    "consent.Consent.explained_by": S.NARRATIVE,
    "consent.Consent.child_not_asked_reason": S.NARRATIVE,
    "consent.Consent.withdrawn_by": S.FAMILY,
    "consent.InformationSession.given_by": S.NARRATIVE,
    "consent.InformationSession.interpreter": S.NARRATIVE,
    "decisions.DecisionParticipant.name": S.FAMILY,
    "decisions.DecisionParticipant.role": S.FAMILY,
    "protection.GuardianAppointment.appointed_by": S.FAMILY,
    "protection.Service.family_member": S.FAMILY,
    # Who provided a service is where the child went for it (a shelter, a clinic).
    "protection.Service.provider": S.LOCATION,
    "protection.Service.reason_detail": S.NARRATIVE,
    "placements.Placement.end_reason": S.NARRATIVE,
    "placements.Restriction.decided_by": S.FAMILY,
    "placements.FamilyContact.frequency": S.FAMILY,
    "placements.Charge.authority": S.LEGAL,
    "placements.Charge.non_punishment_raised_with": S.LEGAL,
    "placements.LibertyChallenge.lodged_with": S.LEGAL,
    "placements.LibertyChallenge.lodged_by": S.LEGAL,
    # A child as a victim-witness: every row is a legal matter (haven.justice).
    "justice.ChildInProceeding.child_lawyer": S.LEGAL,
    "justice.HearingAttendance.support_name": S.LEGAL,
    "justice.HearingAttendance.support_relation": S.LEGAL,
    "justice.ChildUpdate.given_by": S.LEGAL,
    "justice.Compensation.held_by": S.LEGAL,
    # Recovery and reintegration: about the child's family and care (haven.reintegration).
    "reintegration.PlanService.description": S.FAMILY,
    "reintegration.PlanService.provider": S.FAMILY,
    "reintegration.FollowUpVisit.visited_by": S.FAMILY,
}

# Plain text fields of a child's records that are kept: references, codes and coded lists,
# which the statistics, the rules or the audit trail read and which tell nothing in free words.
KEPT: frozenset[str] = frozenset(
    {
        "cases.Case.reference",
        "cases.ChildMerge.moved_cases",  # the cases a merge moved, to move back (RR-6)
        "children.ChildNationality.country",  # statistics: nationals and foreign nationals
        "children.ChildLanguage.language",
        "consent.Consent.language",
        "consent.Consent.formats",
        "consent.Consent.checklist",
        "consent.InformationSession.topics",
        "consent.InformationSession.language",
        "consent.InformationSession.formats",
        "consent.InformationSession.stage",
        "directory.Referral.data_points",
        "directory.Referral.gender",
        "directory.Referral.languages",
        "directory.Referral.reason_code",
        "directory.Transfer.data_points",
        "identification.FirstStep.measure_id",
        "identification.Screening.acts",
        "identification.Screening.means",
        "identification.Screening.methods_of_control",
        "identification.ScreeningExploitation.sub_type",  # statistics: forced criminality
        # Statistics: child-friendly measures requested, granted and applied (VW-4).
        "justice.HearingAttendance.requested",
        "justice.HearingAttendance.granted",
        "justice.HearingAttendance.applied",
        "justice.ChildUpdate.language",
        "justice.ReprisalRisk.measures",
        "justice.Compensation.currency",
        "protection.NeedsAssessment.special_needs",
        "reintegration.SafetyPlan.sources",  # coded: where the risks come from (RR-4)
        "reintegration.Retrafficking.forms",  # statistics: forms of re-trafficking (RR-6)
        "protection.Service.consent_purpose",
        "safeguards.Alert.rule_code",
        "safeguards.Alert.measure_id",
        "safeguards.Alert.subject",
        "voice.Feedback.language",
        "voice.Feedback.reference",
    }
)

# Optional text that the record's own validation requires once a coded choice asks for it (a
# self-described gender needs its words, Child.clean): it becomes the marker, not empty.
MARK_IF_FILLED = frozenset({"children.Child.gender_self_described"})


# --- which records, which fields ------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A model holding something of a child, how its rows are found, and its fields by class."""

    model: type[models.Model]
    via: str  # "case" or "child": whose ids `path` reaches
    path: str  # the lookup from the model to that id: "pk", "case_id", "placement__case_id"
    fields: Mapping[S, tuple[models.Field, ...]]

    @property
    def label(self) -> str:
        return self.model._meta.label


def label_of(model: type[models.Model], f: models.Field) -> str:
    return f"{model._meta.label}.{f.name}"


def field_class(model: type[models.Model], f: models.Field) -> S | None:
    """The class of a field's content, or None for what is kept (codes, dates, links)."""
    if isinstance(f, EncryptedTextField):
        cls = S(f.sensitivity)
    else:
        cls = PLAIN_FIELDS.get(label_of(model, f), S.BASIC)
    return None if cls == S.BASIC else cls


def scoped_models() -> dict[type[models.Model], tuple[str, str]]:
    """Every model whose rows belong to a case or a child — the case and the child, every model
    that points to one, and every model that points to such a model — with (via, path)."""
    reach: dict[type[models.Model], tuple[str, str]] = {
        Case: ("case", "pk"),
        Child: ("child", "pk"),
    }
    candidates = [m for m in apps.get_models() if m.__module__.startswith("haven.")]
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in reach:
                continue
            links = [
                f for f in model._meta.concrete_fields if f.many_to_one and f.related_model in reach
            ]
            if not links:
                continue
            # A direct link to the case or the child first: the shortest way to the rows.
            link = min(links, key=lambda f: (f.related_model not in (Case, Child), f.name))
            via, path = reach[link.related_model]  # type: ignore[index]
            reach[model] = (via, link.attname if path == "pk" else f"{link.name}__{path}")
            grew = True
    return reach


@cache
def targets() -> tuple[Target, ...]:
    found = []
    for model, (via, path) in scoped_models().items():
        by_class: dict[S, list[models.Field]] = defaultdict(list)
        for f in model._meta.concrete_fields:
            cls = field_class(model, f)
            if cls is not None:
                by_class[cls].append(f)
        if by_class:
            fields = {cls: tuple(fs) for cls, fs in by_class.items()}
            found.append(Target(model=model, via=via, path=path, fields=fields))
    return tuple(sorted(found, key=lambda t: t.label))


def _unique_group(model: type[models.Model], f: models.Field) -> tuple[str, ...] | None:
    """The other fields of a unique constraint the field is part of (a child's other names are
    unique per child), or None."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.condition is None
            and f.name in constraint.fields
        ):
            return tuple(name for name in constraint.fields if name != f.name)
    return None


def _is_marker(value: str) -> bool:
    return value == ERASED or (value.startswith("[erased ") and value.endswith("]"))


def _pending(model: type[models.Model], f: models.Field) -> Q:
    """Rows where the field still holds something to erase."""
    if isinstance(f, models.CharField | models.TextField):
        filled = ~Q(**{f.name: ""})
        if isinstance(f, EncryptedTextField):
            return filled
        if _unique_group(model, f) is not None:
            return filled & ~Q(**{f"{f.name}__startswith": "[erased"})
        return filled & ~Q(**{f.name: ERASED})
    if f.null:
        return Q(**{f"{f.name}__isnull": False})
    raise TypeError(f"{label_of(model, f)} cannot be erased: declare only text or nullable fields")


def _erased_value(model: type[models.Model], f: models.Field) -> Any:
    if isinstance(f, EncryptedTextField):
        return ""  # no token left in the column
    if isinstance(f, models.CharField | models.TextField):
        if label_of(model, f) in MARK_IF_FILLED:
            return Choose(
                When(~Q(**{f.name: ""}), then=Value(ERASED)),
                default=Value(""),
                output_field=models.CharField(),
            )
        return "" if f.blank else ERASED
    return None


# --- what is due ------------------------------------------------------------------------------


@dataclass
class Due:
    """A child whose every case is closed, the closing the schedule counts from, and the
    classes that have expired and are not yet erased for that closing."""

    child_id: int
    counted_from: datetime
    classes: set[S] = field(default_factory=set)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def due(today: date, rules: Mapping[S, Retention] | None = None) -> dict[int, Due]:
    """The children with something to erase on `today`: one query per class."""
    rules = schedule() if rules is None else rules
    last_closing = Subquery(
        Case.objects.filter(child_id=OuterRef("pk"), closed_at__isnull=False)
        .order_by("-closed_at")
        .values("closed_at")[:1]
    )
    still_open = Case.objects.filter(child_id=OuterRef("pk")).filter(
        ~Q(stage=Case.Stage.CLOSED) | Q(closed_at__isnull=True)
    )
    closed = (
        Child.objects.annotate(last_closing=last_closing)
        .filter(last_closing__isnull=False)
        .exclude(Exists(still_open))
    )
    plan: dict[int, Due] = {}
    for cls in SCHEDULED:
        rule = rules[cls]
        # Closed on or before this day `years` ago: expired today.
        children = closed.filter(
            last_closing__lt=_start_of(years_before(today, rule.years) + timedelta(days=1))
        )
        if rule.until_age:
            children = children.filter(
                Q(birth_date__isnull=True) | Q(birth_date__lte=years_before(today, rule.until_age))
            )
        done = Erasure.objects.filter(
            case__child_id=OuterRef("pk"), sensitivity=cls, counted_from=OuterRef("last_closing")
        )
        for pk, last in children.exclude(Exists(done)).values_list("pk", "last_closing"):
            plan.setdefault(pk, Due(pk, last)).classes.add(cls)
    return plan


# --- the run ----------------------------------------------------------------------------------


@dataclass
class ClassReport:
    """What one class came to: counts and case references, never content."""

    children: set[int] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)
    values: Counter[str] = field(default_factory=Counter)  # field label -> values (dry run)
    rows: Counter[str] = field(default_factory=Counter)  # model label -> rows changed


@dataclass
class RetentionReport:
    today: date
    dry_run: bool
    run: uuid.UUID
    classes: dict[S, ClassReport] = field(default_factory=dict)
    # Children whose cases changed between planning and their batch (reopened): left alone.
    skipped: int = 0

    def of(self, cls: S) -> ClassReport:
        return self.classes.setdefault(cls, ClassReport())


def apply_retention(
    *, today: date | None = None, dry_run: bool = False, batch_size: int = 50
) -> RetentionReport:
    """Erase what the schedule says has expired on `today` (default: today), or with
    `dry_run` count what would be erased and change nothing. One transaction per batch of
    children; a batch that fails rolls back alone."""
    today = today or timezone.localdate()
    report = RetentionReport(today=today, dry_run=dry_run, run=uuid.uuid4())
    plan = due(today)
    ids = sorted(plan)
    for start in range(0, len(ids), batch_size):
        batch = {pk: plan[pk] for pk in ids[start : start + batch_size]}
        if dry_run:
            _count_batch(batch, report)
        else:
            _erase_batch(batch, report)
    return report


@dataclass(frozen=True)
class FileEraser:
    """Stored files of a class (documents and photos) that the job erases with its fields. An
    area above cases registers one at ready() (haven.documents.retention): this module reads
    fields from the app registry, but a file's class is chosen per row and its content lives
    outside the database."""

    label: str
    model: type[models.Model]
    count: Callable[[S, list[int]], int]  # (class, case ids) -> files still held
    erase: Callable[[S, list[int], datetime], int]  # -> files erased (deleted after commit)


_FILE_ERASERS: list[FileEraser] = []


def file_eraser(eraser: FileEraser) -> FileEraser:
    if eraser not in _FILE_ERASERS:
        _FILE_ERASERS.append(eraser)
    return eraser


def _by_class(batch: Mapping[int, Due], cases: Iterable[Case]) -> dict[S, tuple[list, list]]:
    """For each class due in the batch: (child ids, cases)."""
    cases_of: dict[int, list[Case]] = defaultdict(list)
    for case in cases:
        cases_of[case.child_id].append(case)
    out: dict[S, tuple[list, list]] = {}
    for cls in SCHEDULED:
        children = [pk for pk, d in batch.items() if cls in d.classes]
        if children:
            out[cls] = (children, [c for pk in children for c in cases_of[pk]])
    return out


def _rows(target: Target, ids: list[int]) -> models.QuerySet:
    return target.model._base_manager.filter(**{f"{target.path}__in": ids})


def _count_batch(batch: Mapping[int, Due], report: RetentionReport) -> None:
    cases = Case.objects.filter(child_id__in=list(batch)).only("pk", "child_id", "reference")
    for cls, (children, of_cases) in _by_class(batch, cases).items():
        out = report.of(cls)
        out.children.update(children)
        out.cases.update(c.reference for c in of_cases)
        case_ids = [c.pk for c in of_cases]
        for target in targets():
            fields = target.fields.get(cls)
            if not fields:
                continue
            rows = _rows(target, case_ids if target.via == "case" else children)
            counts = rows.aggregate(
                **{f.name: Count("pk", filter=_pending(target.model, f)) for f in fields}
            )
            for f in fields:
                if counts[f.name]:
                    out.values[label_of(target.model, f)] += counts[f.name]
        for eraser in _FILE_ERASERS:
            held = eraser.count(cls, case_ids)
            if held:
                out.values[eraser.label] += held


@transaction.atomic
def _erase_batch(batch: Mapping[int, Due], report: RetentionReport) -> None:
    now = timezone.now()
    # Lock the children's cases first, in a fixed order, before the audit chain (as every
    # service does); then make sure nothing was reopened since the plan was made.
    cases = list(
        Case.objects.select_for_update(no_key=True)
        .filter(child_id__in=list(batch))
        .order_by("pk")
        .only("pk", "public_id", "child_id", "reference", "stage", "closed_at", "lead_agency_id")
    )
    changed = {
        c.child_id
        for c in cases
        if c.stage != Case.Stage.CLOSED
        or c.closed_at is None
        or c.closed_at > batch[c.child_id].counted_from
    }
    report.skipped += len(changed)
    batch = {pk: d for pk, d in batch.items() if pk not in changed}
    cases = [c for c in cases if c.child_id in batch]
    if not cases:
        return
    written: set[type[models.Model]] = set()
    erased: dict[int, list[S]] = defaultdict(list)
    for cls, (children, of_cases) in _by_class(batch, cases).items():
        out = report.of(cls)
        out.children.update(children)
        out.cases.update(c.reference for c in of_cases)
        case_ids = [c.pk for c in of_cases]
        for case in of_cases:
            erased[case.pk].append(cls)
        for target in targets():
            fields = target.fields.get(cls)
            if not fields:
                continue
            rows = _erase(target, fields, case_ids if target.via == "case" else children, now)
            if rows:
                out.rows[target.label] += rows
                written.add(target.model)
        for eraser in _FILE_ERASERS:
            files = eraser.erase(cls, case_ids, now)
            if files:
                out.rows[eraser.label] += files
                written.add(eraser.model)
    by_pk = {c.pk: c for c in cases}
    Erasure.objects.bulk_create(
        [
            Erasure(
                case_id=pk,
                sensitivity=cls,
                counted_from=batch[by_pk[pk].child_id].counted_from,
                erased_at=now,
                run=report.run,
            )
            for pk, classes in erased.items()
            for cls in classes
        ]
    )
    record_events(
        actor=None,
        action="case.erase",
        entries=[
            (
                by_pk[pk],
                by_pk[pk],
                {
                    "erased": [None, sorted(str(c) for c in classes)],
                    "counted_from": [None, batch[by_pk[pk].child_id].counted_from],
                    "run": [None, str(report.run)],
                },
            )
            for pk, classes in erased.items()
        ],
    )
    if written:
        reevaluate(Case.objects.filter(pk__in=list(by_pk)), *sorted(written, key=str))


def _erase(target: Target, fields: Iterable[models.Field], ids: list[int], now: datetime) -> int:
    """Empty `fields` on the rows of `ids`: one UPDATE (and, for a field unique within its
    owner, one read and one bulk UPDATE). Returns the rows changed."""
    model = target.model
    rows = _rows(target, ids)
    stamp = {"updated_at": now} if any(f.name == "updated_at" for f in model._meta.fields) else {}
    plain = [f for f in fields if _unique_group(model, f) is None]
    changed = 0
    if plain:
        changed += rows.filter(reduce(or_, (_pending(model, f) for f in plain))).update(
            **{f.name: _erased_value(model, f) for f in plain}, **stamp
        )
    for f in fields:
        group = _unique_group(model, f)
        if group is not None:
            changed += _number_markers(model, rows, f, group, stamp)
    return changed


def _number_markers(
    model: type[models.Model],
    rows: models.QuerySet,
    f: models.Field,
    group: tuple[str, ...],
    stamp: Mapping[str, Any],
) -> int:
    """A field unique within its owner (a child's other names) gets "[erased]", "[erased 2]"…
    per owner, skipping markers an earlier erasure left."""
    attnames = [getattr(model._meta.get_field(name), "attname", name) for name in group]
    existing = list(rows.values_list("pk", f.attname, *attnames))
    taken = {(tuple(owner), value) for _pk, value, *owner in existing if _is_marker(value)}
    updates = []
    for pk, value, *owner in existing:
        if not value or _is_marker(value):
            continue
        n = 1
        while (tuple(owner), marker := ERASED if n == 1 else f"[erased {n}]") in taken:
            n += 1
        taken.add((tuple(owner), marker))
        updates.append(model(pk=pk, **{f.attname: marker}, **stamp))
    if updates:
        model._base_manager.bulk_update(updates, [f.attname, *stamp])
    return len(updates)


# --- what the case page says ------------------------------------------------------------------


def case_erasures(case: Case) -> list[dict[str, Any]]:
    """What the retention job erased on this case, by the day it did (DP-8), for the case page:
    [{"on": date, "kinds": "Whereabouts, …"}], oldest first. Classes only, never content."""
    names = dict(S.choices)
    days: dict[date, list[str]] = {}
    for erased_at, cls in (
        Erasure.objects.filter(case=case)
        .order_by("erased_at", "sensitivity")
        .values_list("erased_at", "sensitivity")
    ):
        kinds = days.setdefault(timezone.localdate(erased_at), [])
        if cls not in kinds:
            kinds.append(cls)
    return [
        {
            "on": on,
            "kinds": ", ".join(str(names[cls]) for cls in sorted(kinds, key=SCHEDULED.index)),
        }
        for on, kinds in days.items()
    ]
