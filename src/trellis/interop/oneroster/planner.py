"""Planning an import: what the file would change, computed in memory from
the file and the current database, without writing anything. A dry run is
a plan that is shown; an import is a plan that is then applied.

The plan works in OneRoster's terms (sourcedIds) and derives each kind of
Trellis link — role, enrollment, teaching assignment, guardianship — from
the records twice: as they were before this file and as they will be after
it. A link either derivation mentions is *covered* by OneRoster; a covered
link is active exactly when the records after the file say so. Links made
in Trellis that no record mentions are left alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.utils.text import slugify

from trellis.interop.models import SourcedRecord, SourcedTerm
from trellis.interop.oneroster import errors, spec
from trellis.interop.oneroster.errors import Problem
from trellis.interop.oneroster.reader import Bundle, Row, parse_date, parse_datetime, valid_username
from trellis.people import roles
from trellis.people.selectors import operator_ids, roster_rows

ADDED, UPDATED, DEACTIVATED, REACTIVATED, UNCHANGED = (
    "added",
    "updated",
    "deactivated",
    "reactivated",
    "unchanged",
)
CHANGES = (ADDED, UPDATED, DEACTIVATED, REACTIVATED, UNCHANGED)
KINDS = [f.kind for f in spec.FILES]

#: status and data of each record, by kind and sourcedId.
View = dict[str, dict[str, tuple[str, dict[str, str]]]]


@dataclass
class FinalRecord:
    kind: str
    sourced_id: str
    status: str
    data: dict[str, str]
    change: str
    row: Row | None = None  # the file's row, when the file has one
    pk: int | None = None  # the SourcedRecord, when one exists
    school_id: int | None = None
    school_class_id: int | None = None
    user_id: int | None = None
    source: str = ""  # the system the record came from (see SourcedRecord.source)

    @property
    def active(self) -> bool:
        return self.status == spec.ACTIVE

    @property
    def date_last_modified(self) -> dt.datetime | None:
        value = self.data.get("dateLastModified", "")
        return parse_datetime(value) if value else None


@dataclass
class ObjectPlan:
    """A Trellis object to create (``pk`` None) or update, with its wanted fields."""

    pk: int | None
    fields: dict[str, object]
    changed: bool = False


@dataclass
class LinkPlan:
    create: list[tuple] = field(default_factory=list)
    activate: list[int] = field(default_factory=list)
    deactivate: list[int] = field(default_factory=list)


@dataclass
class Plan:
    records: dict[str, dict[str, FinalRecord]] = field(default_factory=dict)
    schools: dict[str, ObjectPlan] = field(default_factory=dict)
    terms: dict[tuple[str, str], ObjectPlan] = field(default_factory=dict)
    classes: dict[str, ObjectPlan] = field(default_factory=dict)
    users: dict[str, ObjectPlan] = field(default_factory=dict)
    memberships: LinkPlan = field(default_factory=LinkPlan)
    enrollments: LinkPlan = field(default_factory=LinkPlan)
    teaching: LinkPlan = field(default_factory=LinkPlan)
    guardianships: LinkPlan = field(default_factory=LinkPlan)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    summary: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return any(
            count
            for group in self.summary.values()
            for name, count in group.items()
            if name != UNCHANGED
        )


# ---------------------------------------------------------------- derived values


def school_code(data: dict[str, str]) -> tuple[str, str]:
    """The School code an org becomes, and the column it came from."""
    column = "identifier" if data.get("identifier") else "sourcedId"
    code = slugify(data[column])[:64].strip("-")
    if not code:
        code = "org-" + hashlib.sha1(data["sourcedId"].encode()).hexdigest()[:12]
    return code, column


def grade_band(grades: list[str]) -> str:
    """OneRoster grade codes (KG, 01 … 12, PK …) as a Trellis grade band: 6, 6-8, K-2."""
    ranked: list[tuple[int, str]] = []
    for grade in grades:
        if grade in ("KG", "K"):
            ranked.append((0, "K"))
        elif grade.isdigit():
            ranked.append((int(grade), str(int(grade))))
        elif grade in ("PK", "PR", "TK"):
            ranked.append((-1, grade))
        elif grade in ("IT", "PS"):
            ranked.append((-2, grade))
    if not ranked:
        return ",".join(grades)[:20]
    ranked.sort()
    low, high = ranked[0][1], ranked[-1][1]
    return low if low == high else f"{low}-{high}"[:20]


def class_fields(data: dict[str, str], course: dict[str, str] | None) -> dict[str, object]:
    course = course or {}
    subjects = spec.split_list(data.get("subjects", "")) or spec.split_list(
        course.get("subjects", "")
    )
    subject = ", ".join(subjects) if subjects else course.get("title", "")
    grades = spec.split_list(data.get("grades", "")) or spec.split_list(course.get("grades", ""))
    return {"name": data["title"], "subject": subject[:100], "grade_band": grade_band(grades)}


def user_fields(data: dict[str, str], active: bool) -> dict[str, object]:
    given, family = data.get("givenName", ""), data.get("familyName", "")
    preferred_given = data.get("preferredGivenName", "")
    preferred_family = data.get("preferredFamilyName", "")
    display = ""
    if preferred_given or preferred_family:
        display = f"{preferred_given or given} {preferred_family or family}".strip()[:150]
    return {
        "username": data.get("username") or data["sourcedId"],
        "first_name": given,
        "last_name": family,
        "email": data.get("email", ""),
        "display_name": display,
        "is_active": active and data.get("enabledUser", "true") == "true",
    }


def _schools_under(orgs: dict[str, tuple[str, dict[str, str]]]):
    children: dict[str, list[str]] = defaultdict(list)
    for sid, (_status, data) in orgs.items():
        parent = data.get("parentSourcedId", "")
        if parent and parent != sid:
            children[parent].append(sid)
    cache: dict[str, list[str]] = {}

    def schools(sid: str) -> list[str]:
        if sid not in cache:
            found, stack, seen = [], [sid], set()
            while stack:
                current = stack.pop()
                if current in seen or current not in orgs:
                    continue
                seen.add(current)
                if orgs[current][1].get("type") == spec.SCHOOL:
                    found.append(current)
                stack.extend(children.get(current, ()))
            cache[sid] = sorted(found)
        return cache[sid]

    return schools


def derive_memberships(view: View) -> dict[tuple[str, str, str], bool]:
    """(user, school org, Trellis role) → active, from role records. A role at
    a district (or any non-school org) applies to every school beneath it."""
    users = view["user"]
    schools_under = _schools_under(view["org"])
    result: dict[tuple[str, str, str], bool] = {}
    for status, data in view["role"].values():
        trellis_role = spec.USER_ROLES.get(data.get("role", ""))
        user = users.get(data.get("userSourcedId", ""))
        if trellis_role is None or user is None:
            continue
        active = status == spec.ACTIVE and user[0] == spec.ACTIVE
        for school in schools_under(data.get("orgSourcedId", "")):
            key = (data["userSourcedId"], school, trellis_role)
            result[key] = result.get(key, False) or active
    return result


def derive_enrollments(
    view: View,
) -> tuple[dict[tuple[str, str], bool], dict[tuple[str, str], bool]]:
    """(class, user) → active for learners and for teachers."""
    learners: dict[tuple[str, str], bool] = {}
    teachers: dict[tuple[str, str], bool] = {}
    for status, data in view["enrollment"].values():
        role = data.get("role")
        target = learners if role == "student" else teachers if role == "teacher" else None
        if target is None:
            continue
        key = (data.get("classSourcedId", ""), data.get("userSourcedId", ""))
        target[key] = target.get(key, False) or status == spec.ACTIVE
    return learners, teachers


def derive_guardianships(view: View) -> dict[tuple[str, str], tuple[bool, str]]:
    """(guardian, learner) → (active, relationship), from ``agentSourcedIds``
    on either side, between a user with a parent/guardian/relative role and
    a user with a student role."""
    users = view["user"]
    student: dict[str, bool] = {}
    guardian: dict[str, tuple[bool, str]] = {}
    for status, data in view["role"].values():
        role, user_sid = data.get("role", ""), data.get("userSourcedId", "")
        user = users.get(user_sid)
        if user is None:
            continue
        active = status == spec.ACTIVE and user[0] == spec.ACTIVE
        if role == "student":
            student[user_sid] = student.get(user_sid, False) or active
        elif role in spec.GUARDIAN_ROLES:
            was = guardian.get(user_sid)
            if was is None or (active and not was[0]):
                guardian[user_sid] = (active, role)
    result: dict[tuple[str, str], tuple[bool, str]] = {}
    for user_sid, (_status, data) in users.items():
        agents = data.get("agentSourcedIds", "")
        if not agents:
            continue
        for agent in spec.split_list(agents):
            if agent == user_sid:
                continue
            if user_sid in guardian and agent in student:
                pair, g = (user_sid, agent), guardian[user_sid]
            elif user_sid in student and agent in guardian:
                pair, g = (agent, user_sid), guardian[agent]
            else:
                continue
            active = g[0] and student[pair[1]]
            was = result.get(pair)
            result[pair] = (bool(was and was[0]) or active, g[1])
    return result


# ---------------------------------------------------------------- the plan


def same_row(a: dict[str, str], b: dict[str, str]) -> bool:
    """Whether two rows say the same: blank and absent columns are alike, and
    the status is compared on the record, not here."""
    if a == b:
        return True  # most rows of a file seen before: no need to filter
    return {k: v for k, v in a.items() if v and k != "status"} == {
        k: v for k, v in b.items() if v and k != "status"
    }


def _load_records() -> dict[str, dict[str, FinalRecord]]:
    """Every SourcedRecord, by kind and sourcedId. Read with plain SQL and
    the row decoded here: the ORM's per-value converters were most of the
    time a large roster took to load."""
    existing: dict[str, dict[str, FinalRecord]] = {kind: {} for kind in KINDS}
    sql = (
        "SELECT id, kind, sourced_id, status, CAST(data AS TEXT), school_id,"
        f" school_class_id, user_id, source FROM {SourcedRecord._meta.db_table} ORDER BY id"
    )
    loads = json.loads
    with connection.chunked_cursor() as cursor:  # a server-side cursor on PostgreSQL
        cursor.execute(sql)
        while rows := cursor.fetchmany(5000):
            for pk, kind, sid, status, data, school_id, class_id, user_id, source in rows:
                if kind in existing:
                    existing[kind][sid] = FinalRecord(
                        kind,
                        sid,
                        status,
                        loads(data),
                        UNCHANGED,
                        None,
                        pk,
                        school_id,
                        class_id,
                        user_id,
                        source,
                    )
    return existing


def _describe_source(source: str) -> str:
    return f"source {source!r}" if source else "a file that named no source"


def _change(was: FinalRecord | None, row: Row) -> str:
    """What a file's row does to the record it names (None: a new record)."""
    if was is None:
        return ADDED
    if was.status != row.status:
        return DEACTIVATED if row.status == spec.TOBEDELETED else REACTIVATED
    return UNCHANGED if same_row(was.data, row.data) else UPDATED


