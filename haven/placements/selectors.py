"""Reads about where the child lives. Callers pass a case already loaded through
haven.cases.access."""

from statistics import median
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from haven.placements.models import (
    SHELTERS,
    Charge,
    FamilyContact,
    Liberty,
    LibertyChallenge,
    Placement,
    Restriction,
)


def placements(case: Any) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(case=case)
        .select_related("decision")
        .prefetch_related("reviews", "challenges")
    )


def current_placements(case: Any) -> list[Placement]:
    """Where the child lives now (a move may overlap the last day of the place before), oldest
    record first: read once per case object, for the case page's part and its list of what is
    due (placements.due), which read them one query each before."""
    kept: list[Placement] | None = case.__dict__.get("_haven_current_placements")
    if kept is None:
        kept = list(case.placements.current().order_by("pk"))
        case.__dict__["_haven_current_placements"] = kept
    return kept


def current_placement(case: Any) -> Placement | None:
    placements = current_placements(case)
    return placements[0] if placements else None


def challenges(case: Any) -> QuerySet[LibertyChallenge]:
    return LibertyChallenge.objects.filter(placement__case=case).select_related("placement")


def restrictions(case: Any) -> QuerySet[Restriction]:
    return Restriction.objects.filter(case=case)


def family_contacts(case: Any) -> QuerySet[FamilyContact]:
    return FamilyContact.objects.filter(case=case)


def charges(case: Any) -> QuerySet[Charge]:
    return Charge.objects.filter(case=case)


def placement_figures(placements_qs: QuerySet[Placement] | None = None) -> dict[str, Any]:
    """Figures for reports (ND-3, ND-5): shelter stays (how many, how long in days: median and
    longest, current and ended), children in detention now, and the days from a challenge to
    its decision. A few queries whatever the number of placements; released statistics add
    small-cell suppression in the reports, not here."""
    qs = placements_qs if placements_qs is not None else Placement.objects.all()
    today = timezone.localdate()
    stays = [
        ((end or today) - start).days
        for start, end in qs.filter(type__in=list(SHELTERS)).values_list("start_on", "end_on")
    ]
    waits = [
        (decided - lodged).days
        for lodged, decided in LibertyChallenge.objects.filter(
            placement__in=qs, decided_on__isnull=False
        ).values_list("lodged_on", "decided_on")
        if decided is not None
    ]
    return {
        "shelter_stays": len(stays),
        "shelter_days_median": median(stays) if stays else None,
        "shelter_days_longest": max(stays) if stays else None,
        "in_detention_now": Placement.objects.current()
        .filter(pk__in=qs.values("pk"), liberty=Liberty.CUSTODY)
        .count(),
        "challenges_decided": len(waits),
        "days_to_decision_median": median(waits) if waits else None,
    }
