"""Where the child lives (ND-1 … ND-5): placements and their reviews, restrictions and family
contact, charges against the child and challenges to detention. The tables keep the names they
had in protection."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity
from haven.decisions.models import Decision


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


class Liberty(models.TextChoices):
    """Whether the child can leave the place (ND-2, ND-3, ND-5). Decided from the facility's
    nature, not from its name: a "hospital" with a locked ward, or an "open" shelter whose
    doors are locked, deprives the child of liberty as surely as a closed shelter."""

    FREE = "free", _("The child can leave when they want")
    DEPRIVED = "deprived", _("The child cannot leave (locked in, guarded or not allowed out)")
    CUSTODY = "custody", _("Criminal or immigration custody (police, prison, immigration)")


# What a kind of place is at the least, whatever is answered: a police cell is custody, a
# closed shelter deprives the child of liberty. The practitioner's answer can only add to it.
LIBERTY_FLOOR = {
    PlacementType.POLICE_CELL: Liberty.CUSTODY,
    PlacementType.PRISON: Liberty.CUSTODY,
    PlacementType.IMMIGRATION_DETENTION: Liberty.CUSTODY,
    PlacementType.CLOSED_SHELTER: Liberty.DEPRIVED,
    PlacementType.OTHER_CLOSED: Liberty.DEPRIVED,
}
_LIBERTY_ORDER = (Liberty.FREE, Liberty.DEPRIVED, Liberty.CUSTODY)


def effective_liberty(type: str, answer: str = "") -> str:
    """The stricter of the kind of place and the practitioner's answer to "can the child
    leave?": a place is never recorded as freer than its kind."""
    floor = (
        LIBERTY_FLOOR.get(PlacementType(type), Liberty.FREE)
        if type in PlacementType.values
        else Liberty.FREE
    )
    if answer not in Liberty.values:
        return floor
    return max(floor, Liberty(answer), key=_LIBERTY_ORDER.index)


# The child cannot leave: deprivation of liberty, which gets a review date, a determination,
# legal assistance and a route to challenge it (ND-3, ND-5).
NOT_FREE = (Liberty.DEPRIVED, Liberty.CUSTODY)
# Types that are always custody: a child is never held there (ND-2). Kept for the lists and
# the demo; the rules read `liberty`, which covers any other place of custody too.
DETENTION = frozenset(t for t, floor in LIBERTY_FLOOR.items() if floor == Liberty.CUSTODY)
# Shelters are reviewed and time-limited (ND-3).
SHELTERS = frozenset({PlacementType.OPEN_SHELTER, PlacementType.CLOSED_SHELTER})
# Placements that are a decision about where the child lives: taken in the child's best
# interests by a determination (CC-1, PS-6), or urgently with the determination to follow.
# Any placement that deprives the child of liberty without being custody is such a decision too
# (`needs_determination`); custody is never a decision Haven records as taken for the child.
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


# The determinations that decide where a child lives (CC-1, PS-6): about the placement itself,
# a separation from the family, or a return to it. Never one about legal participation.
PLACEMENT_SUBJECTS = (
    Decision.Subject.PLACEMENT,
    Decision.Subject.SEPARATION,
    Decision.Subject.RETURN,
)


def needs_determination(type: str, liberty: str) -> bool:
    """CC-1, PS-6: a placement decided for the child rests on a determination."""
    return liberty != Liberty.CUSTODY and (type in DECIDED or liberty == Liberty.DEPRIVED)


def needs_review(type: str, liberty: str) -> bool:
    """ND-3, ND-5: a shelter, and any place the child cannot leave, has a review date."""
    return liberty != Liberty.CUSTODY and (type in SHELTERS or liberty == Liberty.DEPRIVED)


def determination_q() -> Q:
    return ~Q(liberty=Liberty.CUSTODY) & (Q(type__in=list(DECIDED)) | Q(liberty=Liberty.DEPRIVED))


def review_q() -> Q:
    return ~Q(liberty=Liberty.CUSTODY) & (Q(type__in=list(SHELTERS)) | Q(liberty=Liberty.DEPRIVED))