def _from_row(
    kind: str, sid: str, row: Row, change: str, was: FinalRecord | None, source: str
) -> FinalRecord:
    """The record a file's row makes, keeping the links of the one it replaces."""
    if was is None:
        return FinalRecord(kind, sid, row.status, row.data, change, row, source=source)
    return FinalRecord(
        kind,
        sid,
        row.status,
        row.data,
        change,
        row,
        was.pk,
        was.school_id,
        was.school_class_id,
        was.user_id,
        was.source,
    )


def _rows_records(
    kind: str, file_rows, old: dict[str, FinalRecord], source: str, plan: Plan | None
) -> dict[str, FinalRecord]:
    """The records a file's rows make. A row that would change a record of
    another source is refused (when ``plan`` collects problems) and the
    record stays as it was."""
    records: dict[str, FinalRecord] = {}
    for sid, row in file_rows.rows.items():
        was = old.get(sid)
        change = _change(was, row)
        if was is not None and was.source != source and change != UNCHANGED:
            if plan is not None:
                message = errors.OTHER_SOURCE.format(
                    kind=kind,
                    value=sid,
                    owner=_describe_source(was.source),
                    source=_describe_source(source),
                )
                plan.problems.append(row.problem("sourcedId", message))
            records[sid] = was
            continue
        records[sid] = _from_row(kind, sid, row, change, was, source)
    return records


