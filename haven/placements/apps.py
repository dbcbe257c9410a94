from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacementsConfig(AppConfig):
    """Where the child lives (ND-1 … ND-5): placements, reviews, restrictions, family contact,
    charges against the child and challenges to detention. Above protection, whose legal
    services it reads."""

    name = "haven.placements"
    verbose_name = _("Where the child lives")

    def ready(self) -> None:
        from haven.placements import due, labels, page, rules, steps  # noqa: F401  (registers the rules, labels, what is due, its part of the case page and the first step it meets)
