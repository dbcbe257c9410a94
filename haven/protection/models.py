"""Protection and support (PS-1 … PS-7, CC-1, CC-2, CC-5, CC-8, CC-11).

Best-interests assessments and determinations, guardianship, needs and strengths, and the services
a child (or their family) receives. No field here makes help depend on the child's cooperation
with the authorities or on nationality: a test scans these models and the rules to prove it
(CC-4, CC-8).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity
from haven.decisions.models import Decision


class Guardian(HavenModel):
    """A person who can be appointed guardian: a Haven user (who then sees the case) or a person
    recorded by the agency, e.g. a court-appointed relative or a volunteer guardian."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="guardian_profiles",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    contact = EncryptedTextField(_("how to reach them"), sensitivity=Sensitivity.FAMILY)
    caseload_ceiling = models.PositiveSmallIntegerField(
        _("most children at once"),
        null=True,
        blank=True,
        help_text=_("Leave empty for the agency's usual ceiling."),
    )
    is_active = models.BooleanField(_("available"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "user"],
                condition=Q(user__isnull=False),
                name="guardian_one_profile_per_user",
            )
        ]

    def __str__(self) -> str:
        return self.named(self.name, str(self.user) if self.user_id else "")

    @property
    def ceiling(self) -> int:
        return self.ceiling_of(self.caseload_ceiling)

    # The two rules below, for lists that read guardians as values rather than instances (the
    # dashboard's 17,000 guardians of an agency, reports.selectors.guardian_loads).
    @staticmethod
    def named(name: str, account: str) -> str:
        """How a guardian is called: their own name, else their account's (str of the User)."""
        return name or account

    @staticmethod
    def ceiling_of(caseload_ceiling: int | None) -> int:
        """The most children a guardian holds at once: their own ceiling, else the agency's."""
        return caseload_ceiling or settings.HAVEN_GUARDIAN_CASELOAD_CEILING


class GuardianshipEndReason(models.TextChoices):
    """Why a guardianship ended. There is deliberately no reason about the child's cooperation
    with the authorities (CC-8, VW-8)."""

    PARENT_ABLE = "parent_able", _("A parent can act for the child again")
    TURNED_18 = "turned_18", _("The child turned 18")
    REPLACED = "replaced", _("Another guardian was appointed")
    GUARDIAN_UNABLE = "guardian_unable", _("The guardian can no longer act")
    CONFLICT = "conflict", _("A conflict of interest was found")
    TRANSFERRED = "transferred", _("The case was handed over elsewhere")
    OTHER = "other", _("Other (describe)")


class GuardianAppointmentQuerySet(models.QuerySet["GuardianAppointment"]):
    def current(self) -> "GuardianAppointmentQuerySet":
        return self.filter(ended_on__isnull=True)