def _left_out(
    records: dict[str, FinalRecord],
    old: dict[str, FinalRecord],
    bulk: bool,
    source: str,
    kept_other: dict[str, int],
) -> None:
    """Add the records the file does not list: a bulk file deactivates those
    of its own source (and counts, in ``kept_other``, the others it keeps);
    otherwise they stay as they are."""
    for sid, was in old.items():
        if sid in records:
            continue
        if not bulk or was.status != spec.ACTIVE:
            records[sid] = was
        elif was.source != source:
            kept_other[was.source] += 1
            records[sid] = was
        else:
            records[sid] = dataclasses.replace(
                was, status=spec.TOBEDELETED, change=DEACTIVATED, row=None
            )


def _final_records(
    bundle: Bundle, existing: dict[str, dict[str, FinalRecord]], plan: Plan | None = None
):
    """Each record after the file. A file changes and (in bulk mode, by
    leaving them out) deactivates only the records of its own source: rows
    that would change another source's record are refused, and another
    source's records a bulk file leaves out stay as they are."""
    final: dict[str, dict[str, FinalRecord]] = {}
    kept_other: dict[str, int] = defaultdict(int)
    for fspec in spec.FILES:
        old = existing[fspec.kind]
        file_rows = bundle.files.get(fspec.name)
        if file_rows is None:
            final[fspec.kind] = dict(old)
            continue
        records = _rows_records(fspec.kind, file_rows, old, bundle.source, plan)
        _left_out(records, old, file_rows.mode == spec.BULK, bundle.source, kept_other)
        final[fspec.kind] = records
    if kept_other and plan is not None:
        plan.notes.append(
            errors.OTHER_SOURCES_KEPT.format(
                count=sum(kept_other.values()),
                sources=", ".join(repr(s) if s else "no source named" for s in sorted(kept_other)),
            )
        )
    return final


