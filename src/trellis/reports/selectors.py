"""The continuum report for a scope and date range, and its drill-down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trellis.engine.continuum import (
    SOURCE_BY_KEY,
    ContinuumReport,
    compute_continuum,
)
from trellis.people import roles
from trellis.people.selectors import (
    all_classes,
    class_ids_taught_by,
    classes_of_schools,
    classes_with_ids,
    role_school_ids,
)
from trellis.reports import counts

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

DATE_ERROR = gettext_lazy("{name} must be a date written YYYY-MM-DD, not {value!r}.")
UNKNOWN_COUNT = gettext_lazy("There is no kind of record called {key!r}.")
DEFAULT_DAYS = 30
DRILL_LIMIT = 200


@dataclass(frozen=True)
class ContinuumResult:
    scope: counts.Scope
    start: dt.date
    end: dt.date
    records: dict[str, list[counts.Record]]
    report: ContinuumReport


def parse_range(start: object, end: object) -> tuple[dt.date, dt.date]:
    """Dates from query parameters; the last 30 days when left out."""
    today = timezone.localdate()

    def one(name: str, value: object, default: dt.date) -> dt.date:
        if value in (None, ""):
            return default
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValueError(DATE_ERROR.format(name=name, value=value)) from None

    end_d = one("to", end, today)
    start_d = one("from", start, end_d - dt.timedelta(days=DEFAULT_DAYS))
    counts.bounds(start_d, end_d)  # validates the order
    return start_d, end_d


def continuum_for(scope: counts.Scope, start: dt.date, end: dt.date) -> ContinuumResult:
    records = counts.gather_records(scope, start, end)
    report = compute_continuum(counts.facts_of(records))
    return ContinuumResult(scope, start, end, records, report)


def drill_down(scope: counts.Scope, start: dt.date, end: dt.date, key: str) -> list[counts.Record]:
    """The records of one kind, newest first (at most ``DRILL_LIMIT``)."""
    if key not in SOURCE_BY_KEY:
        raise ValueError(UNKNOWN_COUNT.format(key=key))
    rows = counts.gather_records(scope, start, end)[key]
    return sorted(rows, key=lambda r: (r.day, r.decision), reverse=True)[:DRILL_LIMIT]


def report_classes_for(user: User) -> QuerySet[SchoolClass]:
    """Classes whose continuum report the person may open (for the index)."""
    if user.is_superuser:
        return all_classes().select_related("school").order_by("name")
    admin_schools = role_school_ids(user, roles.ADMIN)
    taught = class_ids_taught_by(user)
    return (
        (classes_with_ids(taught) | classes_of_schools(admin_schools))
        .select_related("school")
        .distinct()
        .order_by("name")
    )
