"""Model objects from hand-written reads.

A few reads run on every API call and every answer (the bearer token's
holder, the item being answered), and one insert on every answer. For those, the ORM's building of the query
cost more than the database took to run it (decision 0016), so they are
written as SQL by the app that owns the table, and the row is turned into
the object the ORM would have built: the same columns, passed through the
same converters (SQLite hands dates and JSON back as text), worked out once
per model and process.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Model, signals

M = TypeVar("M", bound=Model)


@functools.cache
def _shape(
    model: type[Model],
) -> tuple[list[str], list[str], list[tuple[int, list[Callable], Any]]]:
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return [f.column for f in fields], [f.attname for f in fields], converters


def columns(model: type[Model], alias: str) -> str:
    """The model's columns, in the order :func:`model_from_row` reads them,
    each prefixed with the table's ``alias`` in the query."""
    return ", ".join(f"{alias}.{column}" for column in _shape(model)[0])


def model_from_row(model: type[M], row: Sequence[Any]) -> M:
    """The object for a row that starts with :func:`columns` (what follows
    them is the caller's)."""
    names, attnames, converters = _shape(model)
    values = list(row[: len(names)])
    for index, found, column in converters:
        for convert in found:
            values[index] = convert(values[index], column, connection)
    return model.from_db(connection.alias, attnames, values)


@functools.cache
def _insert_shape(model: type[Model]) -> tuple[str, list]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = f"INSERT INTO {model._meta.db_table} ({columns}) VALUES ({marks}) RETURNING {pk}"
    return sql, fields


def insert(obj: Model) -> None:
    """What ``obj.save()`` does for a new row of a model with an automatic
    primary key — the same values, the ``pre_save`` and ``post_save``
    signals — with the INSERT written once per model: the answer path saves
    one response per answer, and building the ORM's INSERT was a tenth of
    an answer's cost (decision 0016)."""
    model = type(obj)
    if not connection.features.can_return_columns_from_insert:
        obj.save()
        return
    sql, fields = _insert_shape(model)
    using = connection.alias
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    values = [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = using
    signals.post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
    )
