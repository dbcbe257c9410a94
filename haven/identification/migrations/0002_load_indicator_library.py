"""Load the indicator library (ID-3) from fixtures/indicators.json. The library is data: it is
corrected in the admin, or by editing the fixture and running `manage.py loaddata indicators`."""

import json
from pathlib import Path

from django.db import migrations

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "indicators.json"


def load(apps, schema_editor):
    Indicator = apps.get_model("identification", "Indicator")
    for row in json.loads(FIXTURE.read_text(encoding="utf-8")):
        fields = dict(row["fields"])
        code = fields.pop("code")
        Indicator.objects.update_or_create(code=code, defaults=fields)


def unload(apps, schema_editor):
    codes = [row["fields"]["code"] for row in json.loads(FIXTURE.read_text(encoding="utf-8"))]
    apps.get_model("identification", "Indicator").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("identification", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
