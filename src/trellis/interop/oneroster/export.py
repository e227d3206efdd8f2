"""Export: a OneRoster 1.2 CSV zip (bulk) of every sourced record, with the
values Trellis owns (names, usernames, class titles) taken from Trellis.

Schools, terms, classes, accounts and links made in Trellis have no
sourcedId. Only when asked (``claim=True``; the command's ``--claim``) does the
export *claim* them, recording a stable sourcedId (``trellis-user-12`` …) in
the mapping table with the source ``trellis``, so that the file it writes
imports back onto the same records instead of beside them. A claimed record
belongs to the source ``trellis``: a district's bulk file (another source)
never deactivates it. Accounts without a role in any school, and operators'
accounts, are never claimed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import TYPE_CHECKING, BinaryIO

from django.db import transaction

from trellis.interop.models import SourcedRecord, SourcedTerm
from trellis.interop.oneroster import spec
from trellis.interop.oneroster.planner import (
    View,
    derive_enrollments,
    derive_guardianships,
    derive_memberships,
)
from trellis.people.selectors import people_with_a_role_except, roster_records, roster_rows

if TYPE_CHECKING:
    from trellis.people.models import Term

#: The source of the records an export claims (and the export's source.systemCode).
CLAIM_SOURCE = "trellis"


def _blank(fspec: spec.FileSpec, **values: str) -> dict[str, str]:
    data = dict.fromkeys(fspec.columns, "")
    data.update(values)
    return data


def grades_for_band(band: str) -> str:
    """A Trellis grade band as OneRoster grades: 6-8 → 06,07,08; K-2 → KG,01,02."""

    def rank(part: str) -> int | None:
        if part == "K":
            return 0
        return int(part) if part.isdigit() else None

    def code(n: int) -> str:
        return "KG" if n == 0 else f"{n:02d}"

    low, _, high = band.partition("-")
    a, b = rank(low.strip()), rank(high.strip()) if high else rank(low.strip())
    if a is None or b is None or b < a:
        return band
    return ",".join(code(n) for n in range(a, b + 1))


def _view() -> tuple[View, dict[str, dict[str, int | None]]]:
    view: View = {f.kind: {} for f in spec.FILES}
    mapped: dict[str, dict[str, int | None]] = {"school": {}, "class": {}, "user": {}}
    for kind, sid, status, data, school_id, class_id, user_id in SourcedRecord.objects.values_list(
        "kind", "sourced_id", "status", "data", "school_id", "school_class_id", "user_id"
    ).order_by("pk"):
        view.setdefault(kind, {})[sid] = (status, data)
        if school_id:
            mapped["school"][sid] = school_id
        if class_id:
            mapped["class"][sid] = class_id
        if user_id:
            mapped["user"][sid] = user_id
    return view, mapped


def claim_unsourced() -> int:
    """Give every exportable Trellis object without a sourcedId one. Returns
    how many records were made."""
    made: list[SourcedRecord] = []

    def record(
        kind: str, sid: str, data: dict[str, str], active: bool = True, **fk
    ) -> SourcedRecord:
        data["sourcedId"] = sid
        if not active:
            data["status"] = spec.TOBEDELETED
        rec = SourcedRecord(
            kind=kind,
            sourced_id=sid,
            data=data,
            status=spec.ACTIVE if active else spec.TOBEDELETED,
            source=CLAIM_SOURCE,
            **fk,
        )
        made.append(rec)
        return rec

    _view_before, mapped = _view()
    org_by_school = {pk: sid for sid, pk in mapped["school"].items()}
    new: list[SourcedRecord] = []
    for school in roster_records("school").exclude(pk__in=list(org_by_school)).order_by("pk"):
        sid = f"trellis-school-{school.pk}"
        new.append(
            record(
                "org",
                sid,
                _blank(spec.ORGS, name=school.name, type="school", identifier=school.code),
                school=school,
            )
        )
        org_by_school[school.pk] = sid
    SourcedRecord.objects.bulk_create(new)

    session_by_term = {}
    for term_id, sid in SourcedTerm.objects.values_list("term_id", "record__sourced_id"):
        session_by_term[term_id] = sid
    term_links: list[tuple[SourcedRecord, Term]] = []
    for term in roster_records("term").exclude(pk__in=list(session_by_term)).order_by("pk"):
        sid = f"trellis-term-{term.pk}"
        data = _blank(
            spec.ACADEMIC_SESSIONS,
            title=term.name,
            type="term",
            startDate=term.starts_on.isoformat(),
            endDate=term.ends_on.isoformat(),
            schoolYear=str(term.ends_on.year),
        )
        term_links.append((record("academicSession", sid, data), term))
        session_by_term[term.pk] = sid
    SourcedRecord.objects.bulk_create([rec for rec, _term in term_links])
    SourcedTerm.objects.bulk_create(
        [SourcedTerm(record=rec, school_id=term.school_id, term=term) for rec, term in term_links]
    )

    class_records = []
    sourced_classes = set(mapped["class"].values())
    for school_class in (
        roster_records("class").exclude(pk__in=list(sourced_classes)).order_by("pk")
    ):
        school_sid = org_by_school[school_class.school_id]
        course_sid = f"trellis-course-{school_class.pk}"
        record(
            "course",
            course_sid,
            _blank(
                spec.COURSES,
                title=school_class.name,
                orgSourcedId=school_sid,
                subjects=school_class.subject,
            ),
        )
        class_records.append(
            record(
                "class",
                f"trellis-class-{school_class.pk}",
                _blank(
                    spec.CLASSES,
                    title=school_class.name,
                    grades=grades_for_band(school_class.grade_band),
                    courseSourcedId=course_sid,
                    classType="scheduled",
                    schoolSourcedId=school_sid,
                    termSourcedIds=session_by_term[school_class.term_id],
                    subjects=school_class.subject,
                ),
                active=school_class.active,
                school_class=school_class,
            )
        )
    sourced_users = set(mapped["user"].values())
    for user in people_with_a_role_except(sourced_users):
        record(
            "user",
            f"trellis-user-{user.pk}",
            _blank(
                spec.USERS,
                enabledUser="true" if user.is_active else "false",
                username=user.username,
                givenName=user.first_name,
                familyName=user.last_name,
                email=user.email,
            ),
            user=user,
        )
    SourcedRecord.objects.bulk_create(made[len(new) + len(term_links) :])
    already = len(made)

    # Links: roles, enrollments and teaching assignments no record covers.
    view, mapped = _view()
    user_sid = {pk: sid for sid, pk in mapped["user"].items()}
    class_sid = {pk: sid for sid, pk in mapped["class"].items()}
    class_school = {
        sid: data.get("schoolSourcedId", "") for sid, (_s, data) in view["class"].items()
    }
    covered_m = derive_memberships(view)
    for pk, user_id, school_id, role, active in roster_rows(
        "membership", "pk", "user_id", "school_id", "role", "active"
    ).order_by("pk"):
        key = (user_sid.get(user_id), org_by_school.get(school_id), role)
        if not active or not key[0] or not key[1] or key in covered_m:
            continue
        record(
            "role",
            f"trellis-role-{pk}",
            _blank(
                spec.ROLES,
                userSourcedId=key[0],
                roleType="primary",
                role=spec.EXPORT_ROLES[role],
                orgSourcedId=key[1],
            ),
        )
    learners, teachers = derive_enrollments(view)
    for table, user_field, covered, role, prefix in (
        ("enrollment", "learner_id", learners, "student", "enrollment"),
        ("teaching", "teacher_id", teachers, "teacher", "teaching"),
    ):
        queryset = roster_records(table).order_by("pk")
        if table == "enrollment":
            queryset = queryset.filter(active=True)
        for pk, class_id, user_id in queryset.values_list("pk", "school_class_id", user_field):
            key = (class_sid.get(class_id), user_sid.get(user_id))
            if not key[0] or not key[1] or covered.get(key):
                continue
            record(
                "enrollment",
                f"trellis-{prefix}-{pk}",
                _blank(
                    spec.ENROLLMENTS,
                    classSourcedId=key[0],
                    schoolSourcedId=class_school[key[0]],
                    userSourcedId=key[1],
                    role=role,
                ),
            )
    SourcedRecord.objects.bulk_create(made[already:])

    # Guardianships made in Trellis between exported people: the learner
    # joins the guardian's agentSourcedIds, kept on the guardian's record.
    view, mapped = _view()
    derived = derive_guardianships(view)
    updated: dict[str, SourcedRecord] = {}
    for guardian_id, learner_id in roster_rows(
        "guardianship", "guardian_id", "learner_id"
    ).order_by("pk"):
        pair = (user_sid.get(guardian_id), user_sid.get(learner_id))
        if not pair[0] or not pair[1] or (derived.get(pair) or (False,))[0]:
            continue
        status, data = view["user"][pair[0]]
        agents = spec.split_list(data.get("agentSourcedIds", ""))
        if pair[1] not in agents:
            data = {**data, "agentSourcedIds": ",".join([*agents, pair[1]])}
            view["user"][pair[0]] = (status, data)
            updated[pair[0]] = SourcedRecord(data=data)
    if updated:
        pks = dict(
            SourcedRecord.objects.filter(kind="user", sourced_id__in=list(updated)).values_list(
                "sourced_id", "pk"
            )
        )
        for sid, rec in updated.items():
            rec.pk = pks[sid]
        SourcedRecord.objects.bulk_update(list(updated.values()), ["data"])
    return len(made) + len(updated)


def _overlay(view: View, mapped) -> None:
    """Put the values Trellis owns into the rows about to be written."""
    schools = {pk: name for pk, name in roster_rows("school", "pk", "name")}
    for sid, pk in mapped["school"].items():
        status, data = view["org"][sid]
        if pk in schools and data.get("name") != schools[pk]:
            view["org"][sid] = (status, {**data, "name": schools[pk]})
    classes = {pk: name for pk, name in roster_rows("class", "pk", "name")}
    for sid, pk in mapped["class"].items():
        status, data = view["class"][sid]
        if pk in classes and data.get("title") != classes[pk]:
            view["class"][sid] = (status, {**data, "title": classes[pk]})
    users = {
        pk: (username, first, last, email)
        for pk, username, first, last, email in roster_rows(
            "user", "pk", "username", "first_name", "last_name", "email"
        )
    }
    user_sid = {}
    for sid, pk in mapped["user"].items():
        if pk not in users:
            continue
        user_sid[pk] = sid
        status, data = view["user"][sid]
        username, first, last, email = users[pk]
        wanted = {
            "username": "" if not data.get("username") and username == sid else username,
            "givenName": first,
            "familyName": last,
            "email": email,
        }
        if any(data.get(k, "") != v for k, v in wanted.items()):
            view["user"][sid] = (status, {**data, **wanted})


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def export_roster(target: str | BinaryIO, *, claim: bool = False) -> dict[str, int]:
    """Write the zip to ``target`` (a path or a binary file); return rows per
    file. ``claim`` first gives Trellis-made objects sourcedIds (see above)."""
    with transaction.atomic():
        if claim:
            claim_unsourced()
        view, mapped = _view()
        _overlay(view, mapped)
    counts: dict[str, int] = {}
    files: dict[str, bytes] = {}
    for fspec in spec.FILES:
        records = view.get(fspec.kind, {})
        if not records:
            continue
        columns = list(fspec.columns)
        for _status, data in records.values():
            for column in data:
                if column not in columns and not (
                    fspec is spec.USERS and column in spec.LEGACY_ROLE_COLUMNS
                ):
                    columns.append(column)
        rows = [columns]
        for sid, (status, data) in records.items():
            row = dict(data, sourcedId=sid)
            if status != (row.get("status") or spec.ACTIVE):
                row["status"] = status
            rows.append([row.get(column, "") for column in columns])
        files[fspec.filename] = _csv(rows)
        counts[fspec.name] = len(records)
    manifest = [
        list(spec.MANIFEST_COLUMNS),
        ["manifest.version", spec.MANIFEST_VERSION],
        ["oneroster.version", spec.ONEROSTER_VERSION],
    ]
    for name in spec.ALL_FILE_NAMES:
        manifest.append([f"file.{name}", spec.BULK if name in counts else spec.ABSENT])
    manifest += [["source.systemName", "Trellis"], ["source.systemCode", CLAIM_SOURCE]]
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_entry(spec.MANIFEST_FILE), _csv(manifest))
        for filename, content in files.items():
            archive.writestr(_entry(filename), content)
    return counts


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed timestamp: the same roster gives the same bytes.
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info
