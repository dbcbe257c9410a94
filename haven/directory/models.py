"""The service directory and referrals between agencies (CC-15, DP-2, DP-5, DP-9, DP-16).

A `ServiceOffer` is one line of the guide's "Service directory" worksheet: type of service,
provider, target group (age, gender, form of exploitation), languages, location and contact.
Nothing in an offer's target group, nor in the search, can name a nationality (CC-4).

A `SharingAssessment` records the risk assessment an agency makes before it shares children's
data with another agency (DP-16); the latest one for a pair decides.

A `Referral` sends a child from the case's lead agency to another agency's service, with a
consent in force or a recorded legal basis (DP-5), and only the sensitivity classes the
practitioner chose (DP-9). Until the receiving agency accepts it, they see only what the inbox
shows (service, urgency, age band, gender, languages needed, the reason); accepting it gives the
accepting person a referral-recipient assignment, which grants only those classes and only
while the sharing basis holds (haven.cases.access.granting_assignments).
"""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.audit.status import StatusMachine
from haven.children.models import Gender
from haven.core.codes import languages
from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity
from haven.protection.models import ServiceType


class OfferQuerySet(models.QuerySet["ServiceOffer"]):
    def active(self) -> "OfferQuerySet":
        return self.filter(is_active=True)


# The fields of a directory entry that its agency edits, in the form's order.
OFFER_FIELDS = (
    "service_type",
    "name",
    "description",
    "min_age",
    "max_age",
    "genders",
    "forms",
    "languages",
    "area",
    "country",
    "contact",
)


