"""Cases, who works on them, and every time the child was asked to tell their story."""

from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import Membership, OrganisationType
from haven.audit.status import StatusMachine
from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity


class ClosingReason(models.TextChoices):
    """Why a case closes. There is deliberately no reason about the child's cooperation with the
    authorities: help never depends on it (CC-8, VW-8)."""

    GOALS_MET = "goals_met", _("Recovered and reintegrated: the plan's goals are met")
    # Checked before closing (haven.reintegration.rules): the return to the family was carried
    # out and followed up at home (RR-5); the young person is 18 with a transition plan (RR-8).
    REUNIFIED = "reunified", _("Back with the family, and followed up at home")
    TRANSFERRED = "transferred", _("Handed over to another agency or country")
    ADULT_SERVICES = (
        "adult_services",
        _("Turned 18, with a transition plan, and handed over to adult services"),
    )
    CHILD_DECLINES = (
        "child_declines",
        _("The child and family want no more support (told it stays available)"),
    )
    NO_NEEDS = "no_needs", _("Not trafficked, and no protection needs remain")
    LOST_CONTACT = (
        "lost_contact",
        _("Contact lost after the recorded attempts to reach the child (say which)"),
    )
    DIED = "died", _("The child died")
    DUPLICATE = "duplicate", _("A duplicate of another case")
    OTHER = "other", _("Other (describe)")


