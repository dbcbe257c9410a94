from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each reopened case's last reopening, from its stage changes (one UPDATE)."""
    Case = apps.get_model("cases", "Case")
    StageChange = apps.get_model("cases", "StageChange")
    reopenings = StageChange.objects.filter(from_stage="closed")
    last = reopenings.filter(case_id=OuterRef("pk")).order_by("-changed_at").values("changed_at")
    Case.objects.filter(pk__in=reopenings.values("case_id")).update(
        episode_started_at=Subquery(last[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_handover_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="episode_started_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="reopened"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
