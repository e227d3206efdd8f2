"""Bulk writes of people's tables for a roster import (OneRoster): a
district's file makes hundreds of thousands of rows, so these take plain
values and write them in a few statements (COPY on PostgreSQL) instead of
saving a model instance per row as the services in ``services.py`` do.
Each runs in a transaction (a savepoint of the importer's) and validates
nothing: the importer's plan has checked every row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models, transaction

from trellis.people.selectors import ROSTER_TABLES

BATCH = 2000
#: Primary keys per ``pk__in`` query (SQLite limits bound parameters).
CHUNK = 5000


def chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    """``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert plain rows into ``model``'s table without building a model
    instance per row (a district's file has hundreds of thousands of links;
    the instances were most of the import's time): COPY on PostgreSQL, one
    prepared INSERT run for every row elsewhere. For any app's table: the
    caller passes its own model."""
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            for chunk in chunks(rows):
                cursor.executemany(sql, chunk)


@transaction.atomic
def roster_objects_create(*, table: str, rows: list[dict]) -> list[int]:
    """Create a record of ``table`` (``ROSTER_TABLES``) from each dict of
    field values; their new ids, in order."""
    model = ROSTER_TABLES[table]
    instances = [model(**values) for values in rows]
    model.objects.bulk_create(instances, batch_size=BATCH)
    return [instance.pk for instance in instances]


@transaction.atomic
def roster_objects_update(*, table: str, rows: list[tuple[int, dict]], fields: list[str]) -> None:
    """Write ``fields`` of the records of ``table`` given as (id, values)."""
    model = ROSTER_TABLES[table]
    changed = []
    for pk, values in rows:
        instance = model(**values)
        instance.pk = pk
        changed.append(instance)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=BATCH)


@transaction.atomic
def roster_rows_insert(*, table: str, columns: list[str], rows: list[tuple]) -> None:
    """Insert plain rows into ``table`` (``ROSTER_TABLES``): see ``insert_rows``."""
    insert_rows(ROSTER_TABLES[table], columns, rows)


@transaction.atomic
def roster_links_set_active(*, table: str, pks: Sequence[int], active: bool) -> None:
    """Mark these links (memberships, enrollments) active or withdrawn."""
    model = ROSTER_TABLES[table]
    for chunk in chunks(pks):
        model.objects.filter(pk__in=chunk).update(active=active)


@transaction.atomic
def roster_links_delete(*, table: str, pks: Sequence[int]) -> None:
    """Delete these links (teaching assignments, guardianships: no active flag)."""
    model = ROSTER_TABLES[table]
    for chunk in chunks(pks):
        model.objects.filter(pk__in=chunk).delete()
