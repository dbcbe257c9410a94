"""The languages Haven speaks and, for each, whether a native-speaking practitioner reviewed it
(CC-11, PS-5).

What the project wrote, and when, is in one data file, `haven/locale/reviews.json`; reviews an
agency records in Haven are `LanguageReview` rows. A language is "reviewed" only when one of
them exists: a child's sheet in a language not yet reviewed says so, in that language and in
the case worker's, and asks that it be read together with the interpreter.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from haven.accounts.models import LanguageReview

REVIEWS_FILE = Path(__file__).resolve().parent.parent / "locale" / "reviews.json"

SOURCE, WRITTEN, REVIEWED = "source", "written", "reviewed"
STATUS_LABELS = {
    SOURCE: _("The language Haven is written in"),
    WRITTEN: _("Written; awaits review by a native-speaking practitioner"),
    REVIEWED: _("Reviewed by a native-speaking practitioner"),
}


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    name_local: str
    status: str
    written_by: str
    written_on: date | None
    review: LanguageReview | None

    @property
    def label(self) -> Any:
        return STATUS_LABELS[self.status]


@cache
def written() -> dict[str, dict[str, str]]:
    """The data file: who wrote each language, and when."""
    data = json.loads(REVIEWS_FILE.read_text(encoding="utf-8"))
    return {code: entry for code, entry in data.items() if not code.startswith("_")}


def statuses() -> list[LanguageStatus]:
    """Every language of the interface, in the settings' order, with its latest review."""
    latest: dict[str, LanguageReview] = {}
    for review in LanguageReview.objects.select_related("agency").order_by("reviewed_on", "pk"):
        latest[review.language] = review
    rows = []
    for code, _name in settings.LANGUAGES:
        entry = written().get(code, {})
        info = translation.get_language_info(code)
        found = latest.get(code)
        status = entry.get("status", WRITTEN)
        if found is not None and status != SOURCE:
            status = REVIEWED
        rows.append(
            LanguageStatus(
                code=code,
                name=info["name"],
                name_local=info["name_local"],
                status=status,
                written_by=entry.get("written_by", ""),
                written_on=date.fromisoformat(entry["written_on"])
                if entry.get("written_on")
                else None,
                review=found,
            )
        )
    return rows


def awaits_review(code: str) -> bool:
    """Whether texts in this language have not been reviewed by a native speaker yet."""
    if written().get(code, {}).get("status") == SOURCE:
        return False
    return not LanguageReview.objects.filter(language=code).exists()
