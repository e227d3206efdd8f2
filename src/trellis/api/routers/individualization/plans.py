"""Individual plans: list, decision prompts, write, read (logged), change, versions and reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.individualization.common import _objective_out
from trellis.api.routers.individualization.schemas import (
    DecisionOut,
    PlanChangeIn,
    PlanIn,
    PlanOut,
    PlanSummaryOut,
    ReadOut,
    SessionOut,
    SupportOut,
    VersionOut,
)
from trellis.individualization import access, selectors
from trellis.individualization.constants import VIA_API
from trellis.individualization.progress import decisions_waiting
from trellis.individualization.services import plans

if TYPE_CHECKING:  # plans are read through individualization's access and selectors
    from trellis.individualization.models import IndividualPlan

router = Router()


def _plan_out(plan: IndividualPlan) -> PlanOut:
    plan = selectors.plan_detail(plan.pk)
    return PlanOut(
        id=plan.pk,
        learner_id=plan.learner_id,
        title=plan.title,
        summary=plan.summary,
        accommodations=list(plan.accommodations),
        time_multiplier=plan.time_multiplier,
        review_dates=list(plan.review_dates),
        responsible=str(plan.responsible),
        responsible_note=plan.responsible_note,
        status=plan.status,
        version=plan.version,
        objectives=[_objective_out(o) for o in plan.objectives.all()],
        supports=[
            SupportOut(
                id=s.pk,
                kind=s.kind,
                provider=s.provider,
                focus=s.focus,
                planned_minutes_per_week=s.planned_minutes_per_week,
                sessions=[
                    SessionOut(id=x.pk, on=x.on, minutes=x.minutes, note=x.note)
                    for x in s.sessions.all()
                ],
            )
            for s in plan.supports.all()
        ],
    )


@router.get("/individual-plans", response=list[PlanSummaryOut], summary="Plans the caller may read")
def plan_list(request: HttpRequest):
    return [
        PlanSummaryOut(
            id=p.pk, learner_id=p.learner_id, title=p.title, status=p.status, version=p.version
        )
        for p in selectors.plans_visible_to(request.user)
    ]


@router.get(
    "/individual-plans/decisions",
    response=list[DecisionOut],
    summary="Decision-rule prompts on the plans the caller may change",
)
def decisions(request: HttpRequest):
    plans_ = list(selectors.plans_visible_to(request.user))
    return [
        DecisionOut(
            plan_id=plan.pk,
            learner_id=plan.learner_id,
            learner=str(plan.learner),
            objective_id=p.objective.pk,
            statement=p.objective.statement,
            decision=p.decision.kind,
            message=p.decision_message,
        )
        for plan, p in decisions_waiting(request.user, plans_)
    ]


@router.post(
    "/individual-plans", response={201: PlanOut}, summary="Write a plan (a learner's teacher)"
)
def plan_create(request: HttpRequest, payload: PlanIn):
    learner = access.access_learner_to_write_for(request.user, payload.learner_id)
    data = payload.dict()
    data.pop("learner_id")
    plan = plans.plan_create(learner=learner, author=request.user, **data)
    return Status(201, _plan_out(plan))


@router.get(
    "/individual-plans/{plan_id}", response=PlanOut, summary="One plan (the read is logged)"
)
def plan_detail(request: HttpRequest, plan_id: int):
    return _plan_out(access.access_plan(request.user, plan_id, via=VIA_API))


@router.patch(
    "/individual-plans/{plan_id}", response=PlanOut, summary="Change a plan (reason required)"
)
def plan_change(request: HttpRequest, plan_id: int, payload: PlanChangeIn):
    plan = access.access_plan_to_change(request.user, plan_id, via=VIA_API)
    changes = {k: v for k, v in payload.dict().items() if v is not None and k != "reason"}
    if "responsible_id" in changes:
        found = selectors.staff_member(changes.pop("responsible_id"))
        if found is None:
            raise ValidationError({"responsible": plans.RESPONSIBLE_STAFF})
        changes["responsible"] = found
    plans.plan_update(plan=plan, changed_by=request.user, reason=payload.reason, **changes)
    return _plan_out(plan)


@router.get(
    "/individual-plans/{plan_id}/versions", response=list[VersionOut], summary="A plan's versions"
)
def plan_versions(request: HttpRequest, plan_id: int):
    plan = access.access_plan(request.user, plan_id, via=VIA_API)
    plan = selectors.plan_with_versions(plan)
    return [
        VersionOut(
            number=v.number,
            at=v.at,
            changed_by=v.changed_by_shown,
            reason=v.reason_said,
            changes=changes,
            snapshot=v.snapshot,
        )
        for v, changes in selectors.versions_with_changes(plan)
    ]


@router.get(
    "/individual-plans/{plan_id}/reads",
    response=list[ReadOut],
    summary="The plan's read log (admins)",
)
def plan_reads(request: HttpRequest, plan_id: int):
    plan = access.access_plan_reads(request.user, plan_id)
    return [
        ReadOut(at=r.at, reader_id=r.reader_id, reader=str(r.reader), via=r.via)
        for r in selectors.read_log(plan)[:500]
    ]
