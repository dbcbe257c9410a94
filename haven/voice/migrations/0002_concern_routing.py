# A concern about a practitioner reaches someone who is not its subject (CC-13): the notice
# records the agency it came through and why (the route); a concern may name its subject.
# The notice's agency becomes required in 0003, in its own transaction (PostgreSQL refuses to
# alter a table with pending deferred-constraint events from the fill).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def notices_came_through_the_concerns_agency(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Every notice so far went to a safeguarding lead of the concern's own agency."""
    ConcernNotice = apps.get_model("voice", "ConcernNotice")
    for notice in ConcernNotice.objects.select_related("feedback").filter(agency__isnull=True):
        notice.agency_id = notice.feedback.agency_id
        notice.save(update_fields=["agency"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_agency_time_zone"),
        ("voice", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="concernnotice",
            name="agency",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.agency",
            ),
        ),
        migrations.RunPython(
            notices_came_through_the_concerns_agency, migrations.RunPython.noop, elidable=False
        ),
        migrations.AddField(
            model_name="concernnotice",
            name="route",
            field=models.CharField(
                choices=[
                    ("lead", "the agency's safeguarding lead"),
                    ("supervisor", "a supervisor, as the agency has no safeguarding lead"),
                    ("authority", "the child-protection authority"),
                ],
                default="lead",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="feedback",
            name="subject",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="who it is about",
            ),
        ),
    ]
