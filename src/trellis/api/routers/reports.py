"""Continuum report endpoint: each row's measure, value, counts and the
placement on the differentiation–individualization–personalization line."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from trellis.reports import access, selectors

router = Router(tags=["reports"])


class ContinuumQuery(Schema):
    class_id: int | None = Field(None, alias="class")
    learner: int | None = None
    school: int | None = None
    from_: str | None = Field(None, alias="from")
    to: str | None = None


class Shares(Schema):
    differentiation: float
    individualization: float
    personalization: float


class RowOut(Schema):
    key: str
    title: str
    measure: str
    value: str
    counts: dict[str, int]
    total: int
    shares: Shares | None
    position: float | None
    note: str


class ContinuumOut(Schema):
    scope: str
    scope_id: int
    label: str
    start: str
    end: str
    rows: list[RowOut]
    placement: str
    shares: Shares | None
    position: float | None
    note: str


def _shares(values) -> Shares | None:
    if values is None:
        return None
    d, i, p = values
    return Shares(differentiation=d, individualization=i, personalization=p)


@router.get("/reports/continuum", response=ContinuumOut)
def continuum(request: HttpRequest, q: Query[ContinuumQuery]):
    try:
        scope = access.access_report_scope(
            request.user, class_id=q.class_id, learner_id=q.learner, school_id=q.school
        )
        start, end = selectors.parse_range(q.from_, q.to)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
    result = selectors.continuum_for(scope, start, end)
    report = result.report
    return ContinuumOut(
        scope=scope.kind,
        scope_id=scope.obj_id,
        label=scope.label,
        start=start.isoformat(),
        end=end.isoformat(),
        rows=[
            RowOut(
                key=r.key,
                title=r.title,
                measure=r.measure,
                value=r.label,
                counts=r.counts,
                total=r.total,
                shares=_shares(r.shares),
                position=r.position,
                note=r.note,
            )
            for r in report.rows
        ],
        placement=report.label,
        shares=_shares(report.shares),
        position=report.position,
        note=report.note,
    )
