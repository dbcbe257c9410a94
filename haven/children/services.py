"""Creating a child's record, and the validation every write to it shares. A child never exists
without a case: the writes made through a case (editing the record, an age assessment) are in
haven.cases.child_services, where access to the case is checked."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from haven.audit.services import REDACTED
from haven.children.age import presumption_of_minority
from haven.children.models import (
    Child,
    ChildAlias,
    ChildLanguage,
    ChildNameKey,
    ChildNationality,
)
from haven.core.codes import validate_country, validate_language
from haven.core.names import comparison_keys, search_key

# Fields a practitioner edits on the child's record. Names and special needs are case content:
# the audit trail records that they changed, never their values.
CHILD_FIELDS = (
    "given_name",
    "family_name",
    "family_name_first",
    "name_romanised",
    "sex",
    "gender",
    "gender_self_described",
    "birth_date",
    "age_status",
    "claims_adult",
    "claims_child",
    "minority_indicators",
    "parental_care",
    "has_disability",
    "special_needs",
)
# The fields whose words Child.name_key holds, with the other names (ID-7).
NAME_FIELDS = frozenset({"given_name", "family_name", "name_romanised"})
# Everything about the child is case content, recorded in the audit trail as changed without
# its values (DP-3; the trail is append-only and could never be erased under DP-8). Only the
# fields that explain the presumption of minority keep their values.
CONTENT_FIELDS = tuple(
    f
    for f in CHILD_FIELDS
    if f not in {"age_status", "claims_adult", "claims_child", "minority_indicators"}
)


def _clean_codes(values: Iterable[str], validator: Any, field: str) -> list[str]:
    codes = []
    for raw in values:
        code = raw.strip()
        if not code:
            continue
        try:
            validator(code)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
        if code not in codes:
            codes.append(code)
    return codes


def _clean_aliases(aliases: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(a.strip()[:250] for a in aliases if a.strip()))


def name_key_of(child: Child, aliases: Iterable[str], merged: Iterable[Child] = ()) -> str:
    """The search key of every name the child is known by (Child.name_key, ID-7): the given and
    family names, the name in Latin letters, the other names, and the names of the records
    merged into this one (RR-6), each with its own other names (`merged` with `aliases`
    prefetched)."""
    names = [child.given_name, child.family_name, child.name_romanised, *aliases]
    for other in merged:
        names += [f"{other.given_name} {other.family_name}", other.name_romanised]
        names += [a.name for a in other.aliases.all()]
    return search_key(*names)


def comparison_keys_of(child: Child, aliases: Iterable[str]) -> list[str]:
    """The keys the search for a known child compares (ChildNameKey, ID-7): the given and family
    names in their places, then the name in Latin letters, the name as shown and the other
    names. A record merged into another keeps its own keys; the search finds the record it was
    merged into through them."""
    others = [child.name_romanised, child.display_name, *aliases]
    return comparison_keys(child.given_name, child.family_name, *(n for n in others if n))


def keep_name_key(child: Child) -> None:
    """Make the stored search keys true again after a write of the child's names or other names,
    or a merge with another record, in the caller's transaction: three queries, four with a
    merged record, and the writes only of the keys that changed."""
    aliases = list(child.aliases.values_list("name", flat=True))
    merged = Child.objects.filter(merged_into=child).prefetch_related("aliases")
    key = name_key_of(child, aliases, merged)
    if key != child.name_key:
        Child.objects.filter(pk=child.pk).update(name_key=key)
        child.name_key = key
    keys = comparison_keys_of(child, aliases)
    stored = set(child.comparison_keys.values_list("key", flat=True))
    # Only the keys that changed: on PostgreSQL each write of keys makes triggers add their
    # words to the vocabulary and remove those no key holds (children migration 0009).
    gone, new = stored - set(keys), [key for key in keys if key not in stored]
    if gone:
        child.comparison_keys.filter(key__in=gone).delete()
    if new:
        _add_comparison_keys(child, new)


def _add_comparison_keys(child: Child, keys: Iterable[str]) -> None:
    ChildNameKey.objects.bulk_create([ChildNameKey(child=child, key=k) for k in keys])


def set_identity_lists(
    child: Child,
    *,
    nationalities: Iterable[str] | None,
    languages: Iterable[str] | None,
    aliases: Iterable[str] | None,
) -> dict[str, list[Any]]:
    """Replace the child's nationalities, languages and aliases; return the audit changes."""
    changes: dict[str, list[Any]] = {}
    if nationalities is not None:
        codes = _clean_codes(nationalities, validate_country, "nationalities")
        before = sorted(child.nationalities.values_list("country", flat=True))
        child.nationalities.exclude(country__in=codes).delete()
        ChildNationality.objects.bulk_create(
            [ChildNationality(child=child, country=c) for c in codes if c not in before]
        )
        if before != sorted(codes):
            changes["nationalities"] = [REDACTED, REDACTED]
    if languages is not None:
        codes = _clean_codes(languages, validate_language, "languages")
        before = list(
            child.languages.order_by("-is_preferred", "language").values_list("language", flat=True)
        )
        child.languages.all().delete()
        ChildLanguage.objects.bulk_create(
            [
                ChildLanguage(child=child, language=c, is_preferred=(i == 0))
                for i, c in enumerate(codes)
            ]
        )
        if sorted(before) != sorted(codes) or before[:1] != codes[:1]:
            changes["languages"] = [REDACTED, REDACTED]
    if aliases is not None:
        names = _clean_aliases(aliases)
        before = sorted(child.aliases.values_list("name", flat=True))
        child.aliases.exclude(name__in=names).delete()
        ChildAlias.objects.bulk_create(
            [ChildAlias(child=child, name=n) for n in names if n not in before]
        )
        if before != sorted(names):
            changes["aliases"] = [REDACTED, REDACTED]
    return changes


def child_create(
    *,
    actor: Any,
    nationalities: Iterable[str] = (),
    languages: Iterable[str] = (),
    aliases: Iterable[str] = (),
    **fields: Any,
) -> Child:
    """Create a child's record. Called by case registration; a child never exists without a case,
    so that access to the child always follows access to a case (DP-1)."""
    unknown = set(fields) - set(CHILD_FIELDS)
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    child = Child(created_by=actor, updated_by=actor, **fields)
    child.full_clean()
    child.presumed_minor = presumption_of_minority(child, None, standing=False).is_presumed
    aliases = _clean_aliases(aliases)
    child.name_key = name_key_of(child, aliases)
    child.save()
    set_identity_lists(child, nationalities=nationalities, languages=languages, aliases=aliases)
    _add_comparison_keys(child, comparison_keys_of(child, aliases))
    return child
