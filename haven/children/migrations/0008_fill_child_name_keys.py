"""Fill ChildNameKey for the children already on record, 500 at a time, as
haven.children.services.keep_name_key keeps it from now on, and on PostgreSQL index the keys by
trigram (pg_trgm) so that the search for a known child finds the closest names among all the
children on record rather than among the most recent (ID-7). SQLite has no trigram index: its
search compares every child's keys."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from haven.core.names import comparison_keys

BATCH = 500
INDEX = "child_name_key_trgm"


def _keys(child):  # type: ignore[no-untyped-def]
    # As haven.children.services.comparison_keys_of; Child.display_name is not on the
    # historical model.
    parts = (child.given_name, child.family_name)
    if child.family_name_first:
        parts = (child.family_name, child.given_name)
    shown = " ".join(p for p in parts if p)
    others = [child.name_romanised, shown, *(a.name for a in child.aliases.all())]
    return comparison_keys(child.given_name, child.family_name, *(n for n in others if n))


def fill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Child = apps.get_model("children", "Child")
    ChildNameKey = apps.get_model("children", "ChildNameKey")
    last = 0
    while True:
        batch = list(
            Child.objects.filter(pk__gt=last).order_by("pk").prefetch_related("aliases")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        ChildNameKey.objects.bulk_create(
            [ChildNameKey(child=child, key=key) for child in batch for key in _keys(child)]
        )


def add_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {INDEX} ON children_childnamekey USING gin (key gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("children", "0007_child_name_keys")]
    operations = [
        # Only on PostgreSQL: the operation does nothing on another database.
        TrigramExtension(),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(add_index, drop_index),
    ]
