from django.db import migrations


class Migration(migrations.Migration):
    """The count of open alerts moved onto the case (cases 0014), where an index can order an
    agency's open cases by it."""

    dependencies = [
        ("cases", "0014_open_alert_count"),
        ("safeguards", "0004_open_alert_count"),
    ]

    operations = [
        migrations.DeleteModel(name="OpenAlertCount"),
    ]
