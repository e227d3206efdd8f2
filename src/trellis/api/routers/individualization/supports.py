"""A plan's supports: add, change, remove (with a reason) and the sessions given."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.individualization.schemas import (
    ReasonIn,
    RemovedOut,
    SessionIn,
    SessionOut,
    SupportChangeIn,
    SupportIn,
    SupportOut,
)
from trellis.individualization import access
from trellis.individualization.constants import VIA_API
from trellis.individualization.services import plans

router = Router()


@router.post(
    "/individual-plans/{plan_id}/supports", response={201: SupportOut}, summary="Add a support"
)
def support_add(request: HttpRequest, plan_id: int, payload: SupportIn):
    plan = access.access_plan_to_change(request.user, plan_id)
    s = plans.support_add(plan=plan, changed_by=request.user, **payload.dict())
    return Status(
        201,
        SupportOut(
            id=s.pk,
            kind=s.kind,
            provider=s.provider,
            focus=s.focus,
            planned_minutes_per_week=s.planned_minutes_per_week,
            sessions=[],
        ),
    )


def _support_out(s) -> SupportOut:
    return SupportOut(
        id=s.pk,
        kind=s.kind,
        provider=s.provider,
        focus=s.focus,
        planned_minutes_per_week=s.planned_minutes_per_week,
        sessions=[
            SessionOut(id=x.pk, on=x.on, minutes=x.minutes, note=x.note) for x in s.sessions.all()
        ],
    )


@router.patch(
    "/individual-plans/supports/{support_id}",
    response=SupportOut,
    summary="Change one support (reason required; makes a plan version)",
)
def support_change(request: HttpRequest, support_id: int, payload: SupportChangeIn):
    support = access.access_support_to_change(request.user, support_id, via=VIA_API)
    changes = {k: v for k, v in payload.dict().items() if v is not None and k != "reason"}
    plans.support_update(support=support, changed_by=request.user, reason=payload.reason, **changes)
    return _support_out(support)


@router.delete(
    "/individual-plans/supports/{support_id}",
    response=RemovedOut,
    summary="Remove one support and its logged sessions (reason required; makes a plan version)",
)
def support_remove(request: HttpRequest, support_id: int, payload: ReasonIn):
    support = access.access_support_to_change(request.user, support_id)
    plan_id = support.plan_id
    version = plans.support_delete(support=support, changed_by=request.user, reason=payload.reason)
    return RemovedOut(plan_id=plan_id, version=version)


@router.post(
    "/individual-plans/supports/{support_id}/sessions",
    response={201: SessionOut},
    summary="Log a session",
)
def session_log(request: HttpRequest, support_id: int, payload: SessionIn):
    support = access.access_support_to_log(request.user, support_id)
    x = plans.support_session_log(support=support, logged_by=request.user, **payload.dict())
    return Status(201, SessionOut(id=x.pk, on=x.on, minutes=x.minutes, note=x.note))
