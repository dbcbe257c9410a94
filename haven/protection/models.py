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
        if self.user_id and not self.name:
            return str(self.user)
        return self.name

    @property
    def ceiling(self) -> int:
        return self.caseload_ceiling or settings.HAVEN_GUARDIAN_CASELOAD_CEILING


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
    end_reason = EncryptedTextField(_("why it ended"), sensitivity=Sensitivity.FAMILY)

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


class PlacementType(models.TextChoices):
    FAMILY = "family", _("With the family")
    KINSHIP = "kinship", _("Kinship care (relatives)")
    FOSTER = "foster", _("Foster care")
    OPEN_SHELTER = "open_shelter", _("Open shelter")
    CLOSED_SHELTER = "closed_shelter", _("Closed shelter")
    INDEPENDENT = "independent", _("Independent or supported living")
    HOSPITAL = "hospital", _("Hospital")
    # Recorded because it happens; never where a child should be (ND-2).
    POLICE_CELL = "police_cell", _("Police cell")
    PRISON = "prison", _("Prison")
    IMMIGRATION_DETENTION = "immigration_detention", _("Immigration detention")
    OTHER_CLOSED = "other_closed", _("Other closed facility")


# A child is never held here (ND-2): recording it raises a critical alert.
DETENTION = frozenset(
    {PlacementType.POLICE_CELL, PlacementType.PRISON, PlacementType.IMMIGRATION_DETENTION}
)
# Shelters are reviewed and time-limited (ND-3).
SHELTERS = frozenset({PlacementType.OPEN_SHELTER, PlacementType.CLOSED_SHELTER})
# The child cannot leave: deprivation of liberty, which the child can challenge (ND-5).
CLOSED = DETENTION | {PlacementType.CLOSED_SHELTER, PlacementType.OTHER_CLOSED}
# Placements that are a decision about where the child lives: taken in the child's best
# interests by a determination (CC-1, PS-6), or urgently with the determination to follow.
DECIDED = frozenset(
    {
        PlacementType.FAMILY,
        PlacementType.KINSHIP,
        PlacementType.FOSTER,
        PlacementType.OPEN_SHELTER,
        PlacementType.CLOSED_SHELTER,
        PlacementType.INDEPENDENT,
    }
)


class PlacementQuerySet(models.QuerySet["Placement"]):
    def current(self) -> "PlacementQuerySet":
        today = timezone.localdate()
        return self.filter(start_on__lte=today).filter(Q(end_on__isnull=True) | Q(end_on__gt=today))


