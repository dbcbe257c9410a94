"""Who may read which feedback (CC-12, CC-13; DP-1). Handlers (HANDLE_FEEDBACK) read their
agency's feedback and complaints; concerns about practitioners are read only by holders of
HANDLE_CONCERNS in that agency (the safeguarding lead), never by supervisors, who may be the
person the child is talking about. A row the user may not read answers 404, like a missing one."""

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from haven.accounts.roles import Capability
from haven.cases.access import agencies_where
from haven.voice.models import NEEDS_ACKNOWLEDGEMENT, ConcernNotice, Feedback, Kind, Status


def feedback_for_user(user: Any) -> QuerySet[Feedback]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Feedback.objects.none()
    handled = [a.pk for a in agencies_where(user, Capability.HANDLE_FEEDBACK)]
    concerns = [a.pk for a in agencies_where(user, Capability.HANDLE_CONCERNS)]
    if not handled and not concerns:
        return Feedback.objects.none()
    return Feedback.objects.filter(
        (Q(agency_id__in=handled) & ~Q(kind=Kind.CONCERN))
        | Q(agency_id__in=concerns, kind=Kind.CONCERN)
    )


def access_feedback_by_id(user: Any, public_id: UUID | str) -> Feedback:
    try:
        return (
            feedback_for_user(user)
            .select_related("case", "acknowledged_by", "resolved_by", "kiosk")
            .get(public_id=public_id)
        )
    except (Feedback.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise Http404 from exc


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
