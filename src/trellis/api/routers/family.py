"""Family endpoint: a guardian's children and, for each, what the family
page shows. Anyone else gets an empty list (they have no children here)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from trellis.family import selectors

router = Router(tags=["family"])


class MasteryOut(Schema):
    code: str
    level: str
    percent: int
    new_evidence: int


class BenchmarkOut(Schema):
    description: str
    due_on: dt.date


class GoalOut(Schema):
    title: str
    status: str
    benchmarks: list[BenchmarkOut]


class WorkOut(Schema):
    title: str
    due: dt.datetime | None
    overdue: bool


class FeedbackOut(Schema):
    at: dt.datetime
    author: str
    about: str
    text: str


class ChildOut(Schema):
    id: int
    name: str
    mastery: list[MasteryOut]
    goals: list[GoalOut]
    feedback: list[FeedbackOut]
    upcoming: list[WorkOut]
    overdue: list[WorkOut]
    individual_plan: str | None
    shared_portfolio: list[str]


def _child(child) -> ChildOut:
    upcoming, overdue = selectors.work_for(child)
    plan = selectors.plan_of(child)
    return ChildOut(
        id=child.pk,
        name=str(child),
        mastery=[MasteryOut(**m.__dict__) for m in selectors.mastery_of(child)],
        goals=[
            GoalOut(
                title=g.title,
                status=g.status,
                benchmarks=[
                    BenchmarkOut(description=b.description, due_on=b.due_on)
                    for b in g.benchmarks.all()
                ],
            )
            for g in selectors.goals_of(child)
        ],
        feedback=[FeedbackOut(**f.__dict__) for f in selectors.feedback_for(child)],
        upcoming=[WorkOut(title=w.title, due=w.due, overdue=False) for w in upcoming],
        overdue=[WorkOut(title=w.title, due=w.due, overdue=True) for w in overdue],
        individual_plan=plan.title if plan else None,
        shared_portfolio=[e.title for e in selectors.shared_portfolio_of(child)[:20]],
    )


@router.get("/guardian/children", response=list[ChildOut])
def guardian_children(request: HttpRequest):
    return [_child(c) for c in selectors.children_of(request.user)]
