"""Writes on alerts. Raising and clearing are the engine's; resolving is a person's decision."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.roles import Capability
from haven.audit.services import record_event
from haven.cases.access import require
from haven.safeguards.models import Alert, Notification
from haven.safeguards.tally import recount


@transaction.atomic
def alert_resolve(*, alert: Alert, actor: Any, reason: str) -> Alert:
    """Resolve an open alert with a written reason (DESIGN idea 2). The reason is kept on the
    alert; the audit trail records who resolved it and when, not the reason's text."""
    require(actor, Capability.RESOLVE_ALERT, alert.case)
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != Alert.Status.OPEN:
        raise ValidationError(_("This alert is no longer open."))
    if not alert.rule.resolvable:
        raise ValidationError(
            _("This alert cannot be resolved with a reason: it closes when the facts change.")
        )
    if len(reason.strip()) < 10:
        raise ValidationError(
            {
                "reason": _(
                    "Write the reason in a sentence: what was done, or why nothing needs doing."
                )
            }
        )
    alert.status = Alert.Status.RESOLVED
    alert.resolution_reason = reason.strip()
    alert.resolved_by = actor
    alert.closed_at = timezone.now()
    alert.updated_by = actor
    alert.save(
        update_fields=[
            "status",
            "resolution_reason",
            "resolved_by",
            "closed_at",
            "updated_by",
            "updated_at",
        ]
    )
    recount([alert.case_id])
    record_event(
        actor=actor,
        action="alert.resolve",
        obj=alert,
        case=alert.case,
        changes={
            "status": [Alert.Status.OPEN, Alert.Status.RESOLVED],
            "rule": [None, alert.rule_code],
        },
    )
    return alert


@transaction.atomic
def notification_read(*, notification: Any, actor: Any) -> None:
    """Mark one of the actor's own notifications as read."""
    Notification.objects.filter(pk=notification.pk, recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )
