"""Escalating critical alerts (ND-2): at once, inside the write that raised them, to the case
worker's supervisor and the child-protection authority's officers, as an inbox entry, and by
email when HAVEN_NOTIFY_EMAIL is on. The email says only that a critical alert needs them."""

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import Membership
from haven.accounts.roles import Role
from haven.safeguards.models import Alert, Notification

logger = logging.getLogger(__name__)


def recipients(case: Any) -> set[int]:
    """User ids to alert about `case`: the current case worker's supervisor (or, when none is
    recorded, the lead agency's supervisors) and the child-protection officers of the lead
    agency when it is the child-protection authority, else of the authorities in its country."""
    from haven.cases.models import CaseAssignment

    users: set[int] = set()
    workers = CaseAssignment.objects.current().filter(case=case, role="case_worker")
    for worker in workers:
        if worker.agency_id is None:
            continue
        users.update(
            Membership.objects.filter(
                user_id=worker.user_id,
                agency_id=worker.agency_id,
                is_active=True,
                supervisor__isnull=False,
                supervisor__is_active=True,
            ).values_list("supervisor_id", flat=True)
        )
    if not users:
        users.update(
            Membership.objects.filter(
                agency_id=case.lead_agency_id,
                role=Role.SUPERVISOR,
                is_active=True,
                user__is_active=True,
            ).values_list("user_id", flat=True)
        )
    lead = case.lead_agency
    authority = (
        Q(agency_id=lead.pk)
        if lead.is_child_protection_authority
        else Q(agency__is_child_protection_authority=True, agency__country=lead.country)
    )
    users.update(
        Membership.objects.filter(authority, role=Role.CHILD_PROTECTION_OFFICER, is_active=True)
        .filter(user__is_active=True)
        .values_list("user_id", flat=True)
    )
    return users


def escalate(alerts: Iterable[Alert]) -> int:
    """Put each critical alert in its recipients' inboxes; returns how many entries were made."""
    now = timezone.now()
    made = []
    for alert in alerts:
        for user_id in sorted(recipients(alert.case)):
            made.append(Notification(recipient_id=user_id, alert=alert, created_at=now))
    Notification.objects.bulk_create(made, ignore_conflicts=True)
    if made and getattr(settings, "HAVEN_NOTIFY_EMAIL", False):
        ids = {n.recipient_id for n in made}
        transaction.on_commit(lambda: _email(ids))
    return len(made)


def _email(user_ids: set[int]) -> None:
    from haven.accounts.models import User

    sent = []
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        # Nothing about the child: the inbox is behind sign-in with two factors. A mail
        # server that is down must not undo or hide the alert: the inbox entry stands.
        try:
            send_mail(
                _("Haven: a critical alert needs you"),
                _(
                    "A critical safeguard alert was raised on a case you are responsible for. "
                    "Sign in to Haven and open your inbox."
                ),
                None,
                [user.email],
            )
        except OSError:
            logger.warning("escalation email not sent", extra={"user_id": user.pk})
            continue
        sent.append(user.pk)
    Notification.objects.filter(recipient_id__in=sent, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
