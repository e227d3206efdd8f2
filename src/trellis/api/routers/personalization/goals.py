"""Goals: list, set (by the learner or their teacher), read with progress, change, review, check in."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import (
    BenchmarkOut,
    CheckInIn,
    CheckInOut,
    GoalIn,
    GoalListOut,
    GoalOut,
    ReviewIn,
)
from trellis.personalization import access, selectors
from trellis.personalization.services import goals as goal_svc
from trellis.personalization.words import projection_message

router = Router()


def _goal_out(goal) -> GoalOut:
    rows = selectors.benchmark_progress(goal)
    p = selectors.goal_projection(goal)
    ids = [r.benchmark.pk for r in rows]
    return GoalOut(
        id=goal.pk,
        learner_id=goal.learner_id,
        set_by_id=goal.set_by_id,
        title=goal.title,
        description=goal.description,
        status=goal.status,
        target_date=goal.target_date,
        competency_ids=[c.pk for c in goal.competencies.all()],
        benchmarks=[
            BenchmarkOut(
                id=r.benchmark.pk,
                description=r.benchmark.description,
                due_on=r.benchmark.due_on,
                success_looks_like=r.benchmark.success_looks_like,
                competency_id=r.benchmark.competency_id,
                progress=round(r.progress, 4),
                source=r.source,
                met_on=r.met_on,
            )
            for r in rows
        ],
        progress=round(selectors.goal_progress(rows), 4),
        projection={
            "date": p.date,
            "earliest": p.earliest,
            "latest": p.latest,
            "rate_per_week": p.rate_per_week,
            "message": projection_message(p),
            "reached": p.reached,
            "on_track": p.on_track,
        },
        checkins=[
            CheckInOut(
                on=h.checkin.on,
                progress=round(h.checkin.progress, 4),
                note=h.checkin.note,
                benchmarks={
                    bid: None if v is None else round(v, 4)
                    for bid, v in zip(ids, h.values, strict=True)
                },
            )
            for h in selectors.goal_history(goal)
        ],
    )


@router.get("/goals", response=list[GoalListOut], summary="Goals the caller may see")
def goal_list(request: HttpRequest, learner_id: int | None = None, status: str | None = None):
    qs = selectors.goals_for_api(request.user, learner_id=learner_id, status=status)
    return [
        GoalListOut(
            id=g.pk,
            learner_id=g.learner_id,
            title=g.title,
            status=g.status,
            target_date=g.target_date,
        )
        for g in qs
    ]


@router.post("/goals", response={201: GoalOut}, summary="Set a goal (learners)")
def goal_create(request: HttpRequest, payload: GoalIn):
    access.require_learner_writes(request.user)
    data = payload.dict()
    goal = goal_svc.goal_create(learner=request.user, **data)
    return Status(201, _goal_out(goal))


@router.post(
    "/learners/{learner_id}/goals",
    response={201: GoalOut},
    summary="Set a goal for one of your learners (teachers)",
)
def goal_set_for_learner(request: HttpRequest, learner_id: int, payload: GoalIn):
    learner = access.access_learner_to_guide(request.user, learner_id)
    goal = goal_svc.goal_set_for_learner(teacher=request.user, learner=learner, **payload.dict())
    return Status(201, _goal_out(goal))


@router.get("/goals/{goal_id}", response=GoalOut, summary="One goal with progress and projection")
def goal_get(request: HttpRequest, goal_id: int):
    return _goal_out(access.access_goal(request.user, goal_id))


@router.put(
    "/goals/{goal_id}", response=GoalOut, summary="Change a goal (sends it back for review)"
)
def goal_put(request: HttpRequest, goal_id: int, payload: GoalIn):
    goal = access.access_goal_to_change(request.user, goal_id)
    return _goal_out(goal_svc.goal_update(goal=goal, **payload.dict()))


@router.post(
    "/goals/{goal_id}/reviews",
    response={201: GoalOut},
    summary="Approve, comment or ask for changes (teachers)",
)
def goal_review(request: HttpRequest, goal_id: int, payload: ReviewIn):
    goal = access.access_goal_to_review(request.user, goal_id)
    goal_svc.goal_review(
        goal=goal, reviewer=request.user, decision=payload.decision, comment=payload.comment
    )
    goal.refresh_from_db()
    return Status(201, _goal_out(goal))


@router.post(
    "/goals/{goal_id}/checkins", response={201: GoalOut}, summary="Check in on a goal (learners)"
)
def goal_checkin(request: HttpRequest, goal_id: int, payload: CheckInIn):
    goal = access.access_goal_to_change(request.user, goal_id)
    goal_svc.checkin_record(
        goal=goal,
        recorded_by=request.user,
        ratings=payload.ratings,
        note=payload.note,
        on=payload.on,
    )
    return Status(201, _goal_out(goal))
