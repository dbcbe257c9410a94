"""Consent per measure (CC-3, PS-4, DP-5, DP-6) and information given to the child (PS-5).

A consent record is one conversation about one purpose: what the child said (consent, or assent
when a representative must also consent), what the parent or guardian said, what was explained
and how. Whether it permits the measure is worked out once, when it is recorded (`grants`), from
the child's age at that moment; withdrawal and expiry end it later. Nothing here depends on the
child's nationality or on cooperation with the authorities (CC-4, CC-8).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity


class Purpose(models.TextChoices):
    MEDICAL_EXAMINATION = "medical_examination", _("Medical examination")
    MEDICAL_TESTING = "medical_testing", _("Medical testing (blood, HIV, pregnancy, other tests)")
    MEDICAL_TREATMENT = "medical_treatment", _("Medical treatment")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("Psychological support or counselling")
    INTERVIEW = "interview", _("An interview")
    INFORMATION_SHARING = "information_sharing", _("Sharing information with another agency")
    LEGAL_PARTICIPATION = "legal_participation", _("Taking part in legal proceedings")
    RESEARCH = "research", _("Use of non-identifying data for research")
    OTHER = "other", _("Other (describe)")


class ChildAnswer(models.TextChoices):
    AGREES = "agrees", _("Agrees")
    REFUSES = "refuses", _("Does not agree")
    NOT_ASKED = "not_asked", _("Could not be asked (say why)")


class Representative(models.TextChoices):
    NONE = "none", _("Nobody else was asked")
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Guardian")
    OTHER = "other", _("Other legal representative")


class RepresentativeAnswer(models.TextChoices):
    CONSENTS = "consents", _("Consents")
    REFUSES = "refuses", _("Does not consent")


class Format(models.TextChoices):
    VERBAL = "verbal", _("Spoken")
    WRITTEN = "written", _("Written")
    VISUAL = "visual", _("Pictures or visual aids")
    SIGN = "sign", _("Sign language")


# The consent conversation's checklist (DP-6, HTCDS consent guidance). The form refuses to save
# until every point has been covered.
CHECKLIST = (
    ("purpose", _("What it is for")),
    ("uses", _("How the information will be used, now and later")),
    ("research", _("That non-identifying data may be used for research")),
    ("access", _("That the child may see their information at any time")),
    ("retention", _("How long the information is kept")),
    ("withdrawal", _("How to withdraw consent, at any time, without losing any help")),
    ("confidentiality_limits", _("The limits of confidentiality (what must be reported)")),
)
CHECKLIST_KEYS = tuple(key for key, _label in CHECKLIST)


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self) -> "ConsentQuerySet":
        """Consents that permit their purpose today: granted (or a refusal overridden by a
        best-interests determination), not withdrawn, not expired."""
        today = timezone.localdate()
        return self.filter(
            Q(grants=True) | Q(override_decision__isnull=False),
            withdrawn_at__isnull=True,
        ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))


class Consent(HavenModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("what it is for"), max_length=30, choices=Purpose.choices)
    purpose_detail = models.CharField(_("details of the purpose"), max_length=300, blank=True)
    scope = models.CharField(
        _("scope"),
        max_length=300,
        blank=True,
        help_text=_("What exactly is agreed, e.g. 'a general check-up, not an HIV test'."),
    )
    # Whom a consent to share information covers (DP-5): Haven agencies chosen from the list,
    # and only those are compared with a referral's receiving agency. `recipients` is free text
    # for people or organisations outside Haven; it never authorises a referral to a Haven
    # agency. Consents recorded before agencies could be chosen keep their text here
    # (migration 0004), so they name no Haven agency until recorded again.
    recipient_agencies = models.ManyToManyField(
        "accounts.Agency",
        blank=True,
        related_name="+",
        verbose_name=_("Haven agencies that will receive the information"),
    )
    recipients = models.CharField(
        _("others outside Haven who will receive the information"),
        max_length=300,
        blank=True,
    )
    given_on = models.DateField(_("date of the conversation"))
    expires_on = models.DateField(_("ends on"), null=True, blank=True)
    language = models.CharField(_("language used"), max_length=3)
    formats = models.JSONField(_("how it was explained"), default=list)
    explained_by = models.CharField(_("explained by"), max_length=200)
    checklist = models.JSONField(default=list)
    child_answer = models.CharField(
        _("the child's answer"), max_length=12, choices=ChildAnswer.choices
    )
    child_not_asked_reason = models.CharField(
        _("why the child could not be asked"), max_length=500, blank=True
    )
    # The child's age when asked decides whether a representative must consent too.
    child_age = models.PositiveSmallIntegerField(null=True, blank=True)
    representative = models.CharField(
        _("who else was asked"),
        max_length=10,
        choices=Representative.choices,
        default=Representative.NONE,
    )
    representative_name = EncryptedTextField(
        _("representative's name"), sensitivity=Sensitivity.FAMILY
    )
    representative_answer = models.CharField(
        _("the representative's answer"),
        max_length=10,
        choices=RepresentativeAnswer.choices,
        blank=True,
    )
    grants = models.BooleanField(default=False, editable=False)
    notes = EncryptedTextField(_("notes"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.CharField(_("withdrawn by"), max_length=200, blank=True)
    withdrawal_reason = EncryptedTextField(_("what was said"))
    # A refusal overridden by a best-interests determination (CC-3, PS-4).
    override_decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_overrides",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_on", "-created_at"]
        indexes = [models.Index(fields=["case", "purpose"], name="consent_case_purpose_idx")]

    def __str__(self) -> str:
        return self.get_purpose_display()

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def state(self) -> str:
        if self.withdrawn_at:
            return "withdrawn"
        if self.is_expired:
            return "expired"
        if self.override_decision_id:
            return "overridden"
        return "granted" if self.grants else "refused"

    @property
    def format_labels(self) -> list[str]:
        labels = dict(Format.choices)
        return [str(labels.get(code, code)) for code in self.formats]

    @property
    def recipients_label(self) -> str:
        """Whom the consent covers, as a practitioner reads it (DP-5): the Haven agencies by
        name, then whoever outside Haven was written down. Uses `recipient_agencies` as
        prefetched when it was."""
        names = [agency.name for agency in self.recipient_agencies.all()]
        if self.recipients:
            names.append(gettext("outside Haven: %(who)s") % {"who": self.recipients})
        return ", ".join(names) if names else gettext("nobody named")


class Topic(models.TextChoices):
    STATUS = "status", _("Their situation and status as a victim")
    RIGHTS = "rights", _("Their rights and entitlements")
    SERVICES = "services", _("The help and services available")
    LEGAL_PROCESS = "legal_process", _("The legal process, and the right to decline to take part")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality and its limits")
    COMPLAINTS = "complaints", _("How to give feedback or complain")
    NEXT_STEPS = "next_steps", _("What happens next")


class InformationSession(HavenModel):
    """Information given to the child in a language, form and manner they understand (PS-5)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="information_sessions"
    )
    given_at = models.DateTimeField(_("when"))
    topics = models.JSONField(_("topics"), default=list)
    language = models.CharField(_("language"), max_length=3)
    formats = models.JSONField(_("how"), default=list)
    given_by = models.CharField(_("given by"), max_length=200)
    interpreter = models.CharField(_("interpreter"), max_length=200, blank=True)
    child_questions = EncryptedTextField(_("the child's questions, and the answers"))
    written_copy_left = models.BooleanField(
        _("a written copy was left with the child"),
        default=False,
        help_text=_("So the child can read it again later, in their own language."),
    )
    stage = models.CharField(max_length=20, editable=False)
    # Whether the child's rights were explained: meets the ID-4 first step, kept so the
    # checklist and the rules can query it.
    covers_rights = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["case", "given_at"], name="info_case_given_idx")]

    def __str__(self) -> str:
        return f"{self.case} {self.given_at:%Y-%m-%d}"

    @property
    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(code, code)) for code in self.topics]

    @property
    def format_labels(self) -> list[str]:
        labels = dict(Format.choices)
        return [str(labels.get(code, code)) for code in self.formats]
