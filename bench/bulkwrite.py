"""Write the benchmark's model instances with PostgreSQL's COPY: `write(Model, objs)`.

`bulk_create` spends most of the benchmark generator's time in Django rather than in the
database: it compiles an INSERT for every batch, prepares each value through its field, and on
PostgreSQL sends each column as an array that psycopg formats in Python. At 10,000 cases it was
42 of the generator's 67 s (profiled). COPY takes the rows as psycopg formats them in C, and the
keys come from the table's own sequence, reserved for the whole list in one query, so that rows
written later can point at these.

Written by hand because no library does this for Django models: django-postgres-copy (the one
maintained package) copies from CSV files, not from instances. It is benchmark tooling only; the
application never writes this way (no audit event, no service, no safeguard evaluation).

On any other database (SQLite) it is `bulk_create`, as before.

`plain_instances()` makes the instances themselves cheaper: Django's Model.__init__ was the
other large cost (14.5 of the remaining 37 s profiled at 10,000 cases).
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.db.models.base import ModelState
from django.db.models.fields import Field
from django.utils import timezone

BATCH = 2000  # bulk_create's batch size elsewhere than PostgreSQL

# Fields whose Python values psycopg adapts as they are: no need to go through the field's
# get_db_prep_save for every row. Anything else (encrypted fields, JSON, arrays, choices kept
# as something else) goes through its field, as bulk_create would.
_AS_IS = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.TextField,
    models.DateField,  # DateTimeField too (a subclass); pre_save is still called for them
    models.UUIDField,
    models.ForeignKey,
    models.OneToOneField,
)


def _is_plain(field: Field) -> bool:
    # Exact classes only: a subclass (an encrypted text field, say) may prepare its value.
    return type(field) in _AS_IS or (
        isinstance(field, models.DateField) and type(field).__module__.startswith("django.")
    )


def write(model: type[models.Model], objs: Iterable[Any]) -> list[Any]:
    """Insert `objs` (unsaved instances of `model`) and give each its primary key, as
    bulk_create does. Related objects assigned by instance (`case=case`) must be saved already."""
    objs = list(objs)
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model.objects.bulk_create(objs, batch_size=BATCH)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = [f for f in meta.concrete_fields]
    if isinstance(pk, models.AutoField) and any(o.pk is None for o in objs):
        # Reserve the keys: the same numbers the rows would have taken from the sequence.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, pk.column, len(objs)],
            )
            keys = [row[0] for row in cursor.fetchall()]
        for obj, key in zip(objs, keys, strict=True):
            if obj.pk is None:
                obj.pk = key
    # Worked out once per table, not per row.
    read = attrgetter(*(f.attname for f in fields))
    related = [(i, f) for i, f in enumerate(fields) if f.is_relation]
    prepared = [(i, f) for i, f in enumerate(fields) if not _is_plain(f)]
    stamped = [
        (i, f)
        for i, f in enumerate(fields)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saving = [  # any other field that changes its value on save (none here today)
        (i, f)
        for i, f in enumerate(fields)
        if type(f).pre_save is not Field.pre_save and not isinstance(f, models.DateField)
    ]
    now = timezone.now()  # auto_now(_add): one moment for the table, where Django takes one a row
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    copying = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(copying) as copy:
        for obj in objs:
            values = list(read(obj)) if len(fields) > 1 else [read(obj)]
            for i, f in related:
                # What _prepare_related_fields_for_save does: `case=case` sets case_id.
                if values[i] is None:
                    parent = f.get_cached_value(obj, default=None)
                    if parent is not None:
                        values[i] = obj.__dict__[f.attname] = parent.pk
            for i, f in stamped:
                values[i] = obj.__dict__[f.attname] = now
            for i, f in saving:
                values[i] = f.pre_save(obj, add=True)
            for i, f in prepared:
                values[i] = f.get_db_prep_save(values[i], connection)
            copy.write_row(values)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


class _Plan:
    """What Model.__init__ works out for every instance, worked out once per model."""

    def __init__(self, model: type[models.Model]) -> None:
        self.constant: dict[str, Any] = {}
        self.computed: list[tuple[str, str, Callable[[], Any]]] = []
        self.related: dict[str, Field] = {}
        self.attnames: set[str] = set()
        for f in model._meta.concrete_fields:
            if f.generated:
                continue
            self.attnames.add(f.attname)
            if f.is_relation:
                self.related[f.name] = f
            if f.has_default() and callable(f.default):
                self.computed.append((f.name, f.attname, f.get_default))  # a uuid, a list
            else:
                self.constant[f.attname] = f.get_default()  # immutable: None, "", 0, False


_plans: dict[type[models.Model], _Plan] = {}


def _plain_init(self: models.Model, *args: Any, **kwargs: Any) -> None:
    if args:  # a row read from the database (Model.from_db): Django's own way
        _django_init(self, *args, **kwargs)
        return
    cls = type(self)
    plan = _plans.get(cls) or _plans.setdefault(cls, _Plan(cls))
    self._state = ModelState()
    values = self.__dict__
    values.update(plan.constant)
    for name, attname, default in plan.computed:
        if name not in kwargs and attname not in kwargs:
            values[attname] = default()
    for key, value in kwargs.items():
        field = plan.related.get(key)
        if field is not None:  # case=case: the key now if it is saved, else when written
            values[field.attname] = None if value is None else value.pk
            field.set_cached_value(self, value)
        elif key in plan.attnames:
            values[key] = value
        else:  # a property, or a mistake that setattr reports as Django would not
            if not hasattr(cls, key):
                raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {key!r}")
            setattr(self, key, value)


_django_init = models.Model.__init__


@contextmanager
def plain_instances() -> Iterator[None]:
    """Within the block, `Model(field=value, ...)` sets the fields and their defaults straight
    into the instance: no pre_init/post_init signals (Haven has no receivers), no descriptor per
    field. A related object given by instance is kept, and its key is read when the row is
    written (`write`), so a parent may be saved after its child is drawn. Rows read from the
    database are built as Django builds them."""
    models.Model.__init__ = _plain_init  # type: ignore[method-assign]
    try:
        yield
    finally:
        models.Model.__init__ = _django_init  # type: ignore[method-assign]
