"""Reads of best-interests decisions. Callers pass a case already loaded through
haven.cases.access."""

from typing import Any

from django.db.models import QuerySet

from haven.decisions.models import Decision


def decisions(case: Any) -> QuerySet[Decision]:
    return Decision.objects.filter(case=case).select_related("decided_by")


def determinations(case: Any) -> QuerySet[Decision]:
    return decisions(case).filter(kind=Decision.Kind.BID)


def return_determinations(case: Any) -> QuerySet[Decision]:
    """The case's determinations about a return to the family or country (RR-7, CC-2)."""
    return determinations(case).filter(subject=Decision.Subject.RETURN)