def _view(records: dict[str, dict[str, FinalRecord]]) -> View:
    return {
        kind: {sid: (r.status, r.data) for sid, r in recs.items()} for kind, recs in records.items()
    }


_TARGETS = {
    "org": "org",
    "academicSession": "academic session",
    "course": "course",
    "class": "class",
    "user": "user",
}
#: (kind, column, target kind, is a list)
_REFERENCES = [
    ("org", "parentSourcedId", "org", False),
    ("academicSession", "parentSourcedId", "academicSession", False),
    ("course", "orgSourcedId", "org", False),
    ("course", "schoolYearSourcedId", "academicSession", False),
    ("class", "courseSourcedId", "course", False),
    ("class", "schoolSourcedId", "org", False),
    ("class", "termSourcedIds", "academicSession", True),
    ("user", "agentSourcedIds", "user", True),
    ("user", "primaryOrgSourcedId", "org", False),
    ("role", "userSourcedId", "user", False),
    ("role", "orgSourcedId", "org", False),
    ("enrollment", "classSourcedId", "class", False),
    ("enrollment", "userSourcedId", "user", False),
    ("enrollment", "schoolSourcedId", "org", False),
]


def _check_references(final, problems: list[Problem], unreadable: set[str]) -> None:
    """Every reference names a known record, and schools agree."""
    _check_known(final, problems, unreadable)
    _check_class_schools(final, problems)
    _check_enrollment_schools(final, problems)


def _check_known(final, problems: list[Problem], unreadable: set[str]) -> None:
    """Each sourcedId a row mentions is a record of the kind its column names."""
    for kind, column, target, is_list in _REFERENCES:
        if target in unreadable:
            continue  # its file was refused already; do not repeat that per reference
        targets = final[target]
        for record in final[kind].values():
            row = record.row
            if row is None:
                continue
            value = record.data.get(column, "")
            if not value:
                continue
            for ref in spec.split_list(value) if is_list else [value]:
                if ref not in targets:
                    problems.append(
                        row.problem(
                            column,
                            errors.UNKNOWN_REFERENCE.format(
                                column=column, value=ref, target=_TARGETS[target]
                            ),
                        )
                    )


def _check_class_schools(final, problems: list[Problem]) -> None:
    """A class's school is an org of type school."""
    orgs = final["org"]
    for record in final["class"].values():
        org = orgs.get(record.data.get("schoolSourcedId", ""))
        if record.row is not None and org is not None and org.data.get("type") != spec.SCHOOL:
            problems.append(
                record.row.problem(
                    "schoolSourcedId",
                    errors.NOT_A_SCHOOL.format(
                        column="schoolSourcedId", value=org.sourced_id, type=org.data.get("type")
                    ),
                )
            )


def _check_enrollment_schools(final, problems: list[Problem]) -> None:
    """An enrollment's school, when given, is its class's school."""
    orgs, classes = final["org"], final["class"]
    for record in final["enrollment"].values():
        school_class = classes.get(record.data.get("classSourcedId", ""))
        value = record.data.get("schoolSourcedId", "")
        if record.row is None or school_class is None or value not in orgs:
            continue
        expected = school_class.data.get("schoolSourcedId", "")
        if orgs.get(expected) is None or orgs[expected].data.get("type") != spec.SCHOOL:
            continue  # the class's own school is wrong, and reported on the class
        if value != expected:
            problems.append(
                record.row.problem(
                    "schoolSourcedId",
                    errors.ENROLLMENT_OTHER_SCHOOL.format(
                        value=value, class_id=school_class.sourced_id, school=expected
                    ),
                )
            )


