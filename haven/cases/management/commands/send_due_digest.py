"""The e-mail digest of what is due (CC-9, DP-13): once a day, to each person who has something
overdue or due today on their own open cases, how many things are overdue, due today and due in
the week ahead, on how many of their cases, and the link to What is due. Counts only: never a
child's name, reference, place or anything else of a case, since an e-mail leaves Haven and is
read on phones and mail servers Haven does not control (the escalation e-mails of
haven.alerts say as little). In the person's language. Off unless HAVEN_DUE_DIGEST is set; a
scheduler runs it (cron, a systemd timer) in the morning of the agencies' time zone.

It writes nothing: like the escalation e-mails, a mail that could not be sent is logged with
the person's id and nothing else, and the run logs how many were sent."""

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haven.accounts.models import Membership, User
from haven.cases.due import WEEK, Due, due_by_user
from haven.cases.models import Case, CaseAssignment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    overdue: int
    today: int
    week: int  # after today, within the week ahead
    cases: int  # how many of the person's cases these fall on

    @property
    def due_now(self) -> bool:
        return bool(self.overdue or self.today)


def count(items: list[Due], today: date) -> Counts:
    return Counts(
        overdue=sum(1 for item in items if item.on < today),
        today=sum(1 for item in items if item.on == today),
        week=sum(1 for item in items if item.on > today),
        cases=len({item.case.pk for item in items}),
    )


def recipients() -> list[User]:
    """Active people with an e-mail address who hold a current assignment on an open case,
    with their active memberships (one query each, whatever their number)."""
    assigned = CaseAssignment.objects.current().exclude(case__stage=Case.Stage.CLOSED)
    return list(
        User.objects.filter(is_active=True, pk__in=assigned.values("user_id"))
        .exclude(email="")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(is_active=True)
                .select_related("agency")
                .order_by("pk"),
                # haven.accounts.access.memberships() reads them from here.
                to_attr="_haven_memberships",
            )
        )
        .order_by("pk")
    )


def digests() -> list[tuple[User, Counts]]:
    """Each person with something overdue or due today, and their counts. The day is the
    person's agency's, as their pages show it: people are taken one time zone at a time, each
    zone in a fixed number of queries."""
    by_zone: dict[str, list[User]] = {}
    for user in recipients():
        found: list[Any] = getattr(user, "_haven_memberships", [])
        zone = found[0].agency.time_zone if found else settings.TIME_ZONE
        by_zone.setdefault(zone, []).append(user)
    out = []
    for zone, users in sorted(by_zone.items()):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            today = timezone.localdate()
            items = due_by_user(users, until=today + timedelta(days=WEEK))
        for user in users:
            counts = count(items[user.pk], today)
            if counts.due_now:
                out.append((user, counts))
    return sorted(out, key=lambda pair: pair[0].pk)


def language_of(user: User) -> str:
    languages = dict(settings.LANGUAGES)
    return (
        user.preferred_language if user.preferred_language in languages else settings.LANGUAGE_CODE
    )


def message(user: User, counts: Counts) -> tuple[str, str]:
    """The subject and the body, in the person's language: numbers and a link, nothing of a
    case."""
    with translation.override(language_of(user)):
        page = _("What is due")
        base = settings.HAVEN_BASE_URL
        lines = [
            _("Things are due on your cases in Haven."),
            "",
            f"{_('Overdue')}: {counts.overdue}",
            f"{_('Today')}: {counts.today}",
            f"{_('In the next 7 days')}: {counts.week}",
            _("On %(cases)d of your cases.") % {"cases": counts.cases},
            "",
            f"{page}: {base}{reverse('cases:due')}"
            if base
            else _("Sign in to Haven and open %(page)s.") % {"page": page},
            "",
            _("This e-mail names no child: the details are in Haven, behind your sign-in."),
        ]
        return _("Haven: what is due on your cases"), "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "E-mail each person with something overdue or due today on their cases how many things "
        "are due and the link to What is due (CC-9): counts only, never a child's name or case. "
        "Off unless HAVEN_DUE_DIGEST is set. --dry-run counts the e-mails and sends none."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dry-run", action="store_true", help="Count the e-mails; send none.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if not settings.HAVEN_DUE_DIGEST:
            self.stdout.write("The due digest is off (HAVEN_DUE_DIGEST): nothing sent.")
            return
        if not settings.HAVEN_BASE_URL:
            self.stderr.write(
                "HAVEN_BASE_URL is not set: the e-mails name the page without a link."
            )
        found = digests()
        if options["dry_run"]:
            self.stdout.write(f"{len(found)} e-mail(s) would be sent (dry run, none sent).")
            return
        sent = failed = 0
        for user, counts in found:
            subject, body = message(user, counts)
            # A mail server that is down must not stop the others' digests.
            try:
                send_mail(subject, body, None, [user.email])
            except OSError:
                logger.warning("due digest not sent", extra={"user_id": user.pk})
                failed += 1
                continue
            sent += 1
        logger.info("due digests sent", extra={"sent": sent, "failed": failed})
        self.stdout.write(f"{sent} e-mail(s) sent, {failed} not sent.")
