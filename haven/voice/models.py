"""Children's feedback and complaints (CC-12) and concerns about practitioners (CC-13).

A `Feedback` row is one thing a child told the agency: from the kiosk on a shared device, or
recorded by a practitioner the child spoke to. It carries a short random reference the child
can quote later, and is tracked from received to acknowledged to resolved, the resolution in
writing. A concern about someone who works with children is read by the agency's safeguarding
leads (HANDLE_CONCERNS) and by the people it was routed to (ConcernNotice), never by its
subject: when the agency has no safeguarding lead, by its supervisors who are not the subject,
else by the child-protection authority's safeguarding lead (haven.voice.routing).

A `KioskSession` is a device opened as a kiosk by a staff member, who is signed out on it: the
browser then holds only a signed token whose hash is stored here, which lets it post feedback
and read nothing (see haven.voice.kiosk_views).
"""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.audit.status import StatusMachine
from haven.core.fields import EncryptedTextField
from haven.core.models import HavenModel
from haven.core.sensitivity import Sensitivity


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("Kiosk")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter or feedback box")
    OTHER = "other", _("Other")


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Feedback")
    COMPLAINT = "complaint", _("Complaint")
    CONCERN = "concern", _("Concern about someone who works with children")


class Mood(models.TextChoices):
    HAPPY = "happy", _("Happy")
    OKAY = "okay", _("Okay")
    UNHAPPY = "unhappy", _("Unhappy")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")


# Complaints and concerns must be acknowledged within HAVEN_FEEDBACK_ACK_DAYS (CC-12).
NEEDS_ACKNOWLEDGEMENT = (Kind.COMPLAINT, Kind.CONCERN)


class KioskSession(HavenModel):
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    place = models.CharField(_("place"), max_length=120)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"))
    expires_at = models.DateTimeField(_("expires"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The interface languages the start page offers first (CC-10): chosen when it is opened,
    # ticked by default for the languages of the children in the agency's care.
    languages = models.JSONField(_("languages offered first"), default=list, blank=True)
    # SHA-256 of the token the kiosk browser holds; the token itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("kiosk")

    def __str__(self) -> str:
        return self.place

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and self.expires_at > timezone.now()


class Feedback(StatusMachine, HavenModel):
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("how it came"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=3)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    mood = models.CharField(_("mood"), max_length=10, choices=Mood.choices, blank=True)
    message = EncryptedTextField(_("what the child said"), sensitivity=Sensitivity.NARRATIVE)
    anonymous = models.BooleanField(_("anonymous"), default=True)
    wants_contact = models.BooleanField(_("wants someone to talk to them"), default=False)
    contact_hint = EncryptedTextField(_("how to find the child"), sensitivity=Sensitivity.IDENTITY)
    # Only when a practitioner records it for a child whose case they can open.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="feedback"
    )
    kiosk = models.ForeignKey(
        KioskSession, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback"
    )
    # Empty for the kiosk: an anonymous entry keeps no user at all.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=8, unique=True, editable=False)
    # Who a concern is about (CC-13), when the practitioner who records it can name a Haven user.
    # They never receive it nor read it. Empty for the kiosk and when it is not known.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("who it is about"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("received"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = EncryptedTextField(_("resolution"), sensitivity=Sensitivity.NARRATIVE)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # received → acknowledged → resolved; resolving what was not yet acknowledged
    # acknowledges it at the same moment.
    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {
        Status.RECEIVED: frozenset({Status.ACKNOWLEDGED, Status.RESOLVED}),
        Status.ACKNOWLEDGED: frozenset({Status.RESOLVED}),
        Status.RESOLVED: frozenset(),
    }

    def transition_refused(self, to: str) -> ValidationError:
        if to == Status.ACKNOWLEDGED:
            return ValidationError(gettext("This was already acknowledged."))
        return ValidationError(gettext("This was already resolved."))

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["agency", "status", "kind"], name="feedback_agency_status_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | models.Q(resolved_at__isnull=False),
                name="feedback_resolved_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Route(models.TextChoices):
    """Why a concern reached a person (CC-13): the first step of the chain that found someone
    who is not its subject (haven.voice.routing)."""

    LEAD = "lead", _("the agency's safeguarding lead")
    SUPERVISOR = "supervisor", _("a supervisor, as the agency has no safeguarding lead")
    AUTHORITY = "authority", _("the child-protection authority")


class ConcernNotice(models.Model):
    """A concern about a practitioner (CC-13) in the inbox of a person it was routed to: the
    agency's safeguarding lead, else a supervisor who is not its subject, else the
    child-protection authority's safeguarding lead. It names only the reference; the concern is
    read on its page, which is audited. It lets its recipient read and handle the concern while
    they hold HANDLE_FEEDBACK in `agency`, the agency they received it through."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="concern_notices"
    )
    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="notices")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(max_length=10, choices=Route.choices, default=Route.LEAD)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "feedback"], name="concern_notice_once")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="concern_notice_inbox_idx")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.feedback_id}"
