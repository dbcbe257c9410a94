"""Help never depends on the child's cooperation with the authorities (CC-8, VW-8).

Every write that ends, refuses, reduces or suspends help — closing a case, ending a placement or
a guardianship, a service not delivered, declining, withdrawing or closing a referral, a first
step closed as not needed — is marked `@ends_help`. The mark makes it take its reason from a
closed list that has no reason about cooperation (checked when the list is registered), with
free text only as detail, and runs the detail of every one of them through the one check below.
tests/safeguards/test_help_endings.py finds such writes in the code and fails when one is not
marked, so a new way to end help cannot forget the rule.

Why a hand-written check and not a library: no library knows what a reason about cooperation
with the police looks like in Thai, Khmer or Bahasa Indonesia. The closed lists are the real
safeguard; the text check catches the detail that says it anyway ("she would not talk to the
police"). A refused write raises before anything is written.
"""

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from haven.core.errors import SafeguardViolation
from haven.safeguards.registry import BlockRule, Severity, register

# Words that make a reason about cooperation with the authorities, in the languages Haven is
# used in. Help never depends on it (CC-8): such a reason is refused, not recorded.
_COOPERATION_WORDS = (
    "cooperat",
    "co-operat",
    "testif",
    "testimony",
    "give evidence",
    "statement to the police",
    "kooperatif",
    "kerja sama",
    "kerjasama",
    "bekerja sama",
    "bersaksi",
    "kesaksian",
    "ความร่วมมือ",
    "ให้การเป็นพยาน",
    "ให้ปากคำ",
    "เป็นพยาน",
    "សហការ",
)
# The authorities and their proceedings...
_AUTHORITY_WORDS = (
    "police",
    "prosecut",
    "investigat",
    "court",
    "trial",
    "witness",
    "evidence",
    "statement",
    "law enforcement",
    "authorities",
    "polisi",
    "jaksa",
    "penyidik",
    "pengadilan",
    "saksi",
    "ตำรวจ",
    "อัยการ",
    "ศาล",
    "พยาน",
    "ប៉ូលិស",
    "តុលាការ",
    "សាក្សី",
)
# ...and a refusal: together, "she would not talk to the police" is a reason about cooperation.
_REFUSAL_WORDS = (
    "not ",
    "n't",
    "never",
    "refus",
    "declin",
    "unwilling",
    "no longer",
    "stopped",
    "tidak",
    "tak ",
    "menolak",
    "enggan",
    "ไม่",
    "ปฏิเสธ",
    "មិន",
    "បដិសេធ",
)


def mentions_cooperation(text: str) -> bool:
    lowered = f" {text.casefold()} "
    if any(word in lowered for word in _COOPERATION_WORDS):
        return True
    return any(word in lowered for word in _AUTHORITY_WORDS) and any(
        word in lowered for word in _REFUSAL_WORDS
    )


def check_not_conditional(*, reason: str) -> None:
    """CC-8: help is never refused, ended, reduced or suspended because the child does not
    cooperate with the authorities."""
    if mentions_cooperation(reason):
        raise SafeguardViolation(HELP_NOT_CONDITIONAL.measure_id, HELP_NOT_CONDITIONAL.message)


HELP_NOT_CONDITIONAL = register(
    BlockRule(
        code="cc8.help_not_conditional",
        measure_id="CC-8",
        severity=Severity.BLOCK,
        title=_("Help never depends on cooperation"),
        message=_(
            "Protection and support are given on the basis of need and never depend on the "
            "child's cooperation with the authorities: whether the child talks to the police or "
            "gives evidence cannot be a reason to end, refuse or reduce help. Keep the help "
            "going, or record the real reason."
        ),
        check=check_not_conditional,
    )
)


@dataclass(frozen=True)
class HelpEnding:
    """A write that ends, refuses, reduces or suspends help, and where its reasons are."""

    name: str  # "module.function"
    reasons: type[models.TextChoices]
    reason: str  # the keyword argument that carries the reason's code
    detail: str  # the keyword argument that carries the free text
    when: Callable[[Mapping[str, Any]], bool] | None


_ENDINGS: dict[str, HelpEnding] = {}


def help_endings() -> list[HelpEnding]:
    return list(_ENDINGS.values())


def check_ending(ending: HelpEnding, code: str, detail: str) -> None:
    """The one check of every help-ending write: a reason from the list; "other" described;
    no detail about cooperation (CC-8)."""
    if code not in ending.reasons.values:
        raise ValidationError({ending.reason: gettext("Choose why from the list.")})
    if code == "other" and not detail.strip():
        raise ValidationError({ending.detail: gettext("Describe why.")})
    HELP_NOT_CONDITIONAL.check(reason=detail)


def ends_help(
    *,
    reasons: type[models.TextChoices],
    reason: str = "reason_code",
    detail: str = "reason",
    when: Callable[[Mapping[str, Any]], bool] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a service as ending help: its keyword arguments `reason` (a code of `reasons`) and
    `detail` (free text) are checked before it runs, when `when(kwargs)` holds (a service that
    ends help only on some calls, such as a stage change to closed)."""
    for value in reasons.values:
        if mentions_cooperation(value.replace("_", " ")):
            raise ImproperlyConfigured(f"{reasons.__name__}.{value} is a reason about cooperation")

    def decorate(function: Callable[..., Any]) -> Callable[..., Any]:
        name = f"{function.__module__}.{function.__qualname__}"
        ending = HelpEnding(name, reasons, reason, detail, when)
        _ENDINGS[name] = ending

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if when is None or when(kwargs):
                check_ending(ending, str(kwargs.get(reason) or ""), str(kwargs.get(detail) or ""))
            return function(*args, **kwargs)

        checked.help_ending = ending  # type: ignore[attr-defined]
        return checked

    return decorate
