"""A plan's objectives: add, change, remove (with a reason), progress and measurements."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.individualization.common import _competencies, _objective_out
from trellis.api.routers.individualization.schemas import (
    MeasurementIn,
    ObjectiveChangeIn,
    ObjectiveIn,
    ObjectiveOut,
    PointOut,
    ProgressOut,
    ReasonIn,
    RemovedOut,
)
from trellis.individualization import access
from trellis.individualization.constants import VIA_API
from trellis.individualization.progress import objective_progress
from trellis.individualization.services import plans

router = Router()


@router.post(
    "/individual-plans/{plan_id}/objectives",
    response={201: ObjectiveOut},
    summary="Add an objective",
)
def objective_add(request: HttpRequest, plan_id: int, payload: ObjectiveIn):
    plan = access.access_plan_to_change(request.user, plan_id)
    data = payload.dict()
    ids = data.pop("competency_ids")
    try:
        competencies = _competencies(ids)
    except ValidationError as unknown:
        # An unknown competency id is listed with every other problem.
        problems = plans.objective_problems(
            plan,
            reason=data["reason"],
            method=data["method"],
            baseline_value=data["baseline_value"],
            baseline_date=data["baseline_date"],
            target_value=data["target_value"],
            target_date=data["target_date"],
        )
        raise ValidationError(problems | unknown.message_dict) from None
    objective = plans.objective_add(
        plan=plan, changed_by=request.user, competencies=competencies, **data
    )
    return Status(201, _objective_out(objective))


@router.patch(
    "/individual-plans/objectives/{objective_id}",
    response=ObjectiveOut,
    summary="Change one objective (reason required; makes a plan version)",
)
def objective_change(request: HttpRequest, objective_id: int, payload: ObjectiveChangeIn):
    objective = access.access_objective(request.user, objective_id, change=True, via=VIA_API)
    changes = {k: v for k, v in payload.dict().items() if v is not None and k != "reason"}
    if "competency_ids" in changes:
        changes["competencies"] = _competencies(changes.pop("competency_ids"))
    plans.objective_update(
        objective=objective, changed_by=request.user, reason=payload.reason, **changes
    )
    return _objective_out(objective)


@router.delete(
    "/individual-plans/objectives/{objective_id}",
    response=RemovedOut,
    summary="Remove one objective (reason required; makes a plan version)",
)
def objective_remove(request: HttpRequest, objective_id: int, payload: ReasonIn):
    objective = access.access_objective(request.user, objective_id, change=True)
    plan_id = objective.plan_id
    version = plans.objective_delete(
        objective=objective, changed_by=request.user, reason=payload.reason
    )
    return RemovedOut(plan_id=plan_id, version=version)


@router.get(
    "/individual-plans/objectives/{objective_id}/progress",
    response=ProgressOut,
    summary="Data points, aim line, trend and decision for one objective",
)
def objective_progress_api(request: HttpRequest, objective_id: int):
    objective = access.access_objective(request.user, objective_id)
    access.access_plan(request.user, objective.plan_id, via=VIA_API)
    p = objective_progress(objective)
    return ProgressOut(
        objective_id=objective.pk,
        points=[
            PointOut(date=r.date, value=r.value, aim_value=r.aim_value, behind=r.behind)
            for r in p.table
        ],
        trend_per_week=p.trend.slope_per_week if p.trend else None,
        decision=p.decision.kind,
        message=p.decision_message,
        svg=p.svg,
    )


@router.post(
    "/individual-plans/objectives/{objective_id}/measurements",
    response={201: PointOut},
    summary="Enter a measurement (teacher-measured objectives)",
)
def measurement_add(request: HttpRequest, objective_id: int, payload: MeasurementIn):
    objective = access.access_objective(request.user, objective_id, change=True)
    m = plans.measurement_record(objective=objective, recorded_by=request.user, **payload.dict())
    aim = objective_progress(objective).aim.value_at(m.on)
    return Status(
        201,
        PointOut(
            date=m.on,
            value=m.value,
            aim_value=aim,
            behind=(m.value - aim)
            * (1 if objective.target_value >= objective.baseline_value else -1)
            < 0,
        ),
    )