class GuardianAppointment(HavenModel):
    """A guardian appointed for the child (PS-1), within the guardian's caseload (PS-2)."""

    # Who stands in for the parents is family information.
    ROW_SENSITIVITY = Sensitivity.FAMILY

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="guardian_appointments"
    )
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="appointments")
    appointed_on = models.DateField(_("appointed on"))
    appointed_by = models.CharField(
        _("appointed by"), max_length=200, help_text=_("The court or authority that appointed.")
    )
    reason = EncryptedTextField(_("why the child needs a guardian"), sensitivity=Sensitivity.FAMILY)
    over_ceiling_reason = EncryptedTextField(_("why the caseload ceiling is exceeded"))
    over_ceiling_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason_code = models.CharField(
        _("why it ended"), max_length=20, choices=GuardianshipEndReason.choices, blank=True
    )
    end_reason = EncryptedTextField(_("details"), sensitivity=Sensitivity.FAMILY)

    objects = GuardianAppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["-appointed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(ended_on__isnull=True),
                name="guardian_one_current_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.appointed_on})"


class Domain(models.TextChoices):
    PHYSICAL = "physical", _("Physical health")
    PSYCHOLOGICAL = "psychological", _("Psychological well-being")
    SOCIAL = "social", _("Family and social")
    LEGAL = "legal", _("Legal")
    EDUCATIONAL = "educational", _("Education")
    ECONOMIC = "economic", _("Economic")


class SpecialNeed(models.TextChoices):
    """Children who need special attention (CC-5)."""

    VERY_YOUNG = "very_young", _("A very young child")
    DISABILITY = "disability", _("A child with a disability")
    SEVERE_HARM = "severe_harm", _("Severe exploitation or abuse")


class NeedsAssessment(HavenModel):
    """Needs and strengths across six domains, repeated over time (PS-7)."""

    # What the child needs and has been through.
    ROW_SENSITIVITY = Sensitivity.NARRATIVE

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="needs_assessments"
    )
    assessed_on = models.DateField(_("date"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    child_views = EncryptedTextField(_("what the child says they need and want"))
    severe_harm = models.BooleanField(
        _("the child suffered severe exploitation or abuse"), default=False
    )
    # Special needs as found at this assessment (CC-5): very young and disability are taken
    # from the child's record, severe harm from the assessor's answer above.
    special_needs = models.JSONField(default=list, editable=False)
    next_review_on = models.DateField(_("assess again by"), null=True, blank=True)

    class Meta:
        ordering = ["-assessed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.case} {self.assessed_on}"

    @property
    def special_need_labels(self) -> list[str]:
        labels = dict(SpecialNeed.choices)
        return [str(labels.get(code, code)) for code in self.special_needs]


class NeedsFinding(models.Model):
    class Level(models.TextChoices):
        NONE = "none", _("No need")
        SOME = "some", _("Some need")
        HIGH = "high", _("High need")

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="findings"
    )
    domain = models.CharField(_("domain"), max_length=16, choices=Domain.choices)
    level = models.CharField(_("level of need"), max_length=6, choices=Level.choices)
    needs = EncryptedTextField(_("needs and vulnerabilities"))
    strengths = EncryptedTextField(_("strengths and resilience"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="needs_one_per_domain")
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.level}"


class ServiceType(models.TextChoices):
    """HTCDS 2.0 support-plan types, with accommodation and psychological support, which the
    guide names among the first protections."""

    ACCOMMODATION = "Accommodation", _("Safe accommodation")
    HEALTH = "Health", _("Health care")
    PSYCHOLOGICAL = "Psychological", _("Psychological support")
    SOCIAL_CARE = "SocialCare", _("Social care")
    LEGAL = "Legal", _("Legal assistance")
    EDUCATION = "Education", _("Education")
    LIVELIHOOD = "Livelihood", _("Livelihood and vocational training")
    FINANCIAL = "Financial", _("Financial support")
    RIGHTS_TRAINING = "RightsBasedTraining", _("Rights-based training")
    LABOUR_REHAB = "LabourExploitationRehabilitation", _("Rehabilitation after labour exploitation")
    SEXUAL_REHAB = "SexualExploitationRehabilitation", _("Rehabilitation after sexual exploitation")
    FAMILY_TRACING = "FamilyTracing", _("Family tracing")
    OTHER = "Other", _("Other")


class HealthProcedure(models.TextChoices):
    EXAMINATION = "examination", _("Medical examination")
    TESTING = "testing", _("Medical testing")
    TREATMENT = "treatment", _("Medical treatment")
    OTHER = "other", _("Other health care")


# Health care that needs the child's informed consent (PS-4), by the consent purpose it needs.
CONSENT_NEEDED = {
    HealthProcedure.EXAMINATION: "medical_examination",
    HealthProcedure.TESTING: "medical_testing",
    HealthProcedure.TREATMENT: "medical_treatment",
}


class ServiceStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Under way")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined by the child")
    NOT_DELIVERED = "not_delivered", _("Not delivered")


ACTIVE_SERVICE_STATUSES = (ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS)


class NotDeliveredReason(models.TextChoices):
    """Why a service was not delivered. There is deliberately no reason about the child's
    cooperation with the authorities: help never depends on it (CC-8)."""

    NOT_AVAILABLE = "not_available", _("Not available where the child is")
    NO_LONGER_NEEDED = "no_longer_needed", _("No longer needed")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")
    CHILD_MOVED = "child_moved", _("The child moved")
    OTHER = "other", _("Other (describe)")


class Recipient(models.TextChoices):
    CHILD = "child", _("For the child")
    FAMILY = "family", _("For a family member")


# Which sensitivity class a service's details belong to, by type (DP-1): a health worker sees
# the health care, a lawyer the legal assistance; the rest is case basics.
SERVICE_SENSITIVITY: dict[str, Sensitivity] = {
    ServiceType.HEALTH: Sensitivity.HEALTH,
    ServiceType.PSYCHOLOGICAL: Sensitivity.HEALTH,
    ServiceType.LEGAL: Sensitivity.LEGAL,
    ServiceType.ACCOMMODATION: Sensitivity.LOCATION,
    ServiceType.FAMILY_TRACING: Sensitivity.FAMILY,
}


def legal_assistance_q() -> Q:
    """Services that are the child's legal assistance: legal aid planned, under way or done
    (ND-1, ND-5). The pages and the rules read the same fact through this."""
    return Q(
        recipient=Recipient.CHILD,
        type=ServiceType.LEGAL,
        status__in=(ServiceStatus.PLANNED, ServiceStatus.IN_PROGRESS, ServiceStatus.COMPLETED),
    )


class Service(HavenModel):
    """Protection or support delivered to the child or a family member (PS-3)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="services")
    recipient = models.CharField(
        _("for whom"), max_length=8, choices=Recipient.choices, default=Recipient.CHILD
    )
    family_member = models.CharField(_("family member (relationship)"), max_length=200, blank=True)
    type = models.CharField(_("type"), max_length=40, choices=ServiceType.choices)
    health_procedure = models.CharField(
        _("health care"), max_length=12, choices=HealthProcedure.choices, blank=True
    )
    description = EncryptedTextField(_("details"))
    provider = models.CharField(_("provider"), max_length=200)
    start_on = models.DateField(_("starts"))
    end_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=ServiceStatus.choices)
    not_delivered_reason = models.CharField(
        _("why not delivered"), max_length=20, choices=NotDeliveredReason.choices, blank=True
    )
    reason_detail = models.CharField(_("more about why"), max_length=500, blank=True)
    special_need = models.CharField(
        _("special need it addresses"), max_length=12, choices=SpecialNeed.choices, blank=True
    )
    # The consent purpose this care needs (PS-4), kept so rules can query it.
    consent_purpose = models.CharField(max_length=30, blank=True, editable=False)
    urgent_reason = EncryptedTextField(
        _("why it was urgent (care given to protect the child's life or health)"),
        sensitivity=Sensitivity.HEALTH,
    )
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("best-interests determination"),
    )

    class Meta:
        ordering = ["-start_on", "-created_at"]
        indexes = [models.Index(fields=["case", "status"], name="service_case_status_idx")]

    def __str__(self) -> str:
        return self.get_type_display()

    @property
    def row_sensitivity(self) -> Sensitivity:
        """A health worker sees health care, a lawyer legal assistance (SERVICE_SENSITIVITY)."""
        return SERVICE_SENSITIVITY.get(self.type, Sensitivity.BASIC)

    @property
    def is_over(self) -> bool:
        return self.end_on is not None and self.end_on < timezone.localdate()


# ---------------------------------------------------------------- placements (ND-1 … ND-5)
