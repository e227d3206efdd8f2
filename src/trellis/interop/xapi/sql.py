"""A plain multi-row INSERT for the statements resource's hot path.

``bulk_create`` compiles its SQL through the ORM on every call, which on a
one-statement request costs more than the database does. This writes the
same rows (every concrete field, ``pre_save`` applied as for an insert, so
``auto_now_add`` and defaults behave as in ``bulk_create``) in one
statement and sets each object's primary key from ``RETURNING`` (PostgreSQL
and SQLite ≥ 3.35). Like ``bulk_create`` it sends no signals and runs no
``save()``."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def insert_rows(objs: Sequence[Model]) -> None:
    """INSERT ``objs`` (all of one model) and set their primary keys."""
    if not objs:
        return
    meta = objs[0]._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    q = connection.ops.quote_name
    row = "({})".format(", ".join(["%s"] * len(fields)))
    sql = "INSERT INTO {} ({}) VALUES {} RETURNING {}".format(
        q(meta.db_table),
        ", ".join(q(f.column) for f in fields),
        ", ".join([row] * len(objs)),
        q(meta.pk.column),
    )
    params = [
        f.get_db_prep_save(f.pre_save(obj, add=True), connection) for obj in objs for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pks = [found for (found,) in cursor.fetchall()]
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
