"""Self-rating and reflection on scored work."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import GapOut, ReflectionIn
from trellis.evidence.access import access_response
from trellis.personalization import access, selectors
from trellis.personalization.services import reflection as rf_svc

router = Router()


@router.get(
    "/reflections/{learner_id}",
    response=list[GapOut],
    summary="Self vs teacher ratings and reflections over time",
)
def reflections(request: HttpRequest, learner_id: int):
    learner = access.access_learner(request.user, learner_id)
    return [
        GapOut(
            on=p.on,
            task=p.task,
            self_fraction=p.self_fraction,
            teacher_fraction=p.teacher_fraction,
            gap=p.gap,
            went_well=p.reflection.went_well if p.reflection else None,
            to_change=p.reflection.to_change if p.reflection else None,
            next_step=p.reflection.next_step if p.reflection else None,
        )
        for p in selectors.self_teacher_gap(learner)
    ]


@router.post(
    "/reflections", response={201: dict}, summary="Rate your own scored work and reflect (learners)"
)
def reflection_create(request: HttpRequest, payload: ReflectionIn):
    response = access_response(request.user, payload.response_id)
    data = payload.dict()
    data.pop("response_id")
    reflection = rf_svc.reflection_record(learner=request.user, response=response, **data)
    return Status(201, {"id": reflection.pk, "self_score_id": reflection.self_score_id})
