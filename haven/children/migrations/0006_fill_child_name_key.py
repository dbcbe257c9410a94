"""Fill Child.name_key for the children already on record, 500 at a time, as
haven.children.services.keep_name_key keeps it from now on: the search key of the names, the
other names and the names of the records merged into the child (RR-6)."""

from django.db import migrations

from haven.core.names import search_key

BATCH = 500


def _names(child):  # type: ignore[no-untyped-def]
    return [child.name_romanised, *(a.name for a in child.aliases.all())]


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Child = apps.get_model("children", "Child")
    last = 0
    while True:
        batch = list(
            Child.objects.filter(pk__gt=last).order_by("pk").prefetch_related("aliases")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        merged: dict[int, list[str]] = {}
        for other in Child.objects.filter(
            merged_into_id__in=[c.pk for c in batch]
        ).prefetch_related("aliases"):
            merged.setdefault(other.merged_into_id, []).extend(
                [f"{other.given_name} {other.family_name}", *_names(other)]
            )
        for child in batch:
            child.name_key = search_key(
                child.given_name, child.family_name, *_names(child), *merged.get(child.pk, [])
            )
        Child.objects.bulk_update(batch, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("children", "0005_child_name_key")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
