# DP-5: a consent to share information names the Haven agencies it covers (recipient_agencies),
# and the free text `recipients` now holds only those outside Haven.
#
# Data: every existing free text is kept, unchanged, as the "outside Haven" text. No agency is
# guessed from it (a text such as "the hospital only, not the shelter" cannot be read safely),
# so a consent recorded before this migration names no Haven agency and no longer authorises a
# referral to one: record the child's consent again, naming the agencies, or use a legal basis.
# The table needs no rewrite: the column keeps its name and values; only its label changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_agency_time_zone"),
        ("consent", "0003_alter_consent_override_decision"),
    ]

    operations = [
        migrations.AddField(
            model_name="consent",
            name="recipient_agencies",
            field=models.ManyToManyField(
                blank=True,
                related_name="+",
                to="accounts.agency",
                verbose_name="Haven agencies that will receive the information",
            ),
        ),
        migrations.AlterField(
            model_name="consent",
            name="recipients",
            field=models.CharField(
                blank=True,
                max_length=300,
                verbose_name="others outside Haven who will receive the information",
            ),
        ),
    ]