def plan_import(bundle: Bundle) -> Plan:
    """Everything the bundle would change. Reads the database; writes nothing."""
    plan = Plan(problems=list(bundle.problems), notes=list(bundle.notes))
    if any(p.file in (spec.MANIFEST_FILE, "(zip)") for p in bundle.problems):
        return plan  # without a readable manifest nothing else can be read
    unreadable = {
        spec.BY_NAME[name].kind
        for name, mode in bundle.modes.items()
        if mode != spec.ABSENT and name in spec.BY_NAME and name not in bundle.files
    }
    existing = _load_records()
    final = _final_records(bundle, existing, plan)
    plan.records = final
    _check_references(final, plan.problems, unreadable)
    for kind in KINDS:
        counts = dict.fromkeys(CHANGES, 0)
        for record in final[kind].values():
            counts[record.change] += 1
        plan.summary[kind] = counts
    if bundle.mode("users") == spec.BULK and "roles" not in bundle.files and not existing["role"]:
        plan.problems.append(Problem(spec.USERS.filename, 1, "role", errors.NO_ROLES))
    if plan.problems:
        return plan
    _plan_objects(plan, existing, final)
    return plan


def _plan_objects(plan: Plan, existing, final) -> None:
    """Plan the Trellis objects and links the records make, or add the
    problems that stop it."""
    org_by_school = _plan_schools(plan, final["org"])
    class_by_pk = _plan_classes(plan, final, org_by_school)
    user_by_pk = _plan_users(plan, final["user"])
    if plan.problems:
        return
    links = _Links(org_by_school, class_by_pk, user_by_pk, _view(existing), _view(final))
    held_roles = _plan_memberships(plan, links)
    _check_enrollment_roles(plan, final, held_roles)
    if plan.problems:
        return
    _plan_enrollments(plan, links)
    _plan_guardianships(plan, links)


def _problem_maker(record: FinalRecord, filename: str):
    """How to report a problem on a record: on its row, else on its file."""
    if record.row is not None:
        return record.row.problem
    return lambda column, message: Problem(filename, 0, column, message)


# ---------------------------------------------------------------- schools


@dataclass
class _Schools:
    """The schools in Trellis, and what the orgs planned so far claim."""

    by_code: dict[str, int]
    values: dict[int, tuple[str, str]]  # pk → (code, name)
    org_by_school: dict[int, str]
    codes_wanted: dict[str, str] = field(default_factory=dict)  # code → org sourcedId
    counts: dict[str, int] = field(
        default_factory=lambda: {"created": 0, "updated": 0, "linked": 0}
    )


def _plan_schools(plan: Plan, orgs: dict[str, FinalRecord]) -> dict[int, str]:
    """A School for each org of type school; return each mapped school's org."""
    rows = list(roster_rows("school", "pk", "code", "name"))
    values = {pk: (code, name) for pk, code, name in rows}
    schools = _Schools(
        by_code={code: pk for pk, code, _name in rows},
        values=values,
        org_by_school={
            r.school_id: r.sourced_id
            for r in orgs.values()
            if r.school_id is not None and r.school_id in values
        },
    )
    for record in orgs.values():
        if record.data.get("type") == spec.SCHOOL:
            _plan_school(plan, record, schools)
    plan.summary["schools"] = schools.counts
    return schools.org_by_school


def _plan_school(plan: Plan, record: FinalRecord, schools: _Schools) -> None:
    """Create, update or link the org's school; its code must be its own."""
    code, column = school_code(record.data)
    problem = _problem_maker(record, spec.ORGS.filename)
    other = schools.codes_wanted.get(code)
    if other is not None:
        message = errors.SCHOOL_CODE_TWICE.format(code=code, column=column, other=other)
        plan.problems.append(problem(column, message))
        return
    schools.codes_wanted[code] = record.sourced_id
    pk = record.school_id if record.school_id in schools.values else None
    holder = schools.by_code.get(code)
    if holder is not None and holder != pk:
        other = schools.org_by_school.get(holder)
        if other is not None and other != record.sourced_id:
            message = errors.SCHOOL_CODE_TAKEN.format(code=code, column=column, other=other)
            plan.problems.append(problem(column, message))
            return
        if pk is None:
            pk = holder  # a school made in Trellis first, with the same code
            schools.org_by_school[pk] = record.sourced_id
            schools.counts["linked"] += 1
    fields = {"name": record.data["name"], "code": code}
    changed = pk is None or schools.values[pk] != (code, fields["name"])
    plan.schools[record.sourced_id] = ObjectPlan(pk, fields, changed)
    schools.counts["created" if pk is None else "updated"] += changed


