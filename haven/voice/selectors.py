"""Who may read which feedback (CC-12, CC-13; DP-1). Handlers (HANDLE_FEEDBACK) read their
agency's feedback and complaints; concerns about practitioners are read by holders of
HANDLE_CONCERNS in that agency (the safeguarding lead) and by the people a concern was routed
to (a ConcernNotice: a supervisor when the agency has no safeguarding lead, the
child-protection authority's safeguarding lead) while they handle feedback in the agency they
received it through; never by its subject, even a safeguarding lead. Supervisors who were not
routed a concern never read it: they may be the person the child is talking about. A row the
user may not read answers 404, like a missing one."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from haven.accounts.models import Membership
from haven.accounts.roles import Capability, roles_with
from haven.cases.access import agencies_where
from haven.cases.models import Case as ChildCase
from haven.children.models import ChildLanguage
from haven.consent.sheets import nearest_sheet_language, sheet_language_for
from haven.voice.models import NEEDS_ACKNOWLEDGEMENT, ConcernNotice, Feedback, Kind, Status


def feedback_for_user(user: Any) -> QuerySet[Feedback]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Feedback.objects.none()
    handled = [a.pk for a in agencies_where(user, Capability.HANDLE_FEEDBACK)]
    concerns = [a.pk for a in agencies_where(user, Capability.HANDLE_CONCERNS)]
    if not handled and not concerns:
        return Feedback.objects.none()
    routed = ConcernNotice.objects.filter(recipient=user, agency_id__in=handled).values(
        "feedback_id"
    )
    return Feedback.objects.filter(
        (Q(agency_id__in=handled) & ~Q(kind=Kind.CONCERN))
        | (Q(kind=Kind.CONCERN) & (Q(agency_id__in=concerns) | Q(pk__in=routed)))
    ).exclude(subject=user)


def access_feedback_by_id(user: Any, public_id: UUID | str) -> Feedback:
    try:
        return (
            feedback_for_user(user)
            .select_related("case", "acknowledged_by", "resolved_by", "kiosk")
            .get(public_id=public_id)
        )
    except (Feedback.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


def languages_in_care(agencies: list[Any]) -> list[str]:
    """The interface languages the children of the agencies' open cases speak, most children
    first (CC-10): the kiosk offers them first. A language Haven is not written in counts for
    the nearest one it is (Shan for Burmese); one with none near is left out, not made English.
    One query; only counts leave it, never a child."""
    rows = (
        ChildLanguage.objects.filter(
            child__cases__lead_agency__in=agencies,
            child__cases__stage__in=[s for s in ChildCase.Stage if s != ChildCase.Stage.CLOSED],
        )
        .values("language")
        .annotate(children=Count("child", distinct=True))
    )
    counts: dict[str, int] = {}
    for row in rows:
        code = sheet_language_for(row["language"]) or nearest_sheet_language(row["language"])
        if code:
            counts[code] = counts.get(code, 0) + row["children"]
    return sorted(counts, key=lambda c: (-counts[c], c))


def ack_deadline() -> Any:
    """Complaints and concerns received before this moment and not yet acknowledged are late."""
    return timezone.now() - timedelta(days=settings.HAVEN_FEEDBACK_ACK_DAYS)


def with_overdue(rows: QuerySet[Feedback]) -> QuerySet[Feedback]:
    """Annotate `overdue` (CC-12) and order: overdue first, then open before resolved, newest
    first. One query whatever the number of rows."""
    return rows.annotate(
        overdue=Case(
            When(
                kind__in=NEEDS_ACKNOWLEDGEMENT,
                status=Status.RECEIVED,
                received_at__lt=ack_deadline(),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        done=Case(
            When(status=Status.RESOLVED, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("-overdue", "done", "-received_at", "-pk")


def is_overdue(feedback: Feedback) -> bool:
    return (
        feedback.kind in NEEDS_ACKNOWLEDGEMENT
        and feedback.status == Status.RECEIVED
        and feedback.received_at < ack_deadline()
    )


def unread_concerns(user: Any) -> int:
    return ConcernNotice.objects.filter(recipient=user, read_at__isnull=True).count()


def concern_inbox(user: Any) -> tuple[bool, int]:
    """Whether concerns are part of the user's work (a safeguarding lead, or someone a concern
    was ever routed to) and how many routed to them are unread. One query."""
    counts = ConcernNotice.objects.filter(recipient=user).aggregate(
        routed=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )
    leads = bool(agencies_where(user, Capability.HANDLE_CONCERNS))
    return leads or counts["routed"] > 0, counts["unread"]


def notice_for(user: Any, feedback: Feedback) -> ConcernNotice | None:
    """The notice that brought this concern to the user, if one did (why they are reading it)."""
    if feedback.kind != Kind.CONCERN:
        return None
    return ConcernNotice.objects.filter(recipient=user, feedback=feedback).first()


def has_safeguarding_lead(agency_id: int) -> bool:
    """Whether someone active in the agency handles concerns about practitioners (CC-13)."""
    return Membership.objects.filter(
        agency_id=agency_id,
        role__in=roles_with(Capability.HANDLE_CONCERNS),
        is_active=True,
        user__is_active=True,
    ).exists()


def staff_to_name(agencies: list[Any]) -> list[Membership]:
    """The people a practitioner may name as a concern's subject (CC-13): everyone with an
    account in the agencies they record feedback for, inactive ones too (a concern may be about
    someone who has left)."""
    return list(
        Membership.objects.filter(agency__in=agencies)
        .select_related("user", "agency")
        .order_by("agency__name", "user__first_name", "user__last_name", "user__username")
    )
