"""Who shares a language with the child, and who interpreted for the child last (CC-10).

Read by the handover prompt and the interview page here, and by identification's interpreter
rules, so the pages and the rules agree. Haven compares only what is recorded: without the
child's languages, or without a practitioner's working languages (`User.languages`), it cannot
tell whether they share one, and says nothing rather than asserting a gap."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q

from haven.cases.models import AssignmentRole, Case, CaseAssignment, Interview
from haven.children.models import ChildLanguage
from haven.core.codes import languages
from haven.core.models import ListHolds

# Parts on a case that do not need the child's language to do their work: the interpreter is
# the answer to the question; a referral recipient and emergency access are never assigned by hand.
NO_LANGUAGE_NEEDED = frozenset(
    {AssignmentRole.INTERPRETER, AssignmentRole.REFERRAL_RECIPIENT, AssignmentRole.EMERGENCY}
)


def language_names(codes: Iterable[str]) -> str:
    """ "Burmese, Thai", in the reader's language."""
    names = dict(languages())
    return ", ".join(names.get(code, code) for code in codes)


def child_languages(case: Case) -> list[str]:
    """The child's languages, preferred first."""
    return list(
        case.child.languages.order_by("-is_preferred", "language").values_list(
            "language", flat=True
        )
    )


def shares_language(child: Iterable[str], staff: Iterable[str]) -> bool | None:
    """True or False when both lists are recorded; None when either is not."""
    child_codes, staff_codes = set(child), set(staff)
    if not child_codes or not staff_codes:
        return None
    return bool(child_codes & staff_codes)


def shares_no_language_q(staff_languages: str, child: str) -> Q:
    """`shares_language(...) is False` in SQL, on the rows of a query: the practitioner whose
    working languages are at the path `staff_languages` (a `User.languages`) has recorded some,
    the child whose id is at the path `child` has a recorded language, and none of the child's
    is among the practitioner's. The alert rules filter with it rather than reading every
    (case, practitioner, language) row into Python: 68,287 rows a sweep at 100,000 cases, to
    keep the few that breach."""
    childs = ChildLanguage.objects.filter(child_id=OuterRef(child))
    shared = childs.filter(ListHolds(OuterRef(staff_languages), "language"))
    return languages_recorded_q(staff_languages) & Q(Exists(childs)) & ~Q(Exists(shared))


def languages_recorded_q(staff_languages: str) -> Q:
    """The practitioner at the path `staff_languages` has recorded working languages: not
    missing (no practitioner at the path, as a record nobody is named on) and not an empty
    list. Part of `shares_no_language_q`, and on its own the plain test that tells a rule
    whether there is anything to compare."""
    return Q(**{f"{staff_languages}__isnull": False}) & ~Q(**{staff_languages: []})


def same_interpreter(one: str, other: str) -> bool:
    """The same name, whatever the spacing and letter case (interpreters are typed names)."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def previous_interpreter(case: Case, before: datetime | None = None) -> Interview | None:
    """The child's latest interview with an interpreter, on any of the child's cases (the child
    meets the interpreter, whichever agency records it), before `before` when given."""
    rows = Interview.objects.filter(case__child_id=case.child_id).exclude(interpreter="")
    if before is not None:
        rows = rows.filter(conducted_at__lt=before)
    return rows.order_by("-conducted_at", "-pk").first()


@dataclass(frozen=True)
class Languages:
    """What Haven knows of the languages of a child and one practitioner."""

    child: list[str]
    staff: list[str]
    # The interpreters currently assigned to the case (CaseAssignment rows).
    interpreters: list[Any] = field(default_factory=list)

    @property
    def shares(self) -> bool | None:
        return shares_language(self.child, self.staff)

    @property
    def child_names(self) -> str:
        return language_names(self.child)

    @property
    def staff_names(self) -> str:
        return language_names(self.staff)


def current_interpreters(case: Case) -> list[CaseAssignment]:
    return list(
        CaseAssignment.objects.current()
        .filter(case=case, role=AssignmentRole.INTERPRETER)
        .select_related("user")
        .order_by("started_at")
    )


def assignment_gap(case: Case, user: Any, role: str) -> Languages | None:
    """For the handover page: the languages when `user`, about to take `role` on the case, is
    recorded as speaking none of the child's languages; None when they share one, when either
    side's languages are not recorded, or when the part needs no language of the child's."""
    if role in NO_LANGUAGE_NEEDED:
        return None
    found = Languages(child=child_languages(case), staff=list(user.languages or []))
    if found.shares is not False:
        return None
    return Languages(child=found.child, staff=found.staff, interpreters=current_interpreters(case))


def for_interview(case: Case, actor: Any) -> Languages:
    """For the interview page: the child's languages and those of the person recording it."""
    return Languages(child=child_languages(case), staff=list(actor.languages or []))