# ---------------------------------------------------------------- terms and classes


def _sourced_terms(sessions: dict[str, FinalRecord], org_by_school: dict[int, str]):
    """(session, school org) → (term pk, name, starts, ends) of the terms
    earlier imports made."""
    found: dict[tuple[str, str], tuple[int, str, dt.date, dt.date]] = {}
    session_by_pk = {r.pk: r.sourced_id for r in sessions.values() if r.pk is not None}
    for record_id, school_id, term_id, name, starts, ends in SourcedTerm.objects.values_list(
        "record_id", "school_id", "term_id", "term__name", "term__starts_on", "term__ends_on"
    ):
        org = org_by_school.get(school_id)
        session = session_by_pk.get(record_id)
        if org and session:
            found[(session, org)] = (term_id, name, starts, ends)
    return found


def _plan_term(plan: Plan, key: tuple[str, str], session: dict[str, str], was, counts) -> None:
    """The Term a session becomes at a school (``key``); ``was`` is the one
    an earlier import made, if any."""
    fields = {
        "name": session["title"],
        "starts_on": parse_date(session["startDate"]),
        "ends_on": parse_date(session["endDate"]),
    }
    if was is None:
        plan.terms[key] = ObjectPlan(None, fields, True)
        counts["created"] += 1
        return
    changed = was[1:] != (fields["name"], fields["starts_on"], fields["ends_on"])
    plan.terms[key] = ObjectPlan(was[0], fields, changed)
    counts["updated"] += changed


def _classes_now(org_by_school: dict[int, str], term_key_by_pk: dict[int, tuple[str, str]]):
    """Each class in Trellis: pk → (school org, term key, name, subject,
    grade band, active), in the terms of a plan's fields."""
    return {
        pk: (org_by_school.get(school_id), term_key_by_pk.get(term_id), *rest)
        for pk, school_id, term_id, *rest in roster_rows(
            "class", "pk", "school_id", "term_id", "name", "subject", "grade_band", "active"
        )
    }


def _plan_classes(plan: Plan, final, org_by_school: dict[int, str]) -> dict[int, str]:
    """A class for each class record, and the terms they need; return each
    mapped class's sourcedId by pk."""
    sessions, courses, classes = final["academicSession"], final["course"], final["class"]
    sourced_terms = _sourced_terms(sessions, org_by_school)
    now = _classes_now(org_by_school, {value[0]: key for key, value in sourced_terms.items()})
    term_counts = {"created": 0, "updated": 0}
    class_counts = {"created": 0, "updated": 0, "deactivated": 0, "reactivated": 0}
    several_terms = 0
    for record in classes.values():
        term_ids = spec.split_list(record.data.get("termSourcedIds", ""))
        several_terms += len(term_ids) > 1
        term_key = (term_ids[0], record.data.get("schoolSourcedId", ""))
        if term_key not in plan.terms:
            session = sessions[term_ids[0]].data
            _plan_term(plan, term_key, session, sourced_terms.get(term_key), term_counts)
        course = courses.get(record.data.get("courseSourcedId", ""))
        fields = class_fields(record.data, course.data if course else None)
        fields.update(active=record.active, school=term_key[1], term=term_key)
        _plan_class(plan, record, fields, now, class_counts)
    plan.summary["terms"] = term_counts
    plan.summary["classes"] = class_counts
    if several_terms:
        plan.notes.append(errors.CLASS_SEVERAL_TERMS.format(count=several_terms))
    return {r.school_class_id: r.sourced_id for r in classes.values() if r.school_class_id in now}


def _plan_class(plan: Plan, record: FinalRecord, fields: dict, now, counts) -> None:
    """Create the record's class, or update it to ``fields``."""
    pk = record.school_class_id if record.school_class_id in now else None
    if pk is None:
        plan.classes[record.sourced_id] = ObjectPlan(None, fields, True)
        counts["created"] += 1
        return
    was = now[pk]
    wanted = tuple(fields[f] for f in ("school", "term", "name", "subject", "grade_band", "active"))
    changed = was != wanted
    plan.classes[record.sourced_id] = ObjectPlan(pk, fields, changed)
    if was[5] and not record.active:
        counts["deactivated"] += 1
    elif record.active and not was[5]:
        counts["reactivated"] += 1
    elif changed:
        counts["updated"] += 1


