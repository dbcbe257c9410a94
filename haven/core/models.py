"""The base every Haven record shares: an opaque public ID for URLs and the API, who created or
last changed it and when, and the sensitivity class of the record as a whole. Integer primary
keys never leave the server (DP-13)."""

import uuid
from collections.abc import Sequence
from datetime import UTC
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import RowNumber
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from haven.core.sensitivity import Sensitivity

# Keys per `IN (...)` list when a set of rows is read or written in parts: below SQLite's limit
# on a statement's bound parameters.
IN_LIST_SIZE = 900


@cache
def _labels(field: "models.Field[Any, Any]") -> dict[Any, Any]:
    """A field's choices as {value: label}, the labels left lazy (translated when shown). Every
    Haven field's choices are fixed when the model is defined."""
    return dict(make_hashable(field.flatchoices))


class HavenModel(models.Model):
    public_id = models.UUIDField(_("ID"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # The class of the record as a whole (DP-1): a person who may not read it may not know it
    # exists, through any page or the API (haven.cases.access.record_for). Its fields can be
    # classed higher (EncryptedTextField(sensitivity=...)).
    ROW_SENSITIVITY: ClassVar[Sensitivity] = Sensitivity.BASIC

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: "models.Field[Any, Any]") -> str:
        """`get_<field>_display()`, as Django's but with the field's choices kept as a dict:
        Django builds it anew on each call, hashing every choice's translated label (a
        gettext call per choice), which was most of the time of a list of twenty people with
        their roles."""
        value = getattr(self, field.attname)
        label = _labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)  # type: ignore[no-any-return]

    @property
    def version(self) -> str:
        """The version a person opened, to send back with their changes (haven.core.versions):
        when the record was last saved, in UTC to the microsecond. Both databases keep the
        microseconds, so the token read back is the token written. Empty for an unsaved record."""
        if self.updated_at is None:
            return ""
        return self.updated_at.astimezone(UTC).isoformat(timespec="microseconds")

    @property
    def row_sensitivity(self) -> Sensitivity:
        """This record's class; a model whose rows differ (a service, by its type) overrides it."""
        return self.ROW_SENSITIVITY

    def readable_with(self, classes: frozenset[Sensitivity] | set[Sensitivity]) -> bool:
        """Whether a person who may read these classes on the case may know this record exists
        (DP-1, DP-9). A record that concerns two classes overrides it: a place the child cannot
        leave is whereabouts and a legal matter alike (haven.placements.models.Placement)."""
        return self.row_sensitivity in classes


class ListHolds(models.Func):
    """True when the JSON list of the first expression holds the text of the second: a person's
    working languages (`User.languages`) against one of a child's languages, row by row in SQL.
    Written by hand because Django has no portable lookup for it: its `contains` on a JSONField
    is PostgreSQL-only and takes a value, not a column. PostgreSQL's `jsonb_exists` (the `?`
    operator) and SQLite's `json_each` read the same list."""

    arity = 2
    output_field = models.BooleanField()

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        return self.as_sql(compiler, connection, template="jsonb_exists(%(expressions)s)")

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        (array, array_params), (item, item_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        # Compiled expressions and their parameters, never a value written into the text.
        sql = f"EXISTS (SELECT 1 FROM json_each({array}) AS held WHERE held.value = {item})"  # noqa: S608
        return sql, (*array_params, *item_params)


def latest_rows[M: models.Model](
    rows: models.QuerySet[M], by: Sequence[str], newest_first: Sequence[str]
) -> models.QuerySet[M]:
    """The first of `rows` in each group of equal `by` fields, in the order `newest_first`
    (field names, "-" for descending; end with "-pk" so that a tie has one winner), as a
    queryset of the model to filter further. One window over the rows in SQL (ROW_NUMBER() OVER
    (PARTITION BY ...)): the alert rules read every open case's latest plan or pathway into
    Python to keep the first of each before (0.6–0.9 s a rule at 100,000 cases, most of it
    building model instances)."""
    order = [
        models.F(name[1:]).desc() if name.startswith("-") else models.F(name).asc()
        for name in newest_first
    ]
    ranked = rows.order_by().annotate(
        _rank=models.Window(
            RowNumber(), partition_by=[models.F(name) for name in by], order_by=order
        )
    )
    return rows.model._default_manager.filter(pk__in=ranked.filter(_rank=1).values("pk"))
