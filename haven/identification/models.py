"""Screening, the indicator library and the immediate first steps (ID-1 … ID-7).

A screening is a living record: a child can be screened again as trust grows (ID-7), and every
earlier screening stays. Its outcome is computed by haven.identification.outcome from the act
and the purpose of exploitation; means and movement are recorded for prosecution and statistics
but never change the outcome for a child (ID-1).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity
from haven.identification.codes import (
    Act,
    Exploitation,
    IndicatorDimension,
    IndicatorGrade,
    Industry,
    Means,
    MethodOfControl,
    Movement,
    OtherExploitationType,
    Outcome,
    SexualExploitationType,
)


class Indicator(models.Model):
    """One indicator of the library. Data, not code: loaded from fixtures/indicators.json and
    corrected in the admin without a release. Lists transcribed from secondary sources are
    marked `based_on` and shown as "based on <source>"."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    text = models.CharField(_("indicator"), max_length=300)
    form = models.CharField(
        _("form of exploitation"),
        max_length=40,
        choices=Exploitation.choices,
        blank=True,
        help_text=_("Empty when the indicator applies to every form."),
    )
    dimension = models.CharField(
        _("dimension"), max_length=40, choices=IndicatorDimension.choices, default="general"
    )
    grade = models.CharField(_("grade"), max_length=1, choices=IndicatorGrade.choices, blank=True)
    source = models.CharField(_("source"), max_length=200)
    based_on = models.BooleanField(
        _("transcribed from a secondary source"),
        default=False,
        help_text=_("Shown as “based on” the source until checked against the original."),
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["dimension", "sort_order", "code"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return self.text


class Screening(HavenModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    screened_at = models.DateTimeField(_("when"))
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    location = EncryptedTextField(_("where"), sensitivity=Sensitivity.LOCATION)
    interpreter = models.CharField(_("interpreter"), max_length=200, blank=True)
    support_person = models.CharField(_("support person present"), max_length=200, blank=True)
    # The three elements. Acts, means and methods of control are lists of codes (codes.py);
    # forms of exploitation are rows (ScreeningExploitation) because statistics count them.
    acts = models.JSONField(_("acts"), default=list, blank=True)
    means = models.JSONField(_("means"), default=list, blank=True)
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    movement = models.CharField(
        _("movement"), max_length=20, choices=Movement.choices, default=Movement.UNKNOWN
    )
    indicators = models.ManyToManyField(Indicator, blank=True, related_name="+")
    protection_concerns = models.BooleanField(
        _("the child is in a precarious situation"),
        default=False,
        help_text=_(
            "For example: out of parental care, working, living on the street, at risk of "
            "harm. The child is referred to child protection whatever the outcome (ID-5)."
        ),
    )
    screened_as_child = models.BooleanField(default=True, editable=False)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = EncryptedTextField(_("notes"))

    class Meta:
        ordering = ["-screened_at"]
        verbose_name = _("screening")

    def __str__(self) -> str:
        return f"{self.case} {self.screened_at:%Y-%m-%d}"

    @property
    def act_labels(self) -> list[str]:
        return [str(dict(Act.choices).get(code, code)) for code in self.acts]

    @property
    def means_labels(self) -> list[str]:
        return [str(dict(Means.choices).get(code, code)) for code in self.means]

    @property
    def control_labels(self) -> list[str]:
        return [str(dict(MethodOfControl.choices).get(c, c)) for c in self.methods_of_control]


class ScreeningExploitation(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="forms")
    form = models.CharField(_("form of exploitation"), max_length=40, choices=Exploitation.choices)
    sub_type = models.CharField(_("kind"), max_length=40, blank=True)
    industry = models.CharField(_("industry"), max_length=60, choices=Industry.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "form", "sub_type", "industry"], name="screening_form_unique"
            )
        ]

    def __str__(self) -> str:
        return self.form

    def get_sub_type_display(self) -> str:
        """The kind's label: its code list depends on the form (HTCDS), so the field has none."""
        kinds = dict(SexualExploitationType.choices) | dict(OtherExploitationType.choices)
        return str(kinds.get(self.sub_type, self.sub_type))


class NotNeededReason(models.TextChoices):
    """Why a first step is not needed. There is deliberately no reason about the child's
    cooperation with the authorities (CC-8, VW-8)."""

    ALREADY_DONE = "already_done", _("Already done or in place (by another agency)")
    DOES_NOT_APPLY = "does_not_apply", _("Does not apply to this child")
    CHILD_DECLINES = "child_declines", _("The child declined it (told it stays available)")
    OTHER = "other", _("Other (describe)")


class FirstStep(HavenModel):
    """An immediate first step after identification (ID-4), or the child-protection referral of
    a child in a precarious situation (ID-5), with a due date the rules can query."""

    class Kind(models.TextChoices):
        CP_REFERRAL = "cp_referral", _("Refer to the child-protection authority")
        SAFE_ACCOMMODATION = "safe_accommodation", _("Arrange safe accommodation")
        URGENT_MEDICAL = "urgent_medical", _("Check urgent medical needs")
        CASE_WORKER = "case_worker", _("Assign a trusted case worker")
        INTERPRETER = "interpreter", _("Arrange an interpreter in the child's language")
        GUARDIAN = "guardian", _("Appoint a guardian")
        RIGHTS_INFORMATION = "rights_information", _("Explain the child's rights")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        NOT_NEEDED = "not_needed", _("Closed with a reason")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="first_steps")
    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="first_steps")
    kind = models.CharField(_("step"), max_length=24, choices=Kind.choices)
    measure_id = models.CharField(max_length=10)
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    not_needed_code = models.CharField(
        _("why it is not needed"), max_length=20, choices=NotNeededReason.choices, blank=True
    )
    note = EncryptedTextField(_("what was done, or why it is not needed"))

    class Meta:
        ordering = ["due_at", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(status="open"),
                name="first_step_one_open_per_kind",
            )
        ]
        indexes = [models.Index(fields=["status", "due_at"], name="first_step_due_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class InterpreterReason(HavenModel):
    """Why an interview had no interpreter although the person recording it is not recorded as
    speaking any of the child's languages, or why its interpreter is not the one of the child's
    last interview (CC-10). One row beside the interview (cases.Interview) that needed it,
    written by the interpreter check that identification registers with cases.interviews."""

    class Kind(models.TextChoices):
        NO_INTERPRETER = "no_interpreter", _("Without an interpreter")
        CHANGED = "changed", _("A different interpreter from the last interview")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    interview = models.OneToOneField(
        "cases.Interview", on_delete=models.PROTECT, related_name="interpreter_reason"
    )
    kind = models.CharField(_("what needed a reason"), max_length=20, choices=Kind.choices)
    previous_interpreter = models.CharField(
        _("interpreter at the last interview"), max_length=200, blank=True
    )
    reason = EncryptedTextField(_("why"))

    class Meta:
        verbose_name = _("reason about the interpreter")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"