# ---------------------------------------------------------------- accounts

#: The account fields a user record sets.
USER_FIELDS = ("username", "first_name", "last_name", "email", "display_name", "is_active")


@dataclass
class _Accounts:
    """The accounts in Trellis, and the usernames the file claims so far."""

    values: dict[int, tuple]  # pk → the USER_FIELDS
    pk_by_username: dict[str, int]
    operators: set[int]
    user_by_pk: dict[int, str]  # accounts mapped to a user record
    usernames: dict[str, str] = field(default_factory=dict)  # username → sourcedId
    counts: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(
            ("created", "updated", "deactivated", "reactivated"), 0
        )
    )


def _plan_users(plan: Plan, users: dict[str, FinalRecord]) -> dict[int, str]:
    """One account per user record; return each mapped account's sourcedId by pk."""
    values = {row[0]: row[1:] for row in roster_rows("user", "pk", *USER_FIELDS)}
    accounts = _Accounts(
        values=values,
        pk_by_username={value[0]: pk for pk, value in values.items()},
        operators=set(operator_ids()),
        user_by_pk={r.user_id: r.sourced_id for r in users.values() if r.user_id in values},
    )
    for record in users.values():
        fields = user_fields(record.data, record.active)
        message = _username_problem(record, str(fields["username"]), accounts)
        if message:
            problem = _problem_maker(record, spec.USERS.filename)
            plan.problems.append(problem("username", message))
            continue
        _plan_account(plan, record, fields, accounts)
    plan.summary["users"] = accounts.counts
    return accounts.user_by_pk


def _username_problem(record: FinalRecord, username: str, accounts: _Accounts) -> str:
    """Why the record may not have this username ("" when it may); claims it."""
    if not record.data.get("username") and not valid_username(username):
        return errors.BAD_USERNAME.format(value=username)
    if username in accounts.usernames:
        return errors.USERNAME_TWICE.format(value=username, other=accounts.usernames[username])
    accounts.usernames[username] = record.sourced_id
    pk = record.user_id if record.user_id in accounts.values else None
    holder = accounts.pk_by_username.get(username)
    if holder is not None and holder != pk and holder not in accounts.user_by_pk:
        return errors.USERNAME_TAKEN.format(value=username)
    return ""


def _plan_account(plan: Plan, record: FinalRecord, fields: dict, accounts: _Accounts) -> None:
    """Create the record's account, or update it to ``fields``."""
    counts = accounts.counts
    pk = record.user_id if record.user_id in accounts.values else None
    if pk is None:
        plan.users[record.sourced_id] = ObjectPlan(None, fields, True)
        counts["created"] += 1
        return
    was = accounts.values[pk]
    if pk in accounts.operators and not fields["is_active"]:
        # A roster never switches off the people who run the site.
        fields["is_active"] = True
        plan.notes.append(errors.OPERATOR_KEPT.format(username=was[0]))
    changed = was != tuple(fields[f] for f in USER_FIELDS)
    plan.users[record.sourced_id] = ObjectPlan(pk, fields, changed)
    if was[5] and not fields["is_active"]:
        counts["deactivated"] += 1
    elif fields["is_active"] and not was[5]:
        counts["reactivated"] += 1
    elif changed:
        counts["updated"] += 1


# ---------------------------------------------------------------- links


@dataclass
class _Links:
    """What links are planned from: Trellis pks as sourcedIds, and the
    records before and after the file."""

    org_by_school: dict[int, str]
    class_by_pk: dict[int, str]
    user_by_pk: dict[int, str]
    old_view: View
    new_view: View


def _plan_memberships(plan: Plan, links: _Links):
    """Roles in schools, from role records; return the (user, school org,
    role) keys held before or after the file."""
    old_m, new_m = derive_memberships(links.old_view), derive_memberships(links.new_view)
    existing = {}
    for pk, user_id, school_id, role, active in roster_rows(
        "membership", "pk", "user_id", "school_id", "role", "active"
    ):
        key = (links.user_by_pk.get(user_id), links.org_by_school.get(school_id), role)
        if key[0] and key[1]:
            existing[key] = (pk, active)
    plan.summary["memberships"] = _plan_links(
        plan.memberships, old_m.keys() | new_m.keys(), new_m, existing
    )
    _note_unmapped_roles(plan, links.new_view)
    return new_m.keys() | existing.keys()


