"""Applying a plan: bulk writes, in dependency order, inside the caller's
transaction. Nothing is deleted except teaching assignments and
guardianships, which carry no active flag and no evidence: a link OneRoster
withdraws is removed and comes back if the record returns."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models
from django.utils import timezone

from trellis.interop.models import SourcedRecord, SourcedTerm
from trellis.interop.oneroster.planner import UNCHANGED, FinalRecord, LinkPlan, Plan
from trellis.people.models import (
    Enrollment,
    Guardianship,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    Term,
    User,
)

BATCH = 2000
#: Primary keys per ``pk__in`` query (SQLite limits bound parameters).
CHUNK = 5000


def _chunks(items: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _unusable_password() -> str:
    # What set_unusable_password() stores, without its per-character cost.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def apply_plan(plan: Plan) -> None:
    records = plan.records
    school_pk = _apply_objects(
        School, plan.schools, ["name", "code"], lambda sid, fields: School(**fields)
    )
    _write_records(records["org"].values(), school=school_pk)
    session_pk = _write_records(records["academicSession"].values())
    _write_records(records["course"].values())

    term_pk: dict[tuple[str, str], int] = {}
    new_terms = []
    for key, obj in plan.terms.items():
        if obj.pk is None:
            new_terms.append((key, Term(school_id=school_pk[key[1]], **obj.fields)))
        else:
            term_pk[key] = obj.pk
    Term.objects.bulk_create([t for _k, t in new_terms], batch_size=BATCH)
    links = []
    for key, term in new_terms:
        term_pk[key] = term.pk
        links.append(
            SourcedTerm(record_id=session_pk[key[0]], school_id=term.school_id, term_id=term.pk)
        )
    SourcedTerm.objects.bulk_create(links, batch_size=BATCH)
    changed_terms = []
    for obj in plan.terms.values():
        if obj.pk is not None and obj.changed:
            changed_terms.append(Term(pk=obj.pk, **obj.fields))
    Term.objects.bulk_update(changed_terms, ["name", "starts_on", "ends_on"], batch_size=BATCH)

    def make_class(sid: str, fields: dict) -> SchoolClass:
        return SchoolClass(
            school_id=school_pk[fields["school"]],
            term_id=term_pk[fields["term"]],
            name=fields["name"],
            subject=fields["subject"],
            grade_band=fields["grade_band"],
            active=fields["active"],
        )

    class_pk = _apply_objects(
        SchoolClass,
        plan.classes,
        ["school", "term", "name", "subject", "grade_band", "active"],
        make_class,
    )
    _write_records(records["class"].values(), school_class=class_pk)

    def make_user(sid: str, fields: dict) -> User:
        return User(password=_unusable_password(), **fields)

    user_fields = ["username", "first_name", "last_name", "email", "display_name", "is_active"]
    user_pk = _apply_objects(User, plan.users, user_fields, make_user)
    _write_records(records["user"].values(), user=user_pk)
    _write_records(records["role"].values())
    _write_records(records["enrollment"].values())

    _apply_links(
        Membership,
        plan.memberships,
        ["user_id", "school_id", "role", "active"],
        lambda u, s, r, active: (user_pk[u], school_pk[s], r, active),
    )
    _apply_links(
        Enrollment,
        plan.enrollments,
        ["school_class_id", "learner_id", "active"],
        lambda c, u, active: (class_pk[c], user_pk[u], active),
    )
    _apply_links(
        TeachingAssignment,
        plan.teaching,
        ["school_class_id", "teacher_id"],
        lambda c, u, _active: (class_pk[c], user_pk[u]),
        remove=True,
    )
    _apply_links(
        Guardianship,
        plan.guardianships,
        ["guardian_id", "learner_id", "relationship"],
        lambda g, learner, rel: (user_pk[g], user_pk[learner], rel[:60]),
        remove=True,
    )


def _apply_objects(model, objects, fields: list[str], make) -> dict[str, int]:
    """Create the planned objects without a pk, update the changed ones;
    return every planned object's pk by sourcedId."""
    pks: dict[str, int] = {}
    new = [(sid, make(sid, obj.fields)) for sid, obj in objects.items() if obj.pk is None]
    model.objects.bulk_create([instance for _sid, instance in new], batch_size=BATCH)
    for sid, instance in new:
        pks[sid] = instance.pk
    for sid, obj in objects.items():
        if obj.pk is not None:
            pks[sid] = obj.pk
    changed = []
    for sid, obj in objects.items():
        if obj.pk is not None and obj.changed:
            instance = make(sid, obj.fields)
            instance.pk = obj.pk
            changed.append(instance)
    if changed:
        model.objects.bulk_update(changed, fields, batch_size=BATCH)
    return pks


