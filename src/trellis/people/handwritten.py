"""Model objects from hand-written reads.

A few reads run on every API call and every answer (the bearer token, its
holder, the item being answered), and one insert on every answer. For those,
the ORM's building of the query cost more than the database took to run it
(decision 0016), so they are written as SQL by the app that owns the table,
and the row is turned into the object the ORM would have built: the same
columns, passed through the same converters (SQLite hands dates and JSON
back as text), worked out once per model and process.

On PostgreSQL they run on :func:`cursor`, which sends the values apart from
the SQL, so that the server keeps each statement parsed and planned for the
connection instead of doing it again on every answer.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, signals

try:
    from django.db.backends.postgresql.base import ServerBindingCursor
except ImportError:  # no psycopg: SQLite only
    ServerBindingCursor = None

M = TypeVar("M", bound=Model)


#: A statement run this many times on one connection is kept prepared on the
#: server (psycopg's default threshold; Django turns preparing off).
PREPARE_AFTER = 5


def cursor() -> CursorWrapper:
    """A cursor for a hand-written statement on the answer path.

    On PostgreSQL the values travel apart from the SQL (server-side binding)
    and a statement is prepared on the server once it has run
    ``PREPARE_AFTER`` times on the connection: parsing and planning were
    about a third of the database's work per answer (decision 0016). Only these
    statements: the ORM's SQL is not written for server-side binding (nor is
    django-pgtrigger's ``ignore``, which sends two statements at once), so
    Django's own cursors stay as they are. Elsewhere it is Django's cursor.
    Queries are logged as on any cursor (``CaptureQueriesContext`` sees them).
    """
    # The connection itself, not the ``django.db.connection`` proxy: each of
    # the proxy's attribute reads is a context-local lookup.
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or not _PREPARED or db.execute_wrappers:
        # An execute wrapper may rewrite the SQL (django-pgtrigger's
        # ``ignore`` puts a second statement in front): Django's cursor then.
        return db.cursor()
    # As Django's own ``connection.cursor()`` does before making a cursor.
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = db.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = PREPARE_AFTER
    bound = ServerBindingCursor(raw)
    return db.make_debug_cursor(bound) if db.queries_logged else db.make_cursor(bound)


#: ``DATABASE_PREPARED_STATEMENTS=0`` turns prepared statements off, for a
#: pooler that cannot keep them (PgBouncer in transaction mode before 1.21).
_PREPARED = os.environ.get("DATABASE_PREPARED_STATEMENTS", "1") not in ("0", "false", "no")


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


def width(model: type[Model]) -> int:
    """How many values of a row :func:`columns` takes up."""
    return len(_shape(model)[0])


def model_from_row(model: type[M], row: Sequence[Any], start: int = 0) -> M:
    """The object for the :func:`columns` of a row that begin at ``start``
    (what comes before or after them is the caller's)."""
    names, attnames, converters = _shape(model)
    db = connections[DEFAULT_DB_ALIAS]
    values = list(row[start : start + len(names)])
    for index, found, column in converters:
        for convert in found:
            values[index] = convert(values[index], column, db)
    return model.from_db(db.alias, attnames, values)


@functools.cache
def _rows_shape(model: type[Model], count: int) -> tuple[str, list]:
    """``INSERT INTO`` the model's table of ``count`` rows of placeholders,
    and the fields whose values fill them (all but the automatic key)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return (
        f"INSERT INTO {model._meta.db_table} ({columns}) VALUES {', '.join([row] * count)}",
        fields,
    )


@functools.cache
def _insert_shape(model: type[Model], also: tuple[str, ...], before: str) -> tuple[str, list]:
    """The one-row INSERT of :func:`_rows_shape`, returning the primary key
    and ``also``, behind the ``before`` clause."""
    sql, fields = _rows_shape(model, 1)
    returning = ", ".join([connection.ops.quote_name(model._meta.pk.column), *also])
    sql = f"{sql} RETURNING {returning}"
    return (f"WITH {before} {sql}" if before else sql), fields


def insert(
    obj: Model, *, also: tuple[str, ...] = (), before: str = "", before_params: Sequence = ()
) -> tuple:
    """What ``obj.save()`` does for a new row of a model with an automatic
    primary key — the same values, the ``pre_save`` and ``post_save``
    signals — with the INSERT written once per model: the answer path saves
    one response per answer, and building the ORM's INSERT was a tenth of
    an answer's cost (decision 0016).

    On the answer path a round trip to the database costs more than most
    statements (decision 0020), so the INSERT can carry other work of the
    same transaction: ``before``, a ``WITH`` clause run with it (its
    placeholders filled from ``before_params``), and ``also``, SQL
    expressions evaluated with the new row — a ``set_config``, or what the
    ``WITH`` clause returned. Their values are returned, in order. Only
    where the INSERT can return columns; the caller checks."""
    model = type(obj)
    db = connections[DEFAULT_DB_ALIAS]
    if not db.features.can_return_columns_from_insert:
        if also or before:
            raise ValueError(
                "This database cannot return columns from an INSERT,"
                " so it cannot carry other work with one."
            )
        obj.save()
        return ()
    sql, fields = _insert_shape(model, also, before)
    using = db.alias
    signals.pre_save.send(sender=model, instance=obj, raw=False, using=using, update_fields=None)
    values = [field.get_db_prep_save(field.pre_save(obj, True), db) for field in fields]
    with cursor() as statement:
        statement.execute(sql, [*before_params, *values])
        row = statement.fetchone()
    obj.pk = row[0]
    obj._state.adding = False
    obj._state.db = using
    signals.post_save.send(
        sender=model, instance=obj, created=True, update_fields=None, raw=False, using=using
    )
    return tuple(row[1:])


#: :func:`insert_rows` takes at most this many rows (one statement per row
#: count is kept per process); more are ``bulk_create``'s work, which batches.
INSERT_ROWS_AT_MOST = 16
INSERT_ROWS_TOO_MANY = "insert_rows takes at most {most} rows; got {count}: use bulk_create."


def _rows_values(objs: Sequence[Model]) -> tuple[str, list]:
    """The INSERT of these rows and its values (see :func:`insert_rows`)."""
    if len(objs) > INSERT_ROWS_AT_MOST:
        raise ValueError(INSERT_ROWS_TOO_MANY.format(most=INSERT_ROWS_AT_MOST, count=len(objs)))
    sql, fields = _rows_shape(type(objs[0]), len(objs))
    db = connections[DEFAULT_DB_ALIAS]
    values = [
        field.get_db_prep_save(field.pre_save(obj, True), db) for obj in objs for field in fields
    ]
    return sql, values


def _rows_saved(objs: Sequence[Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


def insert_rows(objs: Sequence[Model]) -> None:
    """What ``bulk_create`` does for a few new rows of one model with an
    automatic primary key — the same values, no signals, one statement —
    with the INSERT written once per model and row count. The primary keys
    are not read back (``bulk_create``'s callers on the answer path never
    use them): a level that changes on an answer is kept this way, and
    building the ORM's INSERT cost more than running it (decision 0020)."""
    if not objs:
        return
    sql, values = _rows_values(objs)
    with cursor() as statement:
        statement.execute(sql, values)
    _rows_saved(objs)


def insert_rows_clause(name: str, objs: Sequence[Model]) -> tuple[str, list]:
    """:func:`insert_rows` as a ``WITH`` clause named ``name`` and its
    values, for another statement to carry (PostgreSQL runs an INSERT in a
    ``WITH`` clause with the statement). The rows are marked saved at once:
    the carrying statement runs in the caller's transaction, and if it
    fails the transaction is rolled back whole."""
    sql, values = _rows_values(objs)
    _rows_saved(objs)
    return f"{name} AS ({sql})", values