def _note_unmapped_roles(plan: Plan, view: View) -> None:
    """Say how many role records have no Trellis role (aide, counselor …)."""
    role_names = [data.get("role", "") for _status, data in view["role"].values()]
    unmapped = sorted({r for r in role_names if spec.USER_ROLES.get(r) is None})
    if unmapped:
        count = sum(1 for r in role_names if r in unmapped)
        plan.notes.append(errors.UNMAPPED_ROLES.format(count=count, roles=", ".join(unmapped)))


def _check_enrollment_roles(plan: Plan, final, held_roles) -> None:
    """Each active enrollment row needs its user to hold the role at the
    class's school. Held at all (active or not): a user the file deactivates
    keeps the enrollments it lists, and their account is what is switched off."""
    classes = final["class"]
    for record in final["enrollment"].values():
        role = {"student": roles.LEARNER, "teacher": roles.TEACHER}.get(record.data.get("role", ""))
        if record.row is None or not record.active or role is None:
            continue
        class_sid, user_sid = record.data["classSourcedId"], record.data["userSourcedId"]
        school = classes[class_sid].data.get("schoolSourcedId", "")
        if (user_sid, school, role) not in held_roles:
            message = errors.ENROLLED_WITHOUT_ROLE.format(
                user=user_sid, role=record.data["role"], class_id=class_sid, school=school
            )
            plan.problems.append(record.row.problem("userSourcedId", message))


def _existing_links(rows, first: dict[int, str], second: dict[int, str]):
    """Links in Trellis between mapped objects: (sourcedId, sourcedId) →
    (pk, active), from rows of (pk, first id, second id[, active])."""
    found = {}
    for pk, first_id, second_id, *active in rows:
        key = (first.get(first_id), second.get(second_id))
        if key[0] and key[1]:
            found[key] = (pk, active[0] if active else True)
    return found


def _plan_enrollments(plan: Plan, links: _Links) -> None:
    """Enrollments and teaching assignments, from enrollment records."""
    old_l, old_t = derive_enrollments(links.old_view)
    new_l, new_t = derive_enrollments(links.new_view)
    existing_e = _existing_links(
        roster_rows("enrollment", "pk", "school_class_id", "learner_id", "active"),
        links.class_by_pk,
        links.user_by_pk,
    )
    plan.summary["enrollments"] = _plan_links(
        plan.enrollments, old_l.keys() | new_l.keys(), new_l, existing_e
    )
    existing_t = _existing_links(
        roster_rows("teaching", "pk", "school_class_id", "teacher_id"),
        links.class_by_pk,
        links.user_by_pk,
    )
    plan.summary["teaching_assignments"] = _plan_links(
        plan.teaching, old_t.keys() | new_t.keys(), new_t, existing_t, remove=True
    )


def _plan_guardianships(plan: Plan, links: _Links) -> None:
    """Guardianships, from agentSourcedIds."""
    old_g, new_g = derive_guardianships(links.old_view), derive_guardianships(links.new_view)
    existing = _existing_links(
        roster_rows("guardianship", "pk", "guardian_id", "learner_id"),
        links.user_by_pk,
        links.user_by_pk,
    )
    plan.summary["guardianships"] = _plan_links(
        plan.guardianships,
        old_g.keys() | new_g.keys(),
        {key: active for key, (active, _rel) in new_g.items()},
        existing,
        remove=True,
        extra=lambda key: new_g[key][1],
    )


def _plan_links(
    link_plan: LinkPlan, covered, wanted, existing, remove: bool = False, extra=None
) -> dict[str, int]:
    """Fill ``link_plan`` so that each covered link is active exactly when
    ``wanted`` says so. Links without an active flag are removed instead of
    deactivated (``remove``)."""
    counts = {"created": 0, "removed" if remove else "deactivated": 0}
    if not remove:
        counts["reactivated"] = 0
    for key in sorted(covered):
        want = wanted.get(key, False)
        was = existing.get(key)
        if was is None and (want or not remove):
            # A link OneRoster lists as withdrawn is still made, inactive, so
            # that a roster imported elsewhere holds exactly the same rows.
            link_plan.create.append((*key, extra(key) if extra else want))
            counts["created"] += 1
        elif want and not was[1]:
            link_plan.activate.append(was[0])
            counts["reactivated"] += 1
        elif not want and was is not None and was[1]:
            link_plan.deactivate.append(was[0])
            counts["removed" if remove else "deactivated"] += 1
    return counts
