"""Which models a piece of SQL reads: the tables named after FROM and JOIN, as model labels."""

import re
from collections.abc import Iterable

from django.apps import apps

_TABLE = re.compile(r'\b(?:FROM|JOIN)\s+"([^"]+)"', re.IGNORECASE)


def tables_of(sql: Iterable[str]) -> set[str]:
    return {table for statement in sql for table in _TABLE.findall(statement)}


def labels_of(sql: Iterable[str]) -> set[str]:
    by_table = {model._meta.db_table: model._meta.label for model in apps.get_models()}
    return {by_table.get(table, table) for table in tables_of(sql)}