def _write_records(records: Iterable[FinalRecord], **mappings: dict[str, int]) -> dict[str, int]:
    """Create new SourcedRecords, update changed ones (status, row, and the
    object each maps to); return every record's pk by sourcedId."""
    fk = next(iter(mappings), None)
    mapping = mappings[fk] if fk else {}
    fk_attr = f"{fk}_id" if fk else None
    now = timezone.now()
    new: list[FinalRecord] = []
    changed: list[SourcedRecord] = []
    pks: dict[str, int] = {}
    for record in records:
        target = mapping.get(record.sourced_id) if fk else None
        if record.pk is None:
            new.append(record)
            continue
        pks[record.sourced_id] = record.pk
        current = getattr(record, fk_attr) if fk_attr else None
        if record.change == UNCHANGED and current == (target if fk else None):
            continue
        instance = SourcedRecord(
            pk=record.pk,
            status=record.status,
            data=record.data,
            date_last_modified=record.date_last_modified,
            updated_at=now,
        )
        if fk_attr:
            setattr(instance, fk_attr, target)
        changed.append(instance)
    if connection.vendor in ("postgresql", "sqlite") and len(new) > BATCH:
        pks.update(_copy_records(new, now, fk_attr, mapping))
    else:
        instances = []
        for record in new:
            instance = SourcedRecord(
                kind=record.kind,
                sourced_id=record.sourced_id,
                status=record.status,
                source=record.source,
                data=record.data,
                date_last_modified=record.date_last_modified,
            )
            if fk_attr:
                setattr(instance, fk_attr, mapping.get(record.sourced_id))
            instances.append(instance)
        SourcedRecord.objects.bulk_create(instances, batch_size=BATCH)
        for instance in instances:
            pks[instance.sourced_id] = instance.pk
    fields = ["status", "data", "date_last_modified", "updated_at"] + ([fk] if fk else [])
    SourcedRecord.objects.bulk_update(changed, fields, batch_size=500)
    return pks


def _copy_records(
    new: list[FinalRecord], now, fk_attr: str | None, mapping: dict[str, int]
) -> dict[str, int]:
    """Insert many records at once, straight from the plan (no model
    instance per row): PostgreSQL's COPY, or one prepared INSERT run for
    every row on SQLite; both far faster than the ORM's multi-row INSERTs
    for rows carrying JSON."""
    table = SourcedRecord._meta.db_table
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

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for r in new:
                    copy.write_row(values(r))
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
            cursor.executemany(sql, [_sqlite_values(values(r)) for r in new])
    kind = new[0].kind
    return dict(
        SourcedRecord.objects.filter(kind=kind).values_list("sourced_id", "pk").iterator(10000)
    )


def _sqlite_values(row: tuple) -> tuple:
    # SQLite stores datetimes as text, the way Django's SQLite backend writes them.
    return tuple(
        connection.ops.adapt_datetimefield_value(v) if hasattr(v, "tzinfo") else v for v in row
    )


def _insert_rows(model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
    """Insert plain rows without building a model instance per row (a
    district's file has hundreds of thousands of links; the instances were
    most of the import's time): COPY on PostgreSQL, one prepared INSERT run
    for every row elsewhere."""
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
            for chunk in _chunks(rows):
                cursor.executemany(sql, chunk)


def _apply_links(
    model: type[models.Model], link_plan: LinkPlan, columns: list[str], make, remove: bool = False
) -> None:
    """Create, reactivate and deactivate (or, with ``remove``, delete) the
    planned links; ``make`` turns a planned key into the row's values for
    ``columns``."""
    _insert_rows(model, columns, [make(*key) for key in link_plan.create])
    for chunk in _chunks(link_plan.activate):
        model.objects.filter(pk__in=chunk).update(active=True)
    for chunk in _chunks(link_plan.deactivate):
        if remove:
            model.objects.filter(pk__in=chunk).delete()
        else:
            model.objects.filter(pk__in=chunk).update(active=False)
