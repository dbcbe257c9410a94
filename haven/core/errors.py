"""Errors every layer may raise. A blocking safeguard rule (haven/*/rules.py) raises
SafeguardViolation; pages show it as a form error, the API as HTTP 422 with its measure ID. An
edit of a record someone else saved since it was opened raises EditConflict (lost updates)."""

from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from haven.core.dates import format_date


class SafeguardViolation(Exception):
    """A blocking safeguard rule refused an action. The message tells the practitioner what to
    do instead; the measure ID says which requirement it enforces."""

    def __init__(self, measure_id: str, message: Any, *, code: str = "") -> None:
        self.measure_id = measure_id
        self.message = message
        self.code = code or measure_id.lower().replace("-", "")
        super().__init__(f"{measure_id}: {message}")


class EditConflict(Exception):
    """Someone else saved the record after this person opened it: their changes are refused
    rather than silently overwriting the other person's (haven.core.versions). Pages show it as
    a form error with what the person typed kept (409), the API as HTTP 412."""

    def __init__(self, *, changed_at: datetime, current_version: str) -> None:
        self.changed_at = changed_at
        self.current_version = current_version
        super().__init__(f"changed since it was opened: now {current_version}")

    def when(self) -> str:
        """When it changed, in the reader's time zone: the time alone on the same day."""
        local = timezone.localtime(self.changed_at)
        time = formats.time_format(local, "TIME_FORMAT")
        if local.date() == timezone.localdate():
            return _("at %(time)s") % {"time": time}
        date = format_date(local, "SHORT_DATE_FORMAT")
        return _("on %(date)s at %(time)s") % {"date": date, "time": time}

    @property
    def message(self) -> str:
        """For the API: the caller reads the record again, then sends their changes."""
        return _(
            "Someone else changed this record %(when)s, after you read it, so your changes were "
            "not saved. Read the record again to see their changes, then send yours with its new "
            "version."
        ) % {"when": self.when()}

    def form_message(self) -> str:
        """For a form shown again with what the person typed (haven.core.forms.VersionedForm)."""
        return _(
            "Someone else changed this record %(when)s, after you opened it. What you typed is "
            "still below. To see their changes, open this page again in another tab. Saving "
            "again replaces their changes with yours."
        ) % {"when": self.when()}

    def page_message(self) -> str:
        """For a small form posted from a page that is then shown again, as it is now."""
        return _(
            "Someone else changed this record %(when)s, after you opened the page. The page now "
            "shows it as it is: make your changes again if they are still needed."
        ) % {"when": self.when()}