class Placement(HavenModel):
    """Where the child lives, and since when."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements")
    type = models.CharField(_("where"), max_length=24, choices=PlacementType.choices)
    facility = EncryptedTextField(
        _("facility or household"),
        sensitivity=Sensitivity.LOCATION,
        help_text=_("Name and place, as precise as needed to find the child."),
    )
    start_on = models.DateField(_("since"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(_("why it ended"), max_length=300, blank=True)
    decision = models.ForeignKey(
        Decision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("best-interests determination"),
    )
    urgent_reason = EncryptedTextField(_("why it could not wait for a determination"))
    review_on = models.DateField(_("review by"), null=True, blank=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_on", "-created_at"]
        indexes = [
            models.Index(fields=["case", "start_on"], name="placement_case_start_idx"),
            models.Index(fields=["type", "end_on"], name="placement_type_end_idx"),
        ]

    def __str__(self) -> str:
        return self.get_type_display()

    @property
    def is_detention(self) -> bool:
        return self.type in DETENTION

    @property
    def is_closed(self) -> bool:
        return self.type in CLOSED

    @property
    def is_shelter(self) -> bool:
        return self.type in SHELTERS

    @property
    def days(self) -> int:
        """Length of stay so far, or in all (ND-3)."""
        end = self.end_on or timezone.localdate()
        return max((end - self.start_on).days, 0)

    @property
    def review_overdue(self) -> bool:
        return (
            self.review_on is not None
            and self.end_on is None
            and (self.review_on < timezone.localdate())
        )


class PlacementReview(HavenModel):
    """A review of a shelter placement (ND-3): the child's views, whether it is still in the
    child's best interests, and the next review date."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    child_views = EncryptedTextField(_("the child's views, in their words"))
    child_views_not_obtained = EncryptedTextField(_("why the child's views could not be obtained"))
    still_in_best_interests = models.BooleanField(
        _("the placement is still in the child's best interests")
    )
    notes = EncryptedTextField(_("what was considered"))
    next_review_on = models.DateField(_("next review by"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.placement} {self.reviewed_on}"


class Restriction(HavenModel):
    """A restriction on the child's movement, contact, communication or activities, including
    on family contact (ND-4): justified, and reviewed."""

    # Restrictions are mostly about contact with the family (ND-4).
    ROW_SENSITIVITY = Sensitivity.FAMILY

    class Kind(models.TextChoices):
        MOVEMENT = "movement", _("Movement (leaving the placement)")
        CONTACT = "contact", _("Contact with people")
        FAMILY_CONTACT = "family_contact", _("Contact with the family")
        COMMUNICATION = "communication", _("Phone, internet or letters")
        ACTIVITIES = "activities", _("Activities, school or work")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="restrictions")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.PROTECT, related_name="restrictions"
    )
    kind = models.CharField(_("what is restricted"), max_length=16, choices=Kind.choices)
    description = EncryptedTextField(_("the restriction"))
    justification = EncryptedTextField(_("why it is in the child's best interests"))
    decided_by = models.CharField(_("decided by"), max_length=200)
    start_on = models.DateField(_("since"))
    review_on = models.DateField(_("review by"))
    ended_on = models.DateField(_("lifted on"), null=True, blank=True)

    class Meta:
        ordering = ["-start_on", "-created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class FamilyContact(HavenModel):
    """How the child keeps in touch with their family (ND-4): contact is the child's right."""

    ROW_SENSITIVITY = Sensitivity.FAMILY

    class Means(models.TextChoices):
        VISITS = "visits", _("Visits")
        CALLS = "calls", _("Phone or video calls")
        LETTERS = "letters", _("Letters or messages")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="family_contacts")
    with_whom = EncryptedTextField(_("with whom"), sensitivity=Sensitivity.FAMILY)
    means = models.CharField(_("how"), max_length=10, choices=Means.choices)
    frequency = models.CharField(_("how often"), max_length=100)
    supervised = models.BooleanField(_("supervised"), default=False)
    child_views = EncryptedTextField(_("what the child wants"))
    start_on = models.DateField(_("since"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        ordering = ["-start_on", "-created_at"]

    def __str__(self) -> str:
        return self.get_means_display()


class Charge(HavenModel):
    """A charge, sanction or proceeding against the child (ND-1)."""

    ROW_SENSITIVITY = Sensitivity.LEGAL

    class Offence(models.TextChoices):
        ILLEGAL_ENTRY = "illegal_entry", _("Illegal entry")
        ILLEGAL_STAY = "illegal_stay", _("Illegal stay")
        ILLEGAL_WORK = "illegal_work", _("Illegal work")
        COMPELLED = "compelled", _("An offence the child was compelled to commit")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        INVESTIGATION = "investigation", _("Under investigation")
        CHARGED = "charged", _("Charged")
        PROSECUTED = "prosecuted", _("Before a court")
        SANCTIONED = "sanctioned", _("Sanctioned or convicted")
        DROPPED = "dropped", _("Dropped")
        ACQUITTED = "acquitted", _("Acquitted")

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="charges")
    offence = models.CharField(_("offence"), max_length=16, choices=Offence.choices)
    description = EncryptedTextField(_("details"), sensitivity=Sensitivity.LEGAL)
    authority = models.CharField(_("authority"), max_length=200)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices)
    recorded_on = models.DateField(_("date"))
    non_punishment_raised_on = models.DateField(
        _("non-punishment principle raised with the authority on"), null=True, blank=True
    )
    non_punishment_raised_with = models.CharField(_("raised with"), max_length=200, blank=True)

    class Meta:
        ordering = ["-recorded_on", "-created_at"]

    def __str__(self) -> str:
        return self.get_offence_display()


OPEN_CHARGE_STATUSES = (
    Charge.Status.INVESTIGATION,
    Charge.Status.CHARGED,
    Charge.Status.PROSECUTED,
    Charge.Status.SANCTIONED,
)


class LibertyChallenge(HavenModel):
    """A challenge to the child's deprivation of liberty (ND-5) and its decision."""

    ROW_SENSITIVITY = Sensitivity.LEGAL

    class Outcome(models.TextChoices):
        RELEASED = "released", _("Released")
        UPHELD = "upheld", _("Detention upheld")

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="challenges")
    lodged_on = models.DateField(_("lodged on"))
    lodged_with = models.CharField(_("court or authority"), max_length=200)
    lodged_by = models.CharField(_("lodged by (lawyer)"), max_length=200)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    outcome = models.CharField(_("decision"), max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["-lodged_on"]

    def __str__(self) -> str:
        return f"{self.placement} {self.lodged_on}"

    @property
    def days_to_decision(self) -> int | None:
        return (self.decided_on - self.lodged_on).days if self.decided_on else None
