"""Sensitivity classes (DP-1, DP-7, DP-14).

Every field a practitioner can see belongs to one class; roles are allowed to read some classes
(haven.accounts.roles.READABLE). Children's data is the highest class by default (DP-14), so a
field that is not classified is treated as restricted, not as public.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sensitivity(models.TextChoices):
    BASIC = "basic", _("Case basics (reference, stage, dates)")
    IDENTITY = "identity", _("Identity (names, age, sex, nationality, languages)")
    FAMILY = "family", _("Family and parental care")
    NARRATIVE = "narrative", _("What the child has told, and case notes")
    HEALTH = "health", _("Health and disability")
    LEGAL = "legal", _("Legal matters")
    LOCATION = "location", _("Whereabouts")
