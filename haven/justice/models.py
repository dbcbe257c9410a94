"""Children as victim-witnesses (VW-1 … VW-8): the proceedings connected with a case, the
child's part in each, participation decided in the child's best interests, support at each
hearing, child-friendly measures, statements that spare retelling, updates to the child,
reprisal risk and compensation.

A proceeding is shared: one trafficker, several victims. It holds only what concerns the
proceeding itself (authority, reference, stage, hearings, the accused and who represents them);
everything about a child is on that child's `ChildInProceeding`, reached only through the
child's case, so no child's data crosses to another's case. Every row here is a legal matter
(Sensitivity.LEGAL)."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity

S = Sensitivity


class ProceedingKind(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    CIVIL = "civil", _("Civil")
    COMPENSATION = "compensation", _("Compensation")
    ADMINISTRATIVE = "administrative", _("Administrative (including immigration)")


class Stage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    CHARGE = "charge", _("Charge")
    PRE_TRIAL = "pre_trial", _("Pre-trial")
    TRIAL = "trial", _("Trial")
    APPEAL = "appeal", _("Appeal")
    CLOSED = "closed", _("Closed")


class ChildRole(models.TextChoices):
    WITNESS = "witness", _("Witness")
    COMPLAINANT = "complainant", _("Complainant")
    CLAIMANT = "claimant", _("Claimant")
    NONE = "none", _("No part (yet)")


class Form(models.TextChoices):
    """What taking part means, each decided on its own (VW-1): a child may agree to give a
    recorded statement and decline to face cross-examination."""

    STATEMENT = "statement", _("Giving a statement")
    TESTIMONY = "testimony", _("Testifying at a hearing")
    CROSS_EXAMINATION = "cross_examination", _("Being cross-examined")
    COMPENSATION_CLAIM = "compensation_claim", _("Claiming compensation")


class Choice(models.TextChoices):
    AGREES = "agrees", _("The child agrees to take part")
    DECLINES = "declines", _("The child declines")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Measure(models.TextChoices):
    """Child-friendly measures at a hearing (VW-4)."""

    PRE_RECORDED_VIDEO = (
        "pre_recorded_video",
        _("Pre-recorded video statement instead of live testimony"),
    )
    VIDEO_LINK = "video_link", _("Video link or remote testimony")
    SCREEN = "screen", _("Screen or separation from the accused")
    CLOSED_HEARING = "closed_hearing", _("Closed hearing")
    INTERMEDIARY = "intermediary", _("Intermediary, or questions through the judge")
    INTERPRETER = "interpreter", _("Interpreter")
    BREAKS = "breaks", _("Breaks")
    CHILD_FRIENDLY_ROOM = "child_friendly_room", _("Child-friendly room")
    NO_CONFRONTATION = "no_confrontation", _("No face-to-face confrontation")


class EventKind(models.TextChoices):
    """What happened in a proceeding that the child must be told of within 48 hours (VW-6)."""

    HEARING_SET = "hearing_set", _("A hearing date was set")
    VERDICT = "verdict", _("Verdict")
    RELEASE = "release", _("The accused was released")
    APPEAL = "appeal", _("Appeal")


class ProtectionMeasure(models.TextChoices):
    """What protects a child at risk of reprisal (VW-7)."""

    RELOCATION = "relocation", _("Relocation")
    POLICE_PROTECTION = "police_protection", _("Police protection")
    NO_CONTACT_ORDER = "no_contact_order", _("No-contact order")
    SCHOOL_CHANGE = "school_change", _("Change of school")
    OTHER = "other", _("Other")


class Proceeding(HavenModel):
    """A criminal, civil, compensation or administrative proceeding. Shared by the cases of
    every child it concerns; holds no child's data."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    kind = models.CharField(_("kind of proceeding"), max_length=20, choices=ProceedingKind.choices)
    authority = models.CharField(_("authority or court"), max_length=200)
    reference = models.CharField(_("its reference"), max_length=100, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    prosecutor = models.CharField(_("prosecutor"), max_length=200, blank=True)
    # Who is accused and who represents them, one per line: a support person among them is
    # refused (VW-3). Names of adults, a legal matter, encrypted.
    accused = EncryptedTextField(_("the accused, one per line"), sensitivity=S.LEGAL)
    defence = EncryptedTextField(_("who represents the accused, one per line"), sensitivity=S.LEGAL)

    class Meta:
        ordering = ["-opened_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.authority} {self.reference}".strip()

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class Hearing(HavenModel):
    """A hearing of a proceeding: its date, shared by every child in it."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="hearings")
    held_on = models.DateField(_("date of the hearing"))
    purpose = models.CharField(_("what it is for"), max_length=200, blank=True)

    class Meta:
        ordering = ["held_on", "created_at"]
        indexes = [models.Index(fields=["held_on"], name="hearing_held_idx")]

    def __str__(self) -> str:
        return f"{self.proceeding} {self.held_on}"


class ProceedingEvent(HavenModel):
    """A verdict, a release or an appeal of the accused (or a hearing date set): the child and
    their support person are told within 48 hours (VW-6) and the reprisal risk reviewed on a
    release or verdict (VW-7)."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=EventKind.choices)
    occurred_on = models.DateField(_("on"))
    summary = EncryptedTextField(_("what it means"), sensitivity=S.LEGAL)

    class Meta:
        ordering = ["-occurred_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class ChildInProceeding(HavenModel):
    """One child's part in one proceeding: everything about the child is here, on their case."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="proceedings")
    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="children")
    role = models.CharField(_("the child's role"), max_length=20, choices=ChildRole.choices)
    child_lawyer = models.CharField(_("the child's lawyer"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("child in a proceeding")
        constraints = [
            models.UniqueConstraint(fields=["case", "proceeding"], name="child_in_proceeding_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} in {self.proceeding}"


class Participation(HavenModel):
    """Whether the child takes part in one way (a `Form`), decided in their best interests
    (VW-1, PS-6): after an information session on the legal process and the right to decline
    (VW-2), weighing re-traumatisation, intimidation and reprisal, with the child's informed
    choice. Agreeing needs a best-interests determination about legal participation; declining
    changes nothing in the child's help (VW-8). The latest of a form is the one in force."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    child_in_proceeding = models.ForeignKey(
        ChildInProceeding, on_delete=models.PROTECT, related_name="participations"
    )
    form = models.CharField(_("taking part by"), max_length=20, choices=Form.choices)
    choice = models.CharField(_("the child's choice"), max_length=10, choices=Choice.choices)
    decided_on = models.DateField(_("decided on"))
    information_session = models.ForeignKey(
        "consent.InformationSession", on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "decisions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retraumatisation_risk = models.CharField(
        _("risk of re-traumatisation"), max_length=10, choices=Risk.choices
    )
    intimidation_risk = models.CharField(
        _("risk of intimidation"), max_length=10, choices=Risk.choices
    )
    reprisal_risk = models.CharField(_("risk of reprisal"), max_length=10, choices=Risk.choices)
    child_views = EncryptedTextField(_("the child's views, in their words"))

    class Meta:
        ordering = ["-decided_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.form}: {self.choice}"


class HearingAttendance(HavenModel):
    """One child at one hearing: whether they testify there, their support person (VW-3) and
    the child-friendly measures requested, granted and applied (VW-4)."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    child_in_proceeding = models.ForeignKey(
        ChildInProceeding, on_delete=models.PROTECT, related_name="attendances"
    )
    hearing = models.ForeignKey(Hearing, on_delete=models.PROTECT, related_name="attendances")
    testifies = models.BooleanField(_("the child testifies at this hearing"), default=False)
    support_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    support_name = models.CharField(
        _("support person (not a Haven user)"), max_length=200, blank=True
    )
    support_relation = models.CharField(_("who they are to the child"), max_length=200, blank=True)
    requested = models.JSONField(_("measures requested"), default=list)
    granted = models.JSONField(_("measures granted"), default=list)
    applied = models.JSONField(_("measures applied"), default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["child_in_proceeding", "hearing"], name="attendance_once_per_hearing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.child_in_proceeding_id} at {self.hearing_id}"

    @property
    def has_support(self) -> bool:
        return bool(self.support_user_id or self.support_name)


class ProceedingStatement(HavenModel):
    """A statement, testimony or cross-examination: an interview (counted in the child's
    retellings, CC-6) linked to its proceeding (VW-5). A video-recorded statement is reused: a
    further one in the same proceeding says why the recording does not serve (VW-4)."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    child_in_proceeding = models.ForeignKey(
        ChildInProceeding, on_delete=models.PROTECT, related_name="statements"
    )
    interview = models.OneToOneField(
        "cases.Interview", on_delete=models.PROTECT, related_name="proceeding_statement"
    )
    video_recorded = models.BooleanField(_("video-recorded, to be reused"), default=False)
    why_not_reused = EncryptedTextField(_("why the recorded statement does not serve"))

    class Meta:
        ordering = ["created_at"]


class ChildUpdate(HavenModel):
    """An update to the child and their support person on the proceeding (VW-6)."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    child_in_proceeding = models.ForeignKey(
        ChildInProceeding, on_delete=models.PROTECT, related_name="updates"
    )
    given_at = models.DateTimeField(_("when"))
    given_by = models.CharField(_("given by"), max_length=200)
    language = models.CharField(_("language"), max_length=3)
    support_person_told = models.BooleanField(_("the support person was told too"), default=True)
    explained = EncryptedTextField(_("what was explained"))

    class Meta:
        ordering = ["-given_at"]


class ReprisalRisk(HavenModel):
    """An assessment of the risk of reprisal (VW-7) with the measures that protect the child.
    Reviewed before each hearing and on each release or verdict."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    child_in_proceeding = models.ForeignKey(
        ChildInProceeding, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("risk"), max_length=10, choices=Risk.choices)
    threats = models.BooleanField(_("threats received"), default=False)
    contact_attempts = models.BooleanField(
        _("contact attempts by the accused or associates"), default=False
    )
    family_at_risk = models.BooleanField(_("the family is at risk"), default=False)
    online_harassment = models.BooleanField(_("online harassment"), default=False)
    accused_release_on = models.DateField(_("the accused's release date"), null=True, blank=True)
    measures = models.JSONField(_("protection measures"), default=list)
    notes = EncryptedTextField(_("notes"), sensitivity=S.LEGAL)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]


class Compensation(HavenModel):
    """A claim for compensation (the guide's access to remedies): claimed, awarded, paid, and
    the child's share held for them."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.LEGAL

    child_in_proceeding = models.ForeignKey(
        ChildInProceeding, on_delete=models.PROTECT, related_name="compensations"
    )
    claimed_on = models.DateField(_("claimed on"))
    currency = models.CharField(_("currency"), max_length=3)
    amount_claimed = models.DecimalField(_("amount claimed"), max_digits=14, decimal_places=2)
    amount_awarded = models.DecimalField(
        _("amount awarded"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=14, decimal_places=2, default=0)
    held_for_child = models.DecimalField(
        _("held for the child"), max_digits=14, decimal_places=2, default=0
    )
    held_by = models.CharField(_("held by"), max_length=200, blank=True)

    class Meta:
        ordering = ["-claimed_on"]
