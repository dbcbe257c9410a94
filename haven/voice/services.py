"""Every write about children's feedback, complaints and concerns (CC-12, CC-13), and about the
kiosk that collects them. One transaction each: check who acts, validate, save, audit.

The kiosk submits without a user: its actor is the KioskSession, and the audit row has no
actor, so an anonymous entry stores no identity at all. Nothing here logs what a child said."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Agency, User
from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import agencies_where, require
from haven.cases.models import Case
from haven.core.codes import validate_language
from haven.core.forms import validate_event_time
from haven.voice import selectors
from haven.voice.models import (
    Channel,
    ConcernNotice,
    Feedback,
    Kind,
    KioskSession,
    Mood,
    Status,
)
from haven.voice.routing import concern_recipients

logger = logging.getLogger(__name__)

# No look-alikes (0/O, 1/I/L, 5/S, 8/B, 2/Z): a child copies it from a screen onto paper. 25^8 is
# about 1.5e11 codes, so one cannot be guessed, and it says nothing about the child or volumes.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8
MESSAGE_MAX = 4000
HINT_MAX = 200
PLACE_MAX = 120


def _new_reference() -> str:
    while True:
        ref = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if not Feedback.objects.filter(reference=ref).exists():
            return ref


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- the kiosk ----------------------------------------------------------------------------


@transaction.atomic
def kiosk_open(
    *, actor: Any, place: str, agency: Agency | None = None, languages: list[str] | None = None
) -> tuple[KioskSession, str]:
    """Open a kiosk on the device the actor is using (CC-12). Returns the session and the token
    to hand to that browser; only its hash is kept. The caller signs the actor out there."""
    require(actor, Capability.OPEN_KIOSK)
    allowed = agencies_where(actor, Capability.OPEN_KIOSK)
    if agency is None:
        if len(allowed) != 1:
            raise ValidationError({"agency": _("Choose the agency the kiosk belongs to.")})
        agency = allowed[0]
    elif agency.pk not in {a.pk for a in allowed}:
        raise PermissionDenied(_("You are not allowed to do this."))
    place = " ".join(place.split())
    if len(place) < 3:
        raise ValidationError({"place": _("Say where the kiosk stands, e.g. “Common room”.")})
    if len(place) > PLACE_MAX:
        raise ValidationError({"place": _("Keep it under %(n)d characters.") % {"n": PLACE_MAX}})
    languages = list(dict.fromkeys(languages or []))
    if any(code not in dict(settings.LANGUAGES) for code in languages):
        raise ValidationError({"languages": _("Choose languages from the list.")})
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    kiosk = KioskSession.objects.create(
        agency=agency,
        place=place,
        opened_by=actor,
        opened_at=now,
        expires_at=now + timedelta(hours=settings.HAVEN_KIOSK_HOURS),
        token_hash=token_hash(token),
        languages=languages,
        created_by=actor,
        updated_by=actor,
    )
    record_event(
        actor=actor,
        action="kiosk.open",
        obj=kiosk,
        changes={
            "place": [None, place],
            "expires_at": [None, kiosk.expires_at],
            "languages": [None, languages],
        },
    )
    return kiosk, token


@transaction.atomic
def kiosk_close(*, kiosk: KioskSession, actor: Any) -> KioskSession:
    """Close a kiosk: its browser can post nothing more. A staff member of the kiosk's agency
    who may open kiosks closes it, after signing in."""
    if kiosk.agency_id not in {a.pk for a in agencies_where(actor, Capability.OPEN_KIOSK)}:
        raise PermissionDenied(_("You are not allowed to do this."))
    kiosk = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
    if kiosk.closed_at is not None:
        raise ValidationError(_("This kiosk is already closed."))
    kiosk.closed_at = timezone.now()
    kiosk.closed_by = actor
    kiosk.updated_by = actor
    kiosk.save(update_fields=["closed_at", "closed_by", "updated_by", "updated_at"])
    record_event(actor=actor, action="kiosk.close", obj=kiosk, changes={"closed": [False, True]})
    return kiosk


def kiosk_for_token(token: str | None) -> KioskSession | None:
    """The open kiosk this token belongs to, or None (unknown, closed or expired)."""
    if not token:
        return None
    kiosk = (
        KioskSession.objects.select_related("agency").filter(token_hash=token_hash(token)).first()
    )
    return kiosk if kiosk is not None and kiosk.is_open else None


# --- feedback -----------------------------------------------------------------------------


def _clean_entry(
    *, language: str, kind: str, mood: str, message: str, wants_contact: bool, contact_hint: str
) -> tuple[str, str]:
    errors: dict[str, Any] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choose from the list.")
    if mood and mood not in Mood.values:
        errors["mood"] = _("Choose from the list.")
    message = message.strip()
    contact_hint = contact_hint.strip() if wants_contact else ""
    if len(message) > MESSAGE_MAX:
        errors["message"] = _("Keep it under %(n)d characters.") % {"n": MESSAGE_MAX}
    if len(contact_hint) > HINT_MAX:
        errors["contact_hint"] = _("Keep it under %(n)d characters.") % {"n": HINT_MAX}
    if not message and not mood and kind == Kind.FEEDBACK:
        errors["message"] = _("Choose a face or write something.")
    try:
        validate_language(language)
    except ValidationError as exc:
        errors["language"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return message, contact_hint


def _timeline_case(feedback: Feedback) -> Case | None:
    """The case an audit row is filed under, which puts it on the case's timeline. Never for a
    concern about a practitioner (CC-13): the people on the case, who may be its subject, must
    not learn from their timeline that one was raised or is being looked at."""
    return None if feedback.kind == Kind.CONCERN else feedback.case


def _audit_entry(feedback: Feedback, *, actor: Any, action: str) -> None:
    changes = {
        "kind": [None, feedback.kind],
        "channel": [None, feedback.channel],
        "language": [None, feedback.language],
        "anonymous": [None, feedback.anonymous],
        "wants_contact": [None, feedback.wants_contact],
        "message": [None, "[changed]"] if feedback.message else [None, ""],
    }
    if feedback.subject_id is not None:
        changes["subject"] = [None, "[changed]"]
    record_event(
        actor=actor, action=action, obj=feedback, case=_timeline_case(feedback), changes=changes
    )


def _route_concern(feedback: Feedback, *, actor: Any) -> int:
    """A concern about a practitioner reaches, at once and in the transaction that records it,
    someone who is not its subject (CC-13; the chain is haven.voice.routing): the agency's
    safeguarding leads, else its supervisors, else the child-protection authority. Each gets an
    inbox entry, and an e-mail after commit when HAVEN_NOTIFY_EMAIL is on, which says only that
    a concern needs them. The routing is in the audit chain: which steps, how many people."""
    if feedback.kind != Kind.CONCERN:
        return 0
    recipients = concern_recipients(feedback)
    now = timezone.now()
    ConcernNotice.objects.bulk_create(
        [
            ConcernNotice(
                recipient_id=r.user_id,
                feedback=feedback,
                agency_id=r.agency_id,
                route=r.route,
                created_at=now,
            )
            for r in recipients
        ],
        ignore_conflicts=True,
    )
    routes = sorted({str(r.route) for r in recipients})
    record_event(
        actor=actor,
        action="concern.route",
        obj=feedback,
        changes={"route": [None, routes], "recipients": [None, len(recipients)]},
    )
    if not recipients:
        # Not one person in the agency nor at the child-protection authority: the agency's
        # administrator sees the gap on the staff page; operators must see it here.
        logger.error("concern reached no one", extra={"feedback": str(feedback.public_id)})
    if recipients and getattr(settings, "HAVEN_NOTIFY_EMAIL", False):
        ids = {r.user_id for r in recipients}
        transaction.on_commit(lambda: _email(ids))
    return len(recipients)


def _email(user_ids: set[int]) -> None:
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        try:
            send_mail(
                _("Haven: a child raised a concern"),
                _(
                    "A child raised a concern about someone who works with children. "
                    "Sign in to Haven and open Feedback."
                ),
                None,
                [user.email],
            )
        except OSError:
            logger.warning("concern email not sent", extra={"user_id": user.pk})


@transaction.atomic
def feedback_submit_from_kiosk(
    *,
    kiosk: KioskSession,
    language: str,
    kind: str = Kind.FEEDBACK,
    mood: str = "",
    message: str = "",
    wants_contact: bool = False,
    contact_hint: str = "",
) -> Feedback:
    """What a child leaves at the kiosk (CC-12, CC-13): anonymous unless they ask someone to
    talk to them; no user, no case, nothing that identifies the device user. At most
    HAVEN_KIOSK_SUBMISSIONS_PER_HOUR entries per kiosk an hour, so a kiosk cannot be flooded."""
    kiosk = KioskSession.objects.select_for_update().get(pk=kiosk.pk)
    if not kiosk.is_open:
        raise PermissionDenied(_("This kiosk is closed."))
    now = timezone.now()
    recent = Feedback.objects.filter(kiosk=kiosk, received_at__gte=now - timedelta(hours=1))
    if recent.count() >= settings.HAVEN_KIOSK_SUBMISSIONS_PER_HOUR:
        raise ValidationError(
            _("So many messages came in that we need a short break. Please try again later."),
            code="throttled",
        )
    message, contact_hint = _clean_entry(
        language=language,
        kind=kind,
        mood=mood,
        message=message,
        wants_contact=wants_contact,
        contact_hint=contact_hint,
    )
    feedback = Feedback.objects.create(
        agency_id=kiosk.agency_id,
        channel=Channel.KIOSK,
        language=language,
        kind=kind,
        mood=mood,
        message=message,
        anonymous=not wants_contact,
        wants_contact=wants_contact,
        contact_hint=contact_hint,
        kiosk=kiosk,
        reference=_new_reference(),
        received_at=now,
    )
    _audit_entry(feedback, actor=None, action="feedback.submit")
    _route_concern(feedback, actor=None)
    return feedback


@transaction.atomic
def feedback_record(
    *,
    actor: Any,
    language: str,
    kind: str,
    channel: str = Channel.IN_PERSON,
    mood: str = "",
    message: str = "",
    anonymous: bool = True,
    wants_contact: bool = False,
    contact_hint: str = "",
    case: Case | None = None,
    agency: Agency | None = None,
    received_at: datetime | None = None,
    subject: User | None = None,
) -> Feedback:
    """Feedback a child gave a practitioner in person, by phone or in a letter (CC-12, CC-13).
    Linked to a case only when the practitioner may record feedback on it; an entry linked to a
    case is not anonymous. A concern may name its `subject`, the Haven user it is about, who
    then never receives it nor reads it."""
    require(actor, Capability.RECORD_FEEDBACK, case)
    allowed = agencies_where(actor, Capability.RECORD_FEEDBACK)
    if agency is None:
        if case is not None and case.lead_agency_id in {a.pk for a in allowed}:
            agency = case.lead_agency
        elif len(allowed) == 1:
            agency = allowed[0]
        else:
            raise ValidationError({"agency": _("Choose the agency that should handle it.")})
    elif agency.pk not in {a.pk for a in allowed}:
        raise PermissionDenied(_("You are not allowed to do this."))
    if channel not in Channel.values or channel == Channel.KIOSK:
        raise ValidationError({"channel": _("Choose from the list.")})
    if case is not None and anonymous:
        raise ValidationError(
            {"anonymous": _("Feedback linked to a child's case is not anonymous.")}
        )
    message, contact_hint = _clean_entry(
        language=language,
        kind=kind,
        mood=mood,
        message=message,
        wants_contact=wants_contact,
        contact_hint=contact_hint,
    )
    if not message:
        raise ValidationError({"message": _("Write what the child said.")})
    if subject is not None and kind != Kind.CONCERN:
        raise ValidationError(
            {
                "subject": _(
                    "Name a person only for a concern about someone who works with children."
                )
            }
        )
    validate_event_time(received_at, "received_at")
    feedback = Feedback.objects.create(
        agency=agency,
        channel=channel,
        language=language,
        kind=kind,
        mood=mood,
        message=message,
        anonymous=anonymous,
        wants_contact=wants_contact,
        contact_hint=contact_hint,
        case=case,
        subject=subject,
        recorded_by=actor,
        reference=_new_reference(),
        received_at=received_at or timezone.now(),
        created_by=actor,
        updated_by=actor,
    )
    _audit_entry(feedback, actor=actor, action="feedback.record")
    _route_concern(feedback, actor=actor)
    return feedback


def _require_handler(actor: Any, feedback: Feedback) -> None:
    """Only who may read it handles it (haven.voice.selectors.feedback_for_user): a concern's
    subject never, even when they are the safeguarding lead (CC-13)."""
    require(actor, Capability.HANDLE_FEEDBACK)
    if not selectors.feedback_for_user(actor).filter(pk=feedback.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))


def _lock(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().get(pk=feedback.pk)


@transaction.atomic
def feedback_acknowledge(*, feedback: Feedback, actor: Any) -> Feedback:
    """Say that the agency has it and someone is looking at it (CC-12)."""
    _require_handler(actor, feedback)
    feedback = _lock(feedback)
    feedback.set_status(
        Status.ACKNOWLEDGED,
        actor=actor,
        action="feedback.acknowledge",
        case=_timeline_case(feedback),
        fields={"acknowledged_at": timezone.now(), "acknowledged_by": actor},
    )
    return feedback


@transaction.atomic
def feedback_resolve(*, feedback: Feedback, actor: Any, resolution: str) -> Feedback:
    """Close a complaint with what was done, in writing (CC-12: tracked to resolution). A concern
    about a practitioner is resolved by the safeguarding lead (CC-13), who records there whether
    it was referred to law enforcement."""
    _require_handler(actor, feedback)
    resolution = resolution.strip()
    if len(resolution) < 10:
        raise ValidationError({"resolution": _("Write what was done and what the child was told.")})
    if len(resolution) > MESSAGE_MAX:
        raise ValidationError(
            {"resolution": _("Keep it under %(n)d characters.") % {"n": MESSAGE_MAX}}
        )
    feedback = _lock(feedback)
    now = timezone.now()
    fields: dict[str, Any] = {"resolution": resolution, "resolved_at": now, "resolved_by": actor}
    if feedback.acknowledged_at is None:
        fields |= {"acknowledged_at": now, "acknowledged_by": actor}
    feedback.set_status(
        Status.RESOLVED,
        actor=actor,
        action="feedback.resolve",
        case=_timeline_case(feedback),
        fields=fields,
        changes={"resolution": ["", "[changed]"]},
    )
    return feedback


@transaction.atomic
def feedback_read(*, feedback: Feedback, actor: Any) -> Feedback:
    """Record that `actor` read what the child said (DP-3). Kept in the audit chain, not only
    the access log: a concern's investigation must be able to show exactly who read it."""
    _require_handler(actor, feedback)
    record_event(actor=actor, action="feedback.read", obj=feedback, case=_timeline_case(feedback))
    ConcernNotice.objects.filter(feedback=feedback, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return feedback
