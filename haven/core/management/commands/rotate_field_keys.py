from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from haven.core.fields import EncryptedFileField, EncryptedTextField, fernet


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the first key in HAVEN_FIELD_KEYS (DP-7). "
        "Put the new key first, run this, then remove the old key. Encrypted files (documents "
        "and photos) are re-encrypted too."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        size = options["batch_size"]
        total = 0
        for model in apps.get_models():
            columns = [
                f.attname for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)
            ]
            if not columns:
                continue
            # Reading decrypts with whichever key fits; update() encrypts with the first key.
            manager = model._default_manager
            pks = list(manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), size):
                with transaction.atomic():
                    rows = manager.filter(pk__in=pks[start : start + size]).values_list(
                        "pk", *columns
                    )
                    for pk, *values in rows:
                        manager.filter(pk=pk).update(**dict(zip(columns, values, strict=True)))
            total += len(pks)
            self.stdout.write(f"{model._meta.label}: {len(pks)} row(s) re-encrypted")
        files = self._rotate_files()
        self.stdout.write(f"done: {total} row(s), {files} file(s)")

    def _rotate_files(self) -> int:
        """Each encrypted file is written anew under a new name, the row then points to it,
        and only then is the old file deleted: a run stopped half-way leaves every row with a
        file it can read."""
        count = 0
        for model in apps.get_models():
            for field in model._meta.get_fields():
                if not isinstance(field, EncryptedFileField):
                    continue
                manager = model._default_manager
                for pk, name in manager.exclude(**{field.attname: ""}).values_list(
                    "pk", field.attname
                ):
                    with field.storage.open(name, "rb") as stored:
                        token = stored.read()
                    new_name = field.storage.save(
                        field.generate_filename(model(pk=pk), "rotated"),
                        ContentFile(fernet().rotate(token)),
                    )
                    manager.filter(pk=pk).update(**{field.attname: new_name})
                    field.storage.delete(name)
                    count += 1
                self.stdout.write(f"{model._meta.label}.{field.name}: {count} file(s) re-encrypted")
        return count
