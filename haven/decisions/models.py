"""Best-interests assessments and determinations (CC-1, CC-2, PS-6): the decisions that stand
behind a placement, medical care without consent, and — as the victim-witness and reintegration
areas come — legal participation, separation and return. Below every area that needs one."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity


class Decision(HavenModel):
    """A best-interests assessment (BIA) or determination (BID) (CC-1, CC-2, PS-6)."""

    class Kind(models.TextChoices):
        BIA = "bia", _("Best-interests assessment")
        BID = "bid", _("Best-interests determination (formal, by a panel)")

    class Subject(models.TextChoices):
        CARE = "care", _("The child's care and support in general")
        PLACEMENT = "placement", _("Where the child lives (placement)")
        SEPARATION = "separation", _("Separation from the family")
        RETURN = "return", _("Return to the family or country of origin")
        LEGAL_PARTICIPATION = "legal_participation", _("Taking part in legal proceedings")
        REINTEGRATION = "reintegration", _("The child's recovery and reintegration pathway")
        MEDICAL_WITHOUT_CONSENT = "medical_without_consent", _("Medical care without consent")
        # Overriding the child's "no" to one measure needs a determination about exactly that
        # (CC-3); a refusal of research is never overridden.
        PSYCHOLOGICAL_WITHOUT_CONSENT = (
            "psychological_without_consent",
            _("Psychological support the child refused"),
        )
        INTERVIEW_WITHOUT_CONSENT = "interview_without_consent", _("An interview the child refused")
        SHARING_WITHOUT_CONSENT = (
            "sharing_without_consent",
            _("Sharing information the child refused to share"),
        )
        OTHER = "other", _("Other")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    subject = models.CharField(_("what it decides"), max_length=30, choices=Subject.choices)
    decided_on = models.DateField(_("date"))
    question = EncryptedTextField(_("the question"))
    options = EncryptedTextField(_("the options considered"))
    child_views = EncryptedTextField(_("the child's views, in their words"))
    child_views_weight = EncryptedTextField(
        _("how the child's views were weighed, given their age and maturity")
    )
    child_views_not_obtained = EncryptedTextField(_("why the child's views could not be obtained"))
    family_views = EncryptedTextField(
        _("the views of the family or guardian"), sensitivity=Sensitivity.FAMILY
    )
    risks = EncryptedTextField(_("risks"))
    outcome = EncryptedTextField(_("the decision"))
    justification = EncryptedTextField(_("why it is in the child's best interests"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-created_at"]
        # The table keeps the name it had when decisions were part of protection.
        db_table = "protection_decision"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_subject_display()}"


class DecisionParticipant(models.Model):
    """A named member of the panel that took a determination, or a person consulted."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or organisation"), max_length=200)

    class Meta:
        ordering = ["pk"]
        db_table = "protection_decisionparticipant"

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"
