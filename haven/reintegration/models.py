"""Recovery and reintegration (RR-1 … RR-5, RR-8): the child's family, the assessment of it,
the pathway decided in the child's best interests, the safety plan, the reintegration plan with
its services, reviews and follow-up visits, and the transition to independent life at 18.

Every row belongs to one case and is about the child's family and care
(Sensitivity.FAMILY): a reader who may not read family matters on the case sees none of it.
Texts that hold what people said or what is known of them are encrypted."""

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity
from haven.identification.codes import Exploitation

S = Sensitivity


class Relationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    STEP_PARENT = "step_parent", _("Step-parent")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Brother or sister")
    AUNT_UNCLE = "aunt_uncle", _("Aunt or uncle")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other person close to the child")


class Level(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Finding(models.TextChoices):
    NO = "no", _("No")
    SUSPECTED = "suspected", _("Suspected")
    YES = "yes", _("Yes")
    UNKNOWN = "unknown", _("Not known yet")


class Capacity(models.TextChoices):
    ABLE = "able", _("Able to care for the child")
    WITH_SUPPORT = "with_support", _("Able with support")
    UNABLE = "unable", _("Not able to care for the child now")


class PathwayKind(models.TextChoices):
    """The pathways of RR-1, family-based first; residential care is the last resort."""

    REUNIFICATION = "reunification", _("Return to the family (reunification)")
    KINSHIP = "kinship", _("Kinship care (with relatives)")
    FAMILY_BASED = "family_based", _("Foster or other family-based care")
    INDEPENDENT = "independent", _("Supervised independent living (older youth)")
    RESIDENTIAL = "residential", _("Residential care (last resort)")


# The pathways that place the child with their own family: a family member implicated in the
# trafficking must be addressed by the determination (RR-3).
WITH_FAMILY = frozenset({PathwayKind.REUNIFICATION, PathwayKind.KINSHIP})


class RiskSource(models.TextChoices):
    TRAFFICKERS = "traffickers", _("Traffickers or their associates")
    PRACTITIONERS = "practitioners", _("Practitioners or officials")
    FAMILY = "family", _("Family")
    COMMUNITY = "community", _("Community (stigma, peers, employers)")
    ONLINE = "online", _("Online")


class PlanKind(models.TextChoices):
    REINTEGRATION = "reintegration", _("Reintegration plan")
    TRANSITION = "transition", _("Transition to independent life (turning 18)")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class FamilyMember(HavenModel):
    """A member of the child's family, or another person close to them (RR-3). Whether they
    were implicated in the trafficking, and whether contact with them is safe, can change as
    more becomes known: `implicated_at` records when Haven first learned of it."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="family_members")
    name = EncryptedTextField(_("name"), sensitivity=S.FAMILY)
    relationship = models.CharField(
        _("who they are to the child"), max_length=20, choices=Relationship.choices
    )
    contact = EncryptedTextField(_("how to reach them"), sensitivity=S.FAMILY)
    implicated = models.BooleanField(_("implicated in the trafficking"), default=False)
    implicated_at = models.DateTimeField(_("recorded as implicated on"), null=True, blank=True)
    safe_contact = models.BooleanField(_("contact is safe for the child"), default=True)
    notes = EncryptedTextField(_("what is known"), sensitivity=S.FAMILY)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.get_relationship_display()


class FamilyAssessment(HavenModel):
    """An assessment of the family (RR-3): safety, abuse, complicity, capacity and needs."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="family_assessments"
    )
    assessed_on = models.DateField(_("assessed on"))
    safety = models.CharField(
        _("risk to the child's safety in the family"), max_length=10, choices=Level.choices
    )
    abuse = models.CharField(_("abuse or neglect"), max_length=10, choices=Finding.choices)
    complicity = models.CharField(
        _("complicity in the trafficking"), max_length=10, choices=Finding.choices
    )
    capacity = models.CharField(_("capacity to care"), max_length=20, choices=Capacity.choices)
    needs = EncryptedTextField(_("what the family needs"), sensitivity=S.FAMILY)
    child_views = EncryptedTextField(_("the child's views about their family"))

    class Meta:
        ordering = ["-assessed_on", "-created_at"]