class ServiceOffer(HavenModel):
    """A service an agency offers to children, as the directory lists it (CC-15)."""

    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="offers", verbose_name=_("agency")
    )
    service_type = models.CharField(
        _("type of service"), max_length=40, choices=ServiceType.choices
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Target group. Empty lists and missing ages mean "any".
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("to age"), null=True, blank=True)
    genders = models.JSONField(_("genders"), default=list, blank=True)
    forms = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    area = models.CharField(_("area or location"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    is_active = models.BooleanField(_("taking referrals"), default=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("service offer")
        ordering = ["service_type", "name"]
        indexes = [models.Index(fields=["is_active", "service_type"], name="offer_active_type_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age__isnull=True)
                | models.Q(max_age__isnull=True)
                | models.Q(min_age__lte=models.F("max_age")),
                name="offer_age_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def serves_age(self, age: int | None) -> bool:
        if age is None:
            return True
        return (self.min_age is None or self.min_age <= age) and (
            self.max_age is None or age <= self.max_age
        )


class SharingAssessment(HavenModel):
    """A data-sharing risk assessment before children's data goes to another agency (DP-16)."""

    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    risks = models.TextField(_("risks"))
    safeguards = models.TextField(_("safeguards"))
    approved = models.BooleanField(_("sharing approved"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))

    class Meta:
        verbose_name = _("data-sharing assessment")
        ordering = ["-decided_at", "-pk"]
        indexes = [
            models.Index(fields=["from_agency", "to_agency", "decided_at"], name="sharing_pair_idx")
        ]


class LegalBasis(models.TextChoices):
    """Grounds for sharing without consent (DP-5)."""

    VITAL_INTEREST = "vital_interest", _("Vital interest (the child's life or safety)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    MANDATORY_REPORT = "mandatory_report", _("Mandatory report")


class AgeBand(models.TextChoices):
    UNDER_6 = "0-5", _("0–5 years")
    CHILD = "6-11", _("6–11 years")
    YOUNG_TEEN = "12-14", _("12–14 years")
    OLDER_TEEN = "15-17", _("15–17 years")
    ADULT_AGE = "18+", _("18 or over (presumed child)")
    UNKNOWN = "unknown", _("Age not known")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CLOSED = "closed", _("Closed")


class DeclineReason(models.TextChoices):
    """Why an agency declines a referral. There is deliberately no reason about the child's
    cooperation with the authorities (CC-8, VW-8)."""

    NO_CAPACITY = "no_capacity", _("No place or capacity now")
    OUTSIDE_SERVICE = "outside_service", _("Outside what the service offers (age, area, need)")
    SERVICE_SUSPENDED = "service_suspended", _("The service is suspended")
    CHILD_DISAGREES = "child_disagrees", _("The child does not want this service")
    OTHER = "other", _("Other (describe)")


class ReferralEndReason(models.TextChoices):
    """Why a referral is withdrawn or closed (CC-8, VW-8: never the child's cooperation)."""

    SERVICE_COMPLETED = "service_completed", _("The service was given and is over")
    NO_LONGER_NEEDED = "no_longer_needed", _("The child no longer needs it")
    CHILD_DISAGREES = "child_disagrees", _("The child does not want this service")
    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred to another service")
    CHILD_MOVED = "child_moved", _("The child moved")
    OTHER = "other", _("Other (describe)")


class SharingBasis(models.Model):
    """What another agency may read, and on what grounds (DP-5, DP-9): the sensitivity classes
    agreed (case basics always) and a consent that names the agency or a justified legal basis.
    A referral and a transfer of a case carry it alike."""

    data_points = models.JSONField(_("information shared"), default=list)
    consent = models.ForeignKey(
        "consent.Consent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, blank=True
    )
    legal_basis_justification = EncryptedTextField(_("why sharing cannot wait for consent"))

    class Meta:
        abstract = True

    @property
    def data_point_labels(self) -> list[str]:
        labels = dict(Sensitivity.choices)
        return [str(labels.get(p, p)) for p in self.data_points]

    @property
    def basis_label(self) -> str:
        if self.legal_basis:
            return str(self.get_legal_basis_display())  # type: ignore[attr-defined]
        return str(_("Consent to share information"))

    def sharing_in_force(self) -> bool:
        """Whether the basis still holds: a legal basis, or the consent in force (DP-5)."""
        if self.legal_basis:
            return True
        consent = self.consent
        return consent is not None and consent.state in ("granted", "overridden")


class Referral(StatusMachine, SharingBasis, HavenModel):
    """A child referred from the case's lead agency to another agency's service (CC-15)."""

    # Allowed status changes (STYLE: transitions as a map).
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        ReferralStatus.SENT: frozenset(
            {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WITHDRAWN}
        ),
        ReferralStatus.ACCEPTED: frozenset({ReferralStatus.WITHDRAWN, ReferralStatus.CLOSED}),
        ReferralStatus.DECLINED: frozenset(),
        ReferralStatus.WITHDRAWN: frozenset(),
        ReferralStatus.CLOSED: frozenset(),
    }

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="incoming_referrals",
        verbose_name=_("to"),
    )
    offer = models.ForeignKey(
        ServiceOffer, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    service_type = models.CharField(
        _("type of service"), max_length=40, choices=ServiceType.choices
    )
    reason = EncryptedTextField(_("reason and needs"))
    urgent = models.BooleanField(_("urgent"), default=False)
    # What the receiving agency sees before it accepts: no name, no birth date (DP-9).
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices)
    gender = models.CharField(_("gender"), max_length=30, blank=True)
    languages = models.JSONField(_("languages needed"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    reason_code = models.CharField(
        _("why it was declined, withdrawn or closed"), max_length=20, blank=True
    )
    decline_reason = EncryptedTextField(_("why it was declined"))
    end_reason = EncryptedTextField(_("why it was withdrawn or closed"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The access the acceptance gave (ended on withdrawal or closing).
    assignment = models.OneToOneField(
        "cases.CaseAssignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    ended_at = models.DateTimeField(_("withdrawn or closed"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("referral")
        ordering = ["-sent_at"]
        indexes = [
            models.Index(fields=["to_agency", "status"], name="referral_inbox_idx"),
            models.Index(fields=["case", "sent_at"], name="referral_case_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_agency=models.F("to_agency")),
                name="referral_not_to_own_agency",
            ),
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False) | ~models.Q(legal_basis=""),
                name="referral_has_sharing_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_type_display()} → {self.to_agency}"

    def transition_refused(self, to: str) -> ValidationError:
        return ValidationError(
            gettext("This referral is %(status)s: it cannot be changed that way.")
            % {"status": self.get_status_display().lower()}
        )

    @property
    def language_labels(self) -> list[str]:
        names = dict(languages())
        return [names.get(code, code) for code in self.languages]

    @property
    def gender_label(self) -> str:
        return str(dict(Gender.choices).get(self.gender, self.gender))


class TransferKind(models.TextChoices):
    AGENCY = "agency", _("To another agency")
    RETURN = "return", _("Return to the child's country of origin (cross-border)")


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested: waiting for the receiving agency")
    ACCEPTED = "accepted", _("Accepted: the receiving agency leads the child's case")
    DECLINED = "declined", _("Declined by the receiving agency")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Transfer(StatusMachine, SharingBasis, HavenModel):
    """A child's case handed over to another agency (RR-7, DP-9): requested by the lead agency
    with a sharing basis and the data points agreed, accepted by the receiving agency. On
    acceptance the sending case closes as handed over and a case for the same child opens in the
    receiving agency (haven.cases.services.case_hand_over); the receiving agency reads the
    sending case through a referral of the agreed data points, for as long as the basis holds.
    The sending agency keeps its closed case and this record of what it sent. A cross-border
    return also needs a risk assessment of the destination, the child's views and a
    best-interests determination about the return (RR-7, CC-2). The fields are what a package
    between two Haven installations would carry; sending one is another transport."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        TransferStatus.REQUESTED: frozenset(
            {TransferStatus.ACCEPTED, TransferStatus.DECLINED, TransferStatus.WITHDRAWN}
        ),
    }

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="transfers")
    from_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    to_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        verbose_name=_("to"),
    )
    kind = models.CharField(_("kind of transfer"), max_length=10, choices=TransferKind.choices)
    reason = EncryptedTextField(_("why the case is handed over"))
    age_band = models.CharField(_("age"), max_length=8, choices=AgeBand.choices)
    # A return across a border (RR-7).
    destination_risks = EncryptedTextField(
        _("risks at the destination, and how they are met"), sensitivity=Sensitivity.FAMILY
    )
    child_views = EncryptedTextField(
        _("what the child says about going back"), sensitivity=Sensitivity.NARRATIVE
    )
    decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("best-interests determination about the return"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=TransferStatus.choices,
        default=TransferStatus.REQUESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decision_note = EncryptedTextField(_("why it was declined or withdrawn"))
    new_case = models.OneToOneField(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transferred_from",
    )
    referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="transfer"
    )

    class Meta:
        verbose_name = _("transfer of a case to another agency")
        verbose_name_plural = _("transfers of cases to other agencies")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="requested"),
                name="one_requested_transfer_per_case",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_agency=models.F("to_agency")),
                name="transfer_not_to_own_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.to_agency_id} {self.status}"
