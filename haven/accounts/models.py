import secrets
import uuid
import zoneinfo
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from haven.accounts.roles import Role
from haven.core.models import HavenModel


def _new_session_salt() -> str:
    return secrets.token_hex(16)


class User(AbstractUser):
    """A staff account. Every account has a TOTP second factor (django-otp)."""

    public_id = models.UUIDField(_("ID"), default=uuid.uuid4, unique=True, editable=False)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)
    # ISO 639 codes of the languages the person can work in with a child; an interpreter is
    # needed when none of them is the child's (CC-10, ID-4).
    languages = models.JSONField(_("working languages"), default=list, blank=True)
    must_change_password = models.BooleanField(
        _("must change password at next sign-in"), default=False
    )
    # Rotating this salt invalidates every session of the user ("log out everywhere").
    session_salt = models.CharField(max_length=32, default=_new_session_salt, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            # The person picker reads people in name order and stops after its first page
            # (cases.forms.first_to_offer), instead of sorting every staff member.
            models.Index(
                fields=["first_name", "last_name", "username", "id"], name="user_name_order_idx"
            )
        ]

    if TYPE_CHECKING:
        # Set on request.user by django_otp.middleware.OTPMiddleware.
        def is_verified(self) -> bool: ...

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "haven.accounts.User.session", self.password + self.session_salt, algorithm="sha256"
        ).hexdigest()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(
            _("“%(zone)s” is not a time zone name."), params={"zone": value}
        ) from exc


class OrganisationType(models.TextChoices):
    """HTCDS 2.0 organisation types (vic_TraffickingStatusDecisionMakingOrg)."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("Non-governmental organisation")
    COURT_OR_PROSECUTION = "CourtOrProsecution", _("Court or prosecution")
    GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Non-police government organisation")
    OTHER = "Other", _("Other")


class Agency(HavenModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=40, choices=OrganisationType.choices
    )
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Asia/Bangkok",
        validators=[validate_time_zone],
        help_text=_("Dates and times are shown and entered in this zone, e.g. Asia/Jakarta."),
    )
    is_child_protection_authority = models.BooleanField(
        _("child-protection authority"), default=False
    )
    # How another agency reaches this one: shown wherever Haven names the agency to someone
    # outside it (a possible match held there, a referral, a case handed over). Not child data.
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    hotline = models.CharField(
        _("emergency line"),
        max_length=40,
        blank=True,
        help_text=_("A number answered day and night, for a child in danger."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def contact_line(self) -> str:
        """The phone numbers in one line: "phone · emergency line", whichever are known."""
        return " · ".join(n for n in (self.phone, self.hotline) if n)


class Membership(HavenModel):
    """A user's role in one agency. A user may work for several agencies, one role in each."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    supervisor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="supervisees"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency"], name="membership_one_role_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.get_role_display()})"


class LanguageReview(HavenModel):
    """A native-speaking practitioner's review of one of Haven's languages (CC-11), recorded by
    an agency. Until a language has one, its texts are marked as awaiting review wherever a
    child reads them (haven.accounts.languages)."""

    language = models.CharField(_("language"), max_length=8)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    reviewer = models.CharField(_("reviewed by (name and role)"), max_length=200)
    reviewed_on = models.DateField(_("reviewed on"))
    notes = models.TextField(_("what was reviewed, and what was changed"), max_length=2000)

    class Meta:
        verbose_name = _("review of a language")
        verbose_name_plural = _("reviews of languages")
        ordering = ["-reviewed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.language} {self.reviewed_on}"
