"""Applying a plan: bulk writes, in dependency order, inside the caller's
transaction. Nothing is deleted except teaching assignments and
guardianships, which carry no active flag and no evidence: a link OneRoster
withdraws is removed and comes back if the record returns."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection
from django.utils import timezone

from trellis.interop.models import SourcedRecord, SourcedTerm
from trellis.interop.oneroster.planner import (
    UNCHANGED,
    USER_FIELDS,
    FinalRecord,
    LinkPlan,
    ObjectPlan,
    Plan,
)
from trellis.people.roster import (
    BATCH,
    chunks,
    insert_rows,
    roster_links_delete,
    roster_links_set_active,
    roster_objects_create,
    roster_objects_update,
    roster_rows_insert,
)
from trellis.people.selectors import user_ids_by_username


def _unusable_password() -> str:
    # What set_unusable_password() stores, without its per-character cost.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def apply_plan(plan: Plan) -> None:
    records = plan.records
    school_pk = _apply_objects("school", plan.schools, ["name", "code"], lambda fields: fields)
    _write_records(records["org"].values(), school=school_pk)
    session_pk = _write_records(records["academicSession"].values())
    _write_records(records["course"].values())

    term_pk: dict[tuple[str, str], int] = {}
    new_terms = []
    for key, obj in plan.terms.items():
        if obj.pk is None:
            new_terms.append((key, {"school_id": school_pk[key[1]], **obj.fields}))
        else:
            term_pk[key] = obj.pk
    new_term_pks = roster_objects_create(table="term", rows=[t for _k, t in new_terms])
    links = []
    for (key, term), pk in zip(new_terms, new_term_pks, strict=True):
        term_pk[key] = pk
        links.append(
            SourcedTerm(record_id=session_pk[key[0]], school_id=term["school_id"], term_id=pk)
        )
    SourcedTerm.objects.bulk_create(links, batch_size=BATCH)
    roster_objects_update(
        table="term",
        rows=[
            (obj.pk, obj.fields)
            for obj in plan.terms.values()
            if obj.pk is not None and obj.changed
        ],
        fields=["name", "starts_on", "ends_on"],
    )

    def make_class(fields: dict) -> dict:
        return {
            "school_id": school_pk[fields["school"]],
            "term_id": term_pk[fields["term"]],
            "name": fields["name"],
            "subject": fields["subject"],
            "grade_band": fields["grade_band"],
            "active": fields["active"],
        }

    class_pk = _apply_objects(
        "class",
        plan.classes,
        ["school", "term", "name", "subject", "grade_band", "active"],
        make_class,
    )
    _write_records(records["class"].values(), school_class=class_pk)

    user_pk = _create_users(plan.users)
    roster_objects_update(
        table="user",
        rows=[
            (obj.pk, obj.fields)
            for obj in plan.users.values()
            if obj.pk is not None and obj.changed
        ],
        fields=list(USER_FIELDS),
    )
    user_pk.update((sid, obj.pk) for sid, obj in plan.users.items() if obj.pk is not None)
    _write_records(records["user"].values(), user=user_pk)
    _write_records(records["role"].values())
    _write_records(records["enrollment"].values())

    _apply_links(
        "membership",
        plan.memberships,
        ["user_id", "school_id", "role", "active"],
        lambda u, s, r, active: (user_pk[u], school_pk[s], r, active),
    )
    _apply_links(
        "enrollment",
        plan.enrollments,
        ["school_class_id", "learner_id", "active"],
        lambda c, u, active: (class_pk[c], user_pk[u], active),
    )
    _apply_links(
        "teaching",
        plan.teaching,
        ["school_class_id", "teacher_id"],
        lambda c, u, _active: (class_pk[c], user_pk[u]),
        remove=True,
    )
    _apply_links(
        "guardianship",
        plan.guardianships,
        ["guardian_id", "learner_id", "relationship"],
        lambda g, learner, rel: (user_pk[g], user_pk[learner], rel[:60]),
        remove=True,
    )


def _create_users(users: dict[str, ObjectPlan]) -> dict[str, int]:
    """Insert the planned new accounts as plain rows (COPY on PostgreSQL;
    building and saving 50,000 User instances was a third of a district's
    import) and return their pks by sourcedId. The other columns get what a
    new User gets: no usable password, not staff, joined now."""
    new = [(sid, obj.fields) for sid, obj in users.items() if obj.pk is None]
    if not new:
        return {}
    joined = timezone.now()
    if connection.vendor != "postgresql":
        joined = connection.ops.adapt_datetimefield_value(joined)
    columns = ["password", "is_superuser", "is_staff", "date_joined", "language", *USER_FIELDS]
    rows = [
        (_unusable_password(), False, False, joined, "", *(fields[f] for f in USER_FIELDS))
        for _sid, fields in new
    ]
    roster_rows_insert(table="user", columns=columns, rows=rows)
    pk_by_username = user_ids_by_username([fields["username"] for _sid, fields in new])
    return {sid: pk_by_username[fields["username"]] for sid, fields in new}


def _apply_objects(table: str, objects, fields: list[str], make) -> dict[str, int]:
    """Create the planned objects without a pk, update the changed ones;
    return every planned object's pk by sourcedId. ``make`` turns a planned
    object's fields into the values of ``table``'s columns."""
    pks: dict[str, int] = {}
    new = [(sid, make(obj.fields)) for sid, obj in objects.items() if obj.pk is None]
    created = roster_objects_create(table=table, rows=[values for _sid, values in new])
    for (sid, _values), pk in zip(new, created, strict=True):
        pks[sid] = pk
    for sid, obj in objects.items():
        if obj.pk is not None:
            pks[sid] = obj.pk
    changed = [
        (obj.pk, make(obj.fields)) for obj in objects.values() if obj.pk is not None and obj.changed
    ]
    roster_objects_update(table=table, rows=changed, fields=fields)
    return pks


def _write_records(records: Iterable[FinalRecord], **mappings: dict[str, int]) -> dict[str, int]:
    """Create new SourcedRecords, update changed ones (status, row, and the
    object each maps to); return every record's pk by sourcedId."""
    fk = next(iter(mappings), None)
    mapping = mappings[fk] if fk else {}
    fk_attr = f"{fk}_id" if fk else None
    now = timezone.now()
    new: list[FinalRecord] = []
    changed: list[tuple] = []
    pks: dict[str, int] = {}
    for record in records:
        target = mapping.get(record.sourced_id) if fk else None
        if record.pk is None:
            new.append(record)
            continue
        pks[record.sourced_id] = record.pk
        current = getattr(record, fk_attr) if fk_attr else None
        if record.change == UNCHANGED and current == target:
            continue
        values = (record.status, json.dumps(record.data), record.date_last_modified, now)
        changed.append((*values, target, record.pk) if fk_attr else (*values, record.pk))
    if new:
        pks.update(_copy_records(new, now, fk_attr, mapping))
    _update_records(changed, fk_attr)
    return pks