class PlacementEndReason(models.TextChoices):
    """Why a placement ended. There is deliberately no reason about the child's cooperation
    with the authorities: a child's place to live never depends on it (CC-8, VW-8)."""

    MOVED = "moved", _("The child moved to another place")
    FAMILY = "family", _("The child returned to the family")
    RELEASED = "released", _("Released from custody or by a decision")
    NOT_IN_BEST_INTERESTS = "not_best_interests", _("No longer in the child's best interests")
    PLACE_CANNOT_CARE = (
        "place_cannot_care",
        _("The place closed or can no longer care for the child"),
    )
    TURNED_18 = "turned_18", _("The child turned 18 and chose where to live")
    LEFT = "left", _("The child left or went missing")
    OTHER = "other", _("Other (describe)")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def current(self) -> "PlacementQuerySet":
        today = timezone.localdate()
        return self.filter(start_on__lte=today).filter(Q(end_on__isnull=True) | Q(end_on__gt=today))


class Placement(HavenModel):
    """Where the child lives, and since when.

    Whereabouts (DP-1, DP-9): even the kind of place ("open shelter since…") tells a trafficker
    where to look, so a placement is LOCATION as a whole. A place the child cannot leave is also
    a legal matter: a lawyer who may not read whereabouts still sees it, to challenge the
    deprivation of liberty (ND-5). Custody is hidden from nobody on the case: every practitioner
    who sees the child must be able to act on a child held there (ND-2), and the police who
    hold the child know it already. The facility is LOCATION field by field, always."""

    ROW_SENSITIVITY = Sensitivity.LOCATION

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements")
    type = models.CharField(_("where"), max_length=24, choices=PlacementType.choices)
    liberty = models.CharField(
        _("can the child leave?"),
        max_length=10,
        choices=Liberty.choices,
        default=Liberty.FREE,
        help_text=_("Never freer than the kind of place: a police cell is always custody."),
    )
    facility = EncryptedTextField(
        _("facility or household"),
        sensitivity=Sensitivity.LOCATION,
        help_text=_("Name and place, as precise as needed to find the child."),
    )
    start_on = models.DateField(_("since"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    end_reason_code = models.CharField(
        _("why it ended"), max_length=20, choices=PlacementEndReason.choices, blank=True
    )
    end_reason = models.CharField(_("details"), max_length=300, blank=True)
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
        db_table = "protection_placement"  # its name from before placements had their own app
        ordering = ["-start_on", "-created_at"]
        indexes = [
            models.Index(fields=["case", "start_on"], name="placement_case_start_idx"),
            models.Index(fields=["type", "end_on"], name="placement_type_end_idx"),
            models.Index(fields=["liberty", "end_on"], name="placement_liberty_end_idx"),
        ]

    def __str__(self) -> str:
        return self.get_type_display()

    def readable_with(self, classes: frozenset[Sensitivity] | set[Sensitivity]) -> bool:
        if Sensitivity.LOCATION in classes or self.is_detention:
            return True
        return Sensitivity.LEGAL in classes and self.is_closed

    @property
    def is_detention(self) -> bool:
        """Criminal or immigration custody: never for a child (ND-2)."""
        return self.liberty == Liberty.CUSTODY

    @property
    def is_closed(self) -> bool:
        """The child cannot leave: a deprivation of liberty (ND-5)."""
        return self.liberty in NOT_FREE

    @property
    def is_reviewed(self) -> bool:
        return needs_review(self.type, self.liberty)

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

    def readable_with(self, classes: frozenset[Sensitivity] | set[Sensitivity]) -> bool:
        """A review is read with its placement."""
        return self.placement.readable_with(classes)

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
        db_table = "protection_placementreview"  # its name from before placements had their own app
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
        db_table = "protection_restriction"  # its name from before placements had their own app
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
        db_table = "protection_familycontact"  # its name from before placements had their own app
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
        db_table = "protection_charge"  # its name from before placements had their own app
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
        db_table = (
            "protection_libertychallenge"  # its name from before placements had their own app
        )
        ordering = ["-lodged_on"]

    def __str__(self) -> str:
        return f"{self.placement} {self.lodged_on}"

    @property
    def days_to_decision(self) -> int | None:
        return (self.decided_on - self.lodged_on).days if self.decided_on else None
