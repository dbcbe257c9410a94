"""ID-2: a claim to be under 18 is recorded, and `presumed_minor` is set on every record the
presumption applies to today. 0002 added the flag as False on every existing row, and the
presumption now also covers an estimated age under HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER; the
age-assessment reminder (id2.age_assessment_needed) reads the flag. The flag is only ever set
here, never cleared: only a completed age assessment clears it."""

from datetime import date

from django.conf import settings
from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

ADULT_AGE = 18


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def set_presumed_minor(apps, schema_editor):  # type: ignore[no-untyped-def]
    Child = apps.get_model("children", "Child")
    AgeAssessment = apps.get_model("children", "AgeAssessment")
    today = timezone.localdate()
    limit = max(ADULT_AGE, getattr(settings, "HAVEN_PRESUMPTION_ESTIMATED_AGE_UNDER", 21))
    adult_born = _years_before(today, ADULT_AGE)  # born on or before: 18 or older today
    limit_born = _years_before(today, limit)  # born after: under the limit today
    determined = AgeAssessment.objects.filter(status="completed").values("child_id")
    presumed = (
        Q(age_status__in=["uncertain", "disputed", "determined"])
        | Q(birth_date__isnull=True)
        | (Q(age_status="estimated") & (Q(minority_indicators=True) | Q(birth_date__gt=limit_born)))
        | Q(age_status="known", birth_date__lte=adult_born, minority_indicators=True)
    )
    (
        Child.objects.filter(presumed_minor=False)
        .exclude(pk__in=determined)
        .filter(presumed)
        .update(presumed_minor=True)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("children", "0002_child_presumed_minor"),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="claims_child",
            field=models.BooleanField(default=False, verbose_name="says they are under 18"),
        ),
        migrations.RunPython(set_presumed_minor, migrations.RunPython.noop, elidable=True),
    ]
