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
    whole_class: float
    differentiation: float
    individualization: float
    personalization: float


class RowOut(Schema):
    key: str
    title: str
    measure: str
    value: str
    defining: bool
    learner_days: int
    days: dict[str, float]
    decisions: dict[str, int]
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
    rests_on: list[str]
    min_learner_days: int
    note: str


def _shares(values) -> Shares | None:
    if values is None:
        return None
    w, d, i, p = values
    return Shares(whole_class=w, differentiation=d, individualization=i, personalization=p)


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
                defining=r.defining,
                learner_days=r.learner_days,
                days=r.days,
                decisions={t.key: t.decisions for t in r.sources},
                shares=_shares(r.shares),
                position=r.position,
                note=r.note,
            )
            for r in report.rows
        ],
        placement=report.label,
        shares=_shares(report.shares),
        position=report.position,
        rests_on=list(report.rests_on),
        min_learner_days=report.min_learner_days,
        note=report.note,
    )
