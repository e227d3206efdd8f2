"""Tables a school takes out of Trellis: mastery (learner × competency),
the evidence log, goals and individual plans, for a class or a whole school,
as CSV or JSON. Each table is a list of flat rows built from a few queries,
whatever the number of learners. Plans are included only where the person
exporting may see the plan (``individualization.view_plan``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from trellis.evidence.selectors.answers import responses_for_export
from trellis.evidence.selectors.records import mastery_export_rows
from trellis.individualization.selectors import plans_visible_to
from trellis.people import selectors as people_selectors
from trellis.personalization.selectors import goals_for_export

if TYPE_CHECKING:
    from trellis.people.models import School, SchoolClass, User

UNKNOWN_TABLE = gettext_lazy("Unknown table {name!r}; choose one of {choices}.")
UNKNOWN_FORMAT = gettext_lazy("Unknown format {name!r}; choose csv or json.")
FORMATS = ("csv", "json")


def class_learner_ids(school_class: SchoolClass) -> QuerySet:
    return people_selectors.class_learner_ids(school_class)


def school_learner_ids(school: School) -> QuerySet:
    return people_selectors.school_learner_ids_query(school)


def mastery_rows(learner_ids: QuerySet, user: User, school: School) -> list[dict]:
    """One query, rows straight from ``values()`` (no model objects: a
    school's table is learners × competencies)."""
    rows = mastery_export_rows(learner_ids)
    return [
        {
            "learner_id": learner_id,
            "learner": username,
            "competency_id": competency_id,
            # As Competency.label: the code, else the statement's start.
            "competency": code or statement[:40],
            "level": level,
            "probability": round(probability, 4),
            "attempts": attempts,
            "correct": correct,
            "updated_at": updated_at,
        }
        for (
            learner_id, username, competency_id, code, statement, level, probability, attempts,
            correct, updated_at,
        ) in rows
    ]  # fmt: skip


def evidence_rows(learner_ids: QuerySet, user: User, school: School) -> list[dict]:
    rows = responses_for_export(learner_ids, school)
    return [
        {
            "response_id": r.pk,
            "learner_id": r.learner_id,
            "learner": r.learner.username,
            "item_id": r.item_id,
            "attempt_id": r.attempt_id,
            "source": r.source,
            "answer": r.answer,
            "correct": r.correct,
            "score": r.score,
            "time_on_item_ms": r.time_on_item_ms,
            "corrects_id": r.corrects_id,
            "recorded_by": r.recorded_by.username if r.recorded_by else "",
            "recorded_at": r.recorded_at,
        }
        for r in rows
    ]


def goal_rows(learner_ids: QuerySet, user: User, school: School) -> list[dict]:
    return [
        {
            "goal_id": g.pk,
            "learner_id": g.learner_id,
            "learner": g.learner.username,
            "title": g.title,
            "status": g.status,
            "target_date": g.target_date,
            "set_by": g.set_by.username if g.set_by else "",
            "competencies": " ".join(c.label for c in g.competencies.all()),
            "created_at": g.created_at,
        }
        for g in goals_for_export(learner_ids)
    ]


def plan_rows(learner_ids: QuerySet, user: User, school: School) -> list[dict]:
    # Only the plans the caller may read, in the query itself: a rule check
    # per plan cost two queries a plan (issue #21's query counts).
    rows = plans_visible_to(user).filter(learner_id__in=learner_ids, school=school)
    return [
        {
            "plan_id": p.pk,
            "learner_id": p.learner_id,
            "learner": p.learner.username,
            "title": p.title,
            "status": p.status,
            "accommodations": " ".join(p.accommodations),
            "time_multiplier": p.time_multiplier,
            "responsible": p.responsible.username,
            "updated_at": p.updated_at,
        }
        for p in rows.order_by("learner__username", "pk")
    ]


TABLES: dict[str, Callable[[QuerySet, User, School], list[dict]]] = {
    "mastery": mastery_rows,
    "evidence": evidence_rows,
    "goals": goal_rows,
    "plans": plan_rows,
}


def check_choice(table: str, fmt: str) -> None:
    if table not in TABLES:
        raise ValueError(UNKNOWN_TABLE.format(name=table, choices=", ".join(TABLES)))
    if fmt not in FORMATS:
        raise ValueError(UNKNOWN_FORMAT.format(name=fmt))


#: A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value as a CSV cell a spreadsheet will show, not run: text that
    would start a formula gets a leading apostrophe (numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def render(rows: list[dict], fmt: str, columns: Iterable[str] = ()) -> str:
    """CSV (a header even when there are no rows, if ``columns`` is given)
    or JSON (a list of objects)."""
    if fmt == "json":
        return json.dumps(rows, cls=DjangoJSONEncoder, indent=1)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns) or list(rows[0] if rows else []))
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(v) for k, v in row.items()})
    return out.getvalue()


COLUMNS = {
    "mastery": [
        "learner_id", "learner", "competency_id", "competency", "level", "probability",
        "attempts", "correct", "updated_at",
    ],
    "evidence": [
        "response_id", "learner_id", "learner", "item_id", "attempt_id", "source", "answer",
        "correct", "score", "time_on_item_ms", "corrects_id", "recorded_by", "recorded_at",
    ],
    "goals": [
        "goal_id", "learner_id", "learner", "title", "status", "target_date", "set_by",
        "competencies", "created_at",
    ],
    "plans": [
        "plan_id", "learner_id", "learner", "title", "status", "accommodations",
        "time_multiplier", "responsible", "updated_at",
    ],
}  # fmt: skip


def class_export(*, user: User, school_class: SchoolClass, table: str, fmt: str) -> str:
    check_choice(table, fmt)
    rows = TABLES[table](class_learner_ids(school_class), user, school_class.school)
    return render(rows, fmt, COLUMNS[table])


def school_export(*, user: User, school: School, table: str, fmt: str) -> str:
    check_choice(table, fmt)
    rows = TABLES[table](school_learner_ids(school), user, school)
    return render(rows, fmt, COLUMNS[table])