class Pathway(HavenModel):
    """The pathway the child's needs, wishes and risks define (RR-1), decided by a
    best-interests determination (CC-1, PS-6) with the child's views (CC-2). The latest one
    stands; `carried_out_on` is when it happened (RR-2)."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="pathways")
    kind = models.CharField(_("pathway"), max_length=20, choices=PathwayKind.choices)
    decided_on = models.DateField(_("decided on"))
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.PROTECT, related_name="pathways"
    )
    reasons = EncryptedTextField(_("the needs, wishes and risks that point to it"))
    child_views = EncryptedTextField(_("the child's views, in their words"))
    # Required when a family member is recorded as implicated and the pathway is with the
    # family: how the determination deals with it (RR-3).
    implicated_addressed = EncryptedTextField(
        _("how the determination deals with the family member implicated"),
        sensitivity=S.FAMILY,
    )
    # Residential care is the last resort (RR-1): why no family-based care serves the child.
    last_resort_reason = EncryptedTextField(_("why no family-based care serves the child now"))
    carried_out_on = models.DateField(_("carried out on"), null=True, blank=True)

    class Meta:
        ordering = ["-decided_on", "-created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class SafetyPlan(HavenModel):
    """The child's safety plan (RR-4), written with the child: the risks, where they come from,
    what keeps the child safe, in the child's words too. Reviewing it records it again: the
    latest stands, and its review date is the one that counts."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="safety_plans")
    agreed_on = models.DateField(_("agreed on"))
    sources = models.JSONField(_("where the risks come from"), default=list)
    risks = EncryptedTextField(_("the risks"))
    measures = EncryptedTextField(_("what keeps the child safe"))
    child_words = EncryptedTextField(_("the child's own words"))
    review_on = models.DateField(_("review by"))

    class Meta:
        ordering = ["-agreed_on", "-created_at"]


class ReintegrationPlan(HavenModel):
    """A reintegration plan (RR-5), or the transition plan to independent life of a young
    person turning 18 (RR-8): goals in the child's words, who is responsible, when it is
    reviewed and when the first follow-up visit is."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="reintegration_plans"
    )
    kind = models.CharField(_("kind of plan"), max_length=20, choices=PlanKind.choices)
    agreed_on = models.DateField(_("agreed on"))
    goals = EncryptedTextField(_("the goals, in the child's words"))
    responsible = EncryptedTextField(_("who is responsible for what"))
    review_on = models.DateField(_("first review by"))
    first_visit_on = models.DateField(_("first follow-up visit by"))

    class Meta:
        ordering = ["-agreed_on", "-created_at"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PlanService(HavenModel):
    """A service of the plan, in the community where it can be, for the child or for a member
    of the family (RR-3, RR-5): work for a parent, school for a sibling."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.PROTECT, related_name="services")
    family_member = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )
    description = models.CharField(_("the service"), max_length=200)
    provider = models.CharField(_("who provides it"), max_length=200)
    in_community = models.BooleanField(_("in the community (not in a shelter)"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=ServiceStatus.choices)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.description


class PlanReview(HavenModel):
    """A review of the plan (RR-5): the progress, the child's view, the next review date."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("reviewed on"))
    progress = EncryptedTextField(_("progress towards the goals"))
    child_views = EncryptedTextField(_("the child's view"))
    next_review_on = models.DateField(_("next review by"))

    class Meta:
        ordering = ["-reviewed_on", "-created_at"]


class FollowUpVisit(HavenModel):
    """A follow-up visit (RR-5): what was seen, what the child said, when the next one is."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    plan = models.ForeignKey(ReintegrationPlan, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    visited_by = models.CharField(_("visited by"), max_length=200)
    observations = EncryptedTextField(_("what was observed"))
    child_views = EncryptedTextField(_("the child's view"))
    next_visit_on = models.DateField(_("next visit by"))

    class Meta:
        ordering = ["-visited_on", "-created_at"]


class Retrafficking(HavenModel):
    """The child was found back in exploitation (RR-6): when, in which forms, and what is known.
    Recorded on the child's case, which reopens if it was closed: the child comes back to the
    same record, with everything known before, and is not registered again."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="retrafficking")
    occurred_on = models.DateField(_("found back in exploitation on"))
    forms = models.JSONField(_("forms of exploitation"), default=list)
    notes = EncryptedTextField(_("what is known"))

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("return to exploitation")

    @property
    def form_labels(self) -> list[str]:
        return [str(Exploitation(code).label) for code in self.forms]


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("A visit where the child was living")
    PHONE = "phone", _("A phone call or message to the child")
    FAMILY = "family", _("Through the family")
    SCHOOL = "school", _("Through the school, work or community")
    AGENCY = "agency", _("Through another agency")
    OTHER = "other", _("Another way")


class ContactAttempt(HavenModel):
    """An attempt to reach a child the case has lost touch with (RR-5, RR-6). A case closes as
    "contact lost" only after the attempts the closing check asks for are recorded."""

    ROW_SENSITIVITY: ClassVar[Sensitivity] = S.FAMILY

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="contact_attempts"
    )
    attempted_on = models.DateField(_("tried on"))
    method = models.CharField(_("how"), max_length=10, choices=ContactMethod.choices)
    notes = EncryptedTextField(_("what was done, and what was learnt"))

    class Meta:
        ordering = ["-attempted_on", "-created_at"]
        verbose_name = _("attempt to reach the child")
