"""Family endpoint: a guardian's children and, for each, what the family
page shows. Anyone else gets an empty list (they have no children here).
Each child's individual plan that is returned is a logged read (via "api")."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from trellis.family import selectors
from trellis.individualization.constants import VIA_API
from trellis.individualization.services.plans import plan_reads_record

router = Router(tags=["family"])


class ChildMasteryOut(Schema):
    code: str
    level: str
    percent: int
    new_evidence: int


class ChildBenchmarkOut(Schema):
    description: str
    due_on: dt.date


class ChildGoalOut(Schema):
    title: str
    status: str
    benchmarks: list[ChildBenchmarkOut]


class WorkOut(Schema):
    title: str
    due: dt.datetime | None
    overdue: bool


class FeedbackOut(Schema):
    at: dt.datetime
    author: str
    about: str
    text: str


class ChildPlanObjectiveOut(Schema):
    statement: str
    target_date: dt.date


class ChildPlanSupportOut(Schema):
    kind: str
    provider: str
    focus: str


class ChildPlanOut(Schema):
    """What the family page shows of the child's active plan."""

    title: str
    summary: str
    objectives: list[ChildPlanObjectiveOut]
    supports: list[ChildPlanSupportOut]


class ChildOut(Schema):
    id: int
    name: str
    mastery: list[ChildMasteryOut]
    goals: list[ChildGoalOut]
    feedback: list[FeedbackOut]
    upcoming: list[WorkOut]
    overdue: list[WorkOut]
    individual_plan: str | None
    plan: ChildPlanOut | None
    shared_portfolio: list[str]


def _plan(plan) -> ChildPlanOut:
    return ChildPlanOut(
        title=plan.title,
        summary=plan.summary,
        objectives=[
            ChildPlanObjectiveOut(statement=o.statement, target_date=o.target_date)
            for o in plan.objectives.all()
        ],
        supports=[
            ChildPlanSupportOut(kind=s.kind, provider=s.provider, focus=s.focus)
            for s in plan.supports.all()
        ],
    )


def _child(overview: selectors.ChildOverview) -> ChildOut:
    child, plan = overview.child, overview.plan
    return ChildOut(
        id=child.pk,
        name=str(child),
        mastery=[ChildMasteryOut(**m.__dict__) for m in overview.mastery],
        goals=[
            ChildGoalOut(
                title=g.title,
                status=g.status,
                benchmarks=[
                    ChildBenchmarkOut(description=b.description, due_on=b.due_on)
                    for b in g.benchmarks.all()
                ],
            )
            for g in overview.goals
        ],
        feedback=[FeedbackOut(**f.__dict__) for f in overview.feedback],
        upcoming=[WorkOut(title=w.title, due=w.due, overdue=False) for w in overview.upcoming],
        overdue=[WorkOut(title=w.title, due=w.due, overdue=True) for w in overview.overdue],
        individual_plan=plan.title if plan else None,
        plan=_plan(plan) if plan else None,
        shared_portfolio=[e.title for e in overview.shared_portfolio],
    )


@router.get("/guardian/children", response=list[ChildOut])
def guardian_children(request: HttpRequest):
    """Every child in one pass: the queries do not grow with the number of
    children. The plans returned are logged reads, in one insert."""
    overviews = selectors.children_overview(request.user)
    plans = [o.plan for o in overviews if o.plan is not None]
    if plans:
        plan_reads_record(plans=plans, reader=request.user, via=VIA_API)
    return [_child(o) for o in overviews]