class Case(StatusMachine, HavenModel):
    class Stage(models.TextChoices):
        IDENTIFICATION = "identification", _("Identification")
        PROTECTION = "protection", _("Protection and support")
        RECOVERY = "recovery", _("Recovery and reintegration")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")

    # Allowed stage changes. A closed case can be reopened (RR-6: children who return to
    # exploitation or drop out can come back).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Stage.IDENTIFICATION: frozenset({Stage.PROTECTION, Stage.CLOSED}),
        Stage.PROTECTION: frozenset({Stage.RECOVERY, Stage.CLOSED}),
        Stage.RECOVERY: frozenset({Stage.PROTECTION, Stage.FOLLOW_UP, Stage.CLOSED}),
        Stage.FOLLOW_UP: frozenset({Stage.RECOVERY, Stage.CLOSED}),
        Stage.CLOSED: frozenset({Stage.IDENTIFICATION, Stage.PROTECTION}),
    }

    class TraffickingStatus(models.TextChoices):
        """HTCDS 2.0 vic_TraffickingStatus."""

        POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim")
        ACTUAL = "ActualVictimOfTrafficking", _("Victim (determined)")
        NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim")

    # HTCDS 2.0 vic_TraffickingStatusDecisionMakingOrg: the same code list as agencies' types.
    StatusDecidedBy = OrganisationType

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="cases")
    lead_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("lead agency"),
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFICATION
    )
    stage_changed_at = models.DateTimeField(_("in this stage since"))
    # When the current episode began: the case's last reopening (RR-6), kept by status_changed;
    # empty while it never was. A child who returns is identified, informed and supported anew
    # (PS-1, PS-5 read it for every open case at each sweep: a column, not a subquery per case).
    episode_started_at = models.DateTimeField(_("reopened"), null=True, blank=True, editable=False)
    # How many alerts are open on the case, kept by haven.safeguards.tally: the engine counts
    # the case again whenever it raises or clears one of its alerts, and the sweep mends a count
    # two writes raced over. It orders a supervisor's My cases by an index
    # (case_open_by_alerts_idx) instead of counting every case's alerts of the agency at each
    # request, and is never shown: a line's badge counts only what its reader may read (DP-9).
    open_alert_count = models.PositiveIntegerField(_("open alerts"), default=0, editable=False)
    trafficking_status = models.CharField(
        _("status"),
        max_length=40,
        choices=TraffickingStatus.choices,
        default=TraffickingStatus.POSSIBLE,
    )
    status_decided_by = models.CharField(
        _("status decided by"), max_length=40, choices=StatusDecidedBy.choices, blank=True
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.CharField(
        _("why it closed"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    summary = EncryptedTextField(
        _("what brought the child to us"), sensitivity=Sensitivity.NARRATIVE
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["lead_agency", "stage"], name="case_agency_stage_idx"),
            # My cases for a supervisor: an agency's open cases in the list's order, so that
            # the first page is read from the index, not sorted from every open case.
            models.Index(
                fields=["lead_agency", "-open_alert_count", "-stage_changed_at", "-id"],
                name="case_open_by_alerts_idx",
                condition=~models.Q(stage="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    STATUS_FIELD = "stage"

    def allowed_stages(self) -> list[str]:
        return self.allowed_statuses()

    def transition_refused(self, to: str) -> ValidationError:
        return ValidationError(
            {
                "to_stage": gettext("A case cannot move from “%(from)s” to “%(to)s”.")
                % {"from": Case.Stage(self.stage).label, "to": Case.Stage(to).label}
            }
        )

    def status_changed(self, before: str, to: str, *, actor: Any, **details: Any) -> None:
        """Each stage change is also a row of the case's history (with its reason); a reopening
        begins a new episode."""
        if before == Case.Stage.CLOSED:
            self.episode_started_at = self.stage_changed_at
            Case.objects.filter(pk=self.pk).update(episode_started_at=self.stage_changed_at)
        StageChange.objects.create(
            case=self,
            from_stage=before,
            to_stage=to,
            changed_at=self.stage_changed_at,
            changed_by=actor,
            reason=details.get("reason", ""),
        )


class StageChange(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="stage_changes")
    from_stage = models.CharField(max_length=20, choices=Case.Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Case.Stage.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField(_("reason"))

    def __str__(self) -> str:
        return f"{self.from_stage} → {self.to_stage}"


class AssignmentRole(models.TextChoices):
    """The part a person plays on one case. Each maps to a staff role for what they may read."""

    CASE_WORKER = "case_worker", _("Case worker")
    GUARDIAN = "guardian", _("Guardian")
    SUPPORT_PERSON = "support_person", _("Support person")
    INTERPRETER = "interpreter", _("Interpreter")
    HEALTH_WORKER = "health_worker", _("Health worker")
    PSYCHOLOGIST = "psychologist", _("Psychologist or counsellor")
    LAWYER = "lawyer", _("Lawyer or paralegal")
    SHELTER_STAFF = "shelter_staff", _("Shelter staff")
    IDENTIFYING_OFFICER = "identifying_officer", _("Identifying officer")
    # Only by accepting a referral (haven.directory): reads only the referral's data points.
    REFERRAL_RECIPIENT = "referral_recipient", _("Referral recipient")
    # Only by taking emergency access (haven.cases.emergency, DP-4): time-limited, reviewed.
    EMERGENCY = "emergency", _("Emergency access")


# The parts a supervisor gives by hand: the others come only with their own record.
ASSIGNED_BY_HAND = [
    c
    for c in AssignmentRole.choices
    if c[0] not in (AssignmentRole.REFERRAL_RECIPIENT, AssignmentRole.EMERGENCY)
]


class AssignmentQuerySet(models.QuerySet["CaseAssignment"]):
    def current(self) -> "AssignmentQuerySet":
        """Assignments in force: not ended, and held by someone still active in the agency they
        were assigned through. Someone who leaves that agency loses the case with it (DP-2),
        even before anyone ends the assignment."""
        active = Membership.objects.filter(
            user_id=models.OuterRef("user_id"),
            agency_id=models.OuterRef("agency_id"),
            is_active=True,
            user__is_active=True,
        )
        return (
            self.filter(ended_at__isnull=True)
            .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now()))
            .filter(models.Exists(active))
        )


class CaseAssignment(HavenModel):
    """Who works on a case, from when to when. The history of case-worker assignments is the
    record of handovers (CC-9): each handover carries a note so the child need not retell."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    # The agency through which the person holds the assignment (for a case worker, the lead
    # agency). The assignment is in force only while they are active in it.
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", null=True
    )
    role = models.CharField(_("role on the case"), max_length=24, choices=AssignmentRole.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    # A time-limited assignment (emergency access, DP-4) stops granting at this moment by
    # itself: no job has to end it, and a forgotten one cannot outlive it.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    handover_note = EncryptedTextField(_("handover note"))

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(role="case_worker", ended_at__isnull=True),
                name="assignment_one_current_case_worker",
            ),
            models.UniqueConstraint(
                fields=["case", "user", "role"],
                condition=models.Q(ended_at__isnull=True),
                name="assignment_no_duplicate_current",
            ),
        ]
        indexes = [models.Index(fields=["user", "ended_at"], name="assignment_user_current_idx")]


class Interview(HavenModel):
    """Every time the child was interviewed or gave a statement, to anyone (CC-6, ID-6, VW-5)."""

    class Kind(models.TextChoices):
        IDENTIFICATION = "identification", _("Identification interview")
        ASSESSMENT = "assessment", _("Assessment interview")
        STATEMENT = "statement", _("Statement to police or prosecutor")
        TESTIMONY = "testimony", _("Testimony in court")
        CROSS_EXAMINATION = "cross_examination", _("Cross-examination in court")
        MEDICAL_HISTORY = "medical_history", _("Medical history")
        OTHER = "other", _("Other")

    # Kinds that are taking part in proceedings as well as an interview (VW-1, CC-3). That the
    # child gave evidence is a legal matter: those rows are LEGAL as a whole (DP-1); the count
    # of retellings (CC-6) still counts them for everyone on the case.
    PROCEEDINGS = frozenset({Kind.STATEMENT, Kind.TESTIMONY, Kind.CROSS_EXAMINATION})

    @property
    def row_sensitivity(self) -> Sensitivity:
        return Sensitivity.LEGAL if self.kind in self.PROCEEDINGS else self.ROW_SENSITIVITY

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interviews")
    kind = models.CharField(_("type of interview"), max_length=20, choices=Kind.choices)
    conducted_at = models.DateTimeField(_("when"))
    interviewer = models.CharField(_("interviewed by"), max_length=200)
    interviewer_agency = models.CharField(_("interviewer's agency"), max_length=200, blank=True)
    location = EncryptedTextField(_("where"), sensitivity=Sensitivity.LOCATION)
    interpreter = models.CharField(_("interpreter"), max_length=200, blank=True)
    support_person = models.CharField(_("support person present"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    child_told_story = models.BooleanField(
        _("the child was asked about what happened to them"),
        default=True,
        help_text=_("Counts towards the number of times the child has told their story."),
    )
    notes = EncryptedTextField(_("notes"))

    class Meta:
        verbose_name = _("interview")
        ordering = ["-conducted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="interview_duration_positive"
            )
        ]


class CaseNote(HavenModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    body = EncryptedTextField(_("note"))

    class Meta:
        verbose_name = _("case note")
        ordering = ["-created_at"]


class ClosureRequest(StatusMachine, HavenModel):
    """A case worker's request to close a case, for a supervisor to approve (RR-6, CC-1): the
    case closes only when someone who may approve closures, other than the person who asked,
    approves it. Closing is checked twice, when asked (so the case worker learns at once what
    still keeps the case open) and when approved (the case may have changed since)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved: the case is closed")
        DECLINED = "declined", _("Declined: the case stays open")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PENDING: frozenset({Status.APPROVED, Status.DECLINED}),
    }

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closure_requests")
    closed_reason = models.CharField(
        _("why the case closes"), max_length=20, choices=ClosingReason.choices
    )
    reason = EncryptedTextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = EncryptedTextField(_("why it was declined"), blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_closure_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.closed_reason} {self.status}"


class ChildMerge(StatusMachine, HavenModel):
    """Two records found to be the same child (RR-6): one person proposes, through a case of each
    record, with what shows it is the same child; another confirms. Confirmed, the cases of
    `merged_case`'s child move to `kept_case`'s child, so the child has one record, one retelling
    count and one history; within UNDO_DAYS the merge can be undone, moving back the cases it
    moved (`moved_cases`)."""

    UNDO_DAYS = 30

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed: waiting for a second person to confirm")
        CONFIRMED = "confirmed", _("Confirmed: one child, one record")
        DECLINED = "declined", _("Declined: two different children")
        UNDONE = "undone", _("Undone: two records again")

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.PROPOSED: frozenset({Status.CONFIRMED, Status.DECLINED}),
        Status.CONFIRMED: frozenset({Status.UNDONE}),
    }
    ROW_SENSITIVITY = Sensitivity.IDENTITY

    kept_case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="merges_kept", verbose_name=_("kept case")
    )
    merged_case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="merges_merged", verbose_name=_("merged case")
    )
    kept_child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="+", verbose_name=_("kept record")
    )
    merged_child = models.ForeignKey(
        "children.Child",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged record"),
    )
    reason = EncryptedTextField(
        _("what shows it is the same child"), sensitivity=Sensitivity.IDENTITY
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed or declined by"),
    )
    decided_at = models.DateTimeField(_("confirmed or declined"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True, sensitivity=Sensitivity.IDENTITY)
    moved_cases = models.JSONField(_("cases moved"), default=list, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("undone by"),
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge of two records of one child")
        verbose_name_plural = _("merges of two records of one child")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.merged_child_id} → {self.kept_child_id} {self.status}"

    @property
    def undo_until(self) -> Any:
        if self.decided_at is None or self.status != self.Status.CONFIRMED:
            return None
        return self.decided_at + timedelta(days=self.UNDO_DAYS)


class HandoverReason(models.TextChoices):
    """Why a case worker asks to give up a case (CC-9): a short list, so that supervisors and
    the counts of handovers say why they happen; a sentence may say the rest."""

    LEAVING = "leaving", _("Leaving the agency")
    TOO_MANY_CASES = "too_many_cases", _("Too many cases")
    CONFLICT = "conflict", _("A conflict of interest, or the child asked for someone else")
    OTHER = "other", _("Other")


class HandoverRequest(HavenModel):
    """A case worker's request to hand their case over to someone else (CC-9): they are
    leaving, have too many cases, or have a conflict of interest (or the child asked). The
    supervisors of the lead agency see open requests first under "Cases to hand over". One
    open request per case; it is resolved when a new case worker is assigned (handed over) or
    when the case worker withdraws it. Until then the case worker keeps the case: a request
    never leaves a child without one."""

    class Outcome(models.TextChoices):
        HANDED_OVER = "handed_over", _("Handed over")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The reason is case basics; the sentence may mention the child, so it is encrypted.
    ROW_SENSITIVITY = Sensitivity.BASIC
    NOTE_MAX_LENGTH = 500

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="handover_requests")
    reason = models.CharField(_("why"), max_length=20, choices=HandoverReason.choices)
    note = EncryptedTextField(_("in a sentence"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("handover request")
        verbose_name_plural = _("handover requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_handover_request",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, outcome="")
                | models.Q(resolved_at__isnull=False, outcome__in=["handed_over", "withdrawn"]),
                name="handover_request_outcome_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reason} {self.outcome or 'open'}"


class Erasure(models.Model):
    """What the retention job erased (DP-8): one row per case and class of data, never the
    content. `counted_from` is the closing of the child's last case the schedule ran from, so
    a case is not erased twice for one closing, and is again if the child came back and the
    new closing expires in its turn. The case page says what was erased and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="erasures")
    sensitivity = models.CharField(
        _("kind of information"), max_length=20, choices=Sensitivity.choices
    )
    counted_from = models.DateTimeField(_("counted from the closing on"))
    erased_at = models.DateTimeField(_("erased"))
    run = models.UUIDField(_("run of the retention job"))

    class Meta:
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "sensitivity", "counted_from"], name="erasure_once_per_closing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sensitivity} {self.erased_at:%Y-%m-%d}"


class EmergencyReason(models.TextChoices):
    """Why someone opened a case outside their normal access (DP-4). A closed list, so the
    review queue and the statistics can say what emergencies are; the detail says the rest."""

    DANGER = "danger", _("The child is in immediate danger")
    MISSING = "missing", _("The child is missing or has run away")
    MEDICAL = "medical", _("Medical emergency")
    HELD = "held", _("The child is held by the police or immigration")
    NO_CASE_WORKER = (
        "no_case_worker",
        _("The case worker cannot be reached and the child needs help now"),
    )


class EmergencyAccess(HavenModel):
    """Emergency ("break-glass") access to a case outside one's normal access (DP-4). It is an
    assignment of the part "emergency access" that expires by itself (default 60 minutes),
    with the reason it was taken and a supervisor's review of it. What the person read and
    changed meanwhile is in the access log and the audit chain, under their name."""

    class Outcome(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified")

    assignment = models.OneToOneField(
        CaseAssignment, on_delete=models.PROTECT, related_name="emergency"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=EmergencyReason.choices)
    detail = EncryptedTextField(_("what is happening"))
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(
        _("review outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    review_note = EncryptedTextField(_("review note"))

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        indexes = [models.Index(fields=["reviewed_at"], name="emergency_review_idx")]

    def __str__(self) -> str:
        return f"emergency {self.reason} {self.created_at:%Y-%m-%d %H:%M}"
