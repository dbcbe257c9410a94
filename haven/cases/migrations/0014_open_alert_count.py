from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery


def count_open_alerts(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Each case with an open alert gets its count, from the alerts themselves (one UPDATE)."""
    Case = apps.get_model("cases", "Case")
    Alert = apps.get_model("safeguards", "Alert")
    open_alerts = Alert.objects.filter(status="open")
    counted = (
        open_alerts.filter(case_id=OuterRef("pk"))
        .order_by()
        .values("case_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Case.objects.filter(pk__in=open_alerts.values("case_id")).update(
        open_alert_count=Subquery(counted[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_episode_started_at"),
        ("safeguards", "0004_open_alert_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="open_alert_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="open alerts"
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("stage", "closed"), _negated=True),
                fields=["lead_agency", "-open_alert_count", "-stage_changed_at", "-id"],
                name="case_open_by_alerts_idx",
            ),
        ),
        migrations.RunPython(count_open_alerts, migrations.RunPython.noop),
    ]
