"""Family endpoint: a guardian's children and, for each, what the family
page shows. Anyone else gets an empty list (they have no children here).
Each child's individual plan that is returned is a logged read (via "api")."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from trellis.family import selectors
from trellis.individualization.models import VIA_API
from trellis.individualization.services.plans import plan_read_record

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


def _child(guardian, child) -> ChildOut:
    upcoming, overdue = selectors.work_for(child)
    plan = selectors.plan_of(child)
    if plan is not None:  # the answer carries the plan's contents: a logged read
        plan_read_record(plan=plan, reader=guardian, via=VIA_API)
    return ChildOut(
        id=child.pk,
        name=str(child),
        mastery=[ChildMasteryOut(**m.__dict__) for m in selectors.mastery_of(child)],
        goals=[
            ChildGoalOut(
                title=g.title,
                status=g.status,
                benchmarks=[
                    ChildBenchmarkOut(description=b.description, due_on=b.due_on)
                    for b in g.benchmarks.all()
                ],
            )
            for g in selectors.goals_of(child)
        ],
        feedback=[FeedbackOut(**f.__dict__) for f in selectors.feedback_for(child)],
        upcoming=[WorkOut(title=w.title, due=w.due, overdue=False) for w in upcoming],
        overdue=[WorkOut(title=w.title, due=w.due, overdue=True) for w in overdue],
        individual_plan=plan.title if plan else None,
        plan=_plan(plan) if plan else None,
        shared_portfolio=[e.title for e in selectors.shared_portfolio_of(child)[:20]],
    )


@router.get("/guardian/children", response=list[ChildOut])
def guardian_children(request: HttpRequest):
    return [_child(request.user, c) for c in selectors.children_of(request.user)]