def _update_records(changed: list[tuple], fk_attr: str | None) -> None:
    """Update records from plain rows (status, data as JSON, date last
    modified, updated at[, the mapped object], pk): one prepared UPDATE run
    for every row (the ORM's bulk_update builds a CASE per row and field,
    which took far longer than the database)."""
    if not changed:
        return
    data = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    target = f", {fk_attr} = %s" if fk_attr else ""
    sql = (
        f"UPDATE {SourcedRecord._meta.db_table} SET status = %s, data = {data},"
        f" date_last_modified = %s, updated_at = %s{target} WHERE id = %s"
    )
    if connection.vendor != "postgresql":
        changed = [_sqlite_values(row) for row in changed]
    with connection.cursor() as cursor:
        for chunk in chunks(changed):
            cursor.executemany(sql, chunk)


def _copy_records(
    new: list[FinalRecord], now, fk_attr: str | None, mapping: dict[str, int]
) -> dict[str, int]:
    """Insert many records at once, straight from the plan (no model
    instance per row): PostgreSQL's COPY, or one prepared INSERT run for
    every row on SQLite; both far faster than the ORM's multi-row INSERTs
    for rows carrying JSON."""
    columns = [
        "kind",
        "sourced_id",
        "status",
        "source",
        "date_last_modified",
        "data",
        "school_id",
        "school_class_id",
        "user_id",
        "created_at",
        "updated_at",
    ]

    def values(r: FinalRecord) -> tuple:
        target = mapping.get(r.sourced_id) if fk_attr else None
        return (
            r.kind,
            r.sourced_id,
            r.status,
            r.source,
            r.date_last_modified,
            json.dumps(r.data),
            target if fk_attr == "school_id" else None,
            target if fk_attr == "school_class_id" else None,
            target if fk_attr == "user_id" else None,
            now,
            now,
        )

    rows = [values(r) for r in new]
    if connection.vendor != "postgresql":
        rows = [_sqlite_values(row) for row in rows]
    insert_rows(SourcedRecord, columns, rows)
    wanted = {r.sourced_id for r in new}
    found = SourcedRecord.objects.filter(kind=new[0].kind).values_list("sourced_id", "pk")
    return {sid: pk for sid, pk in found.iterator(10000) if sid in wanted}


def _sqlite_values(row: tuple) -> tuple:
    # SQLite stores datetimes as text, the way Django's SQLite backend writes them.
    return tuple(
        connection.ops.adapt_datetimefield_value(v) if hasattr(v, "tzinfo") else v for v in row
    )


def _apply_links(
    table: str, link_plan: LinkPlan, columns: list[str], make, remove: bool = False
) -> None:
    """Create, reactivate and deactivate (or, with ``remove``, delete) the
    planned links of ``table``; ``make`` turns a planned key into the row's
    values for ``columns``."""
    roster_rows_insert(table=table, columns=columns, rows=[make(*key) for key in link_plan.create])
    if link_plan.activate:
        roster_links_set_active(table=table, pks=link_plan.activate, active=True)
    if link_plan.deactivate:
        if remove:
            roster_links_delete(table=table, pks=link_plan.deactivate)
        else:
            roster_links_set_active(table=table, pks=link_plan.deactivate, active=False)
