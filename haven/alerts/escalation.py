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

from haven.accounts.models import Membership, User
from haven.accounts.roles import Role
from haven.cases.models import CaseAssignment
from haven.safeguards.models import Alert, Notification

logger = logging.getLogger(__name__)


def recipients(case: Any) -> set[int]:
    """User ids to alert about `case` (see recipients_by_case)."""
    return recipients_by_case([case])[case.pk]


def recipients_by_case(cases: Iterable[Any]) -> dict[int, set[int]]:
    """For each case, the users to alert: the current case worker's supervisor (or, when none
    is recorded, the lead agency's supervisors) and the child-protection officers of the lead
    agency when it is the child-protection authority, else of the authorities in its country.
    Four queries, whatever the number of cases (a first sweep may escalate hundreds)."""
    cases = list(cases)
    found: dict[int, set[int]] = {case.pk: set() for case in cases}
    workers = CaseAssignment.objects.current().filter(
        case_id__in=list(found), role="case_worker", agency_id__isnull=False
    )
    worker_rows = list(workers.values_list("case_id", "user_id", "agency_id"))
    supervisors = {
        (user_id, agency_id): supervisor_id
        for user_id, agency_id, supervisor_id in Membership.objects.filter(
            user_id__in={user_id for _case, user_id, _agency in worker_rows},
            is_active=True,
            supervisor__isnull=False,
            supervisor__is_active=True,
        ).values_list("user_id", "agency_id", "supervisor_id")
    }
    for case_id, user_id, agency_id in worker_rows:
        if (user_id, agency_id) in supervisors:
            found[case_id].add(supervisors[(user_id, agency_id)])
    leads = {case.pk: case.lead_agency for case in cases}
    agency_supervisors: dict[int, set[int]] = {}
    for agency_id, user_id in Membership.objects.filter(
        agency_id__in={lead.pk for lead in leads.values()},
        role=Role.SUPERVISOR,
        is_active=True,
        user__is_active=True,
    ).values_list("agency_id", "user_id"):
        agency_supervisors.setdefault(agency_id, set()).add(user_id)
    officers_by_agency: dict[int, set[int]] = {}
    officers_by_country: dict[str, set[int]] = {}
    authorities = [lead.pk for lead in leads.values() if lead.is_child_protection_authority]
    countries = {lead.country for lead in leads.values() if not lead.is_child_protection_authority}
    for agency_id, country, user_id in Membership.objects.filter(
        Q(agency_id__in=authorities)
        | Q(agency__is_child_protection_authority=True, agency__country__in=countries),
        role=Role.CHILD_PROTECTION_OFFICER,
        is_active=True,
        user__is_active=True,
    ).values_list("agency_id", "agency__country", "user_id"):
        officers_by_agency.setdefault(agency_id, set()).add(user_id)
        officers_by_country.setdefault(country, set()).add(user_id)
    for case_id, lead in leads.items():
        if not found[case_id]:
            found[case_id] |= agency_supervisors.get(lead.pk, set())
        if lead.is_child_protection_authority:
            found[case_id] |= officers_by_agency.get(lead.pk, set())
        else:
            found[case_id] |= officers_by_country.get(lead.country, set())
    return found


def escalate(alerts: Iterable[Alert]) -> int:
    """Put each critical alert in its recipients' inboxes; returns how many entries were made."""
    now = timezone.now()
    alerts = list(alerts)
    by_case = recipients_by_case({alert.case_id: alert.case for alert in alerts}.values())
    made = [
        Notification(recipient_id=user_id, alert=alert, created_at=now)
        for alert in alerts
        for user_id in sorted(by_case[alert.case_id])
    ]
    Notification.objects.bulk_create(made, ignore_conflicts=True)
    if made and getattr(settings, "HAVEN_NOTIFY_EMAIL", False):
        ids = {n.recipient_id for n in made}
        transaction.on_commit(lambda: _email(ids))
    return len(made)


def _email(user_ids: set[int]) -> None:
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
