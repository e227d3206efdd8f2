"""Mastery per learner and competency, and the school's mastery model card."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from trellis.api.routers.evidence.schemas import MasteryModelOut, MasteryOut
from trellis.evidence import selectors
from trellis.people.access import (
    NOT_FOUND,
    access_learner,
    access_school,
)

router = Router()


@router.get("/mastery", response=list[MasteryOut], summary="Mastery per learner and competency")
def mastery(request: HttpRequest, learner_id: int | None = None, competency_id: int | None = None):
    """Rows straight from ``values()``: no model object (nor a second schema
    object) per record, which is where this list spent its time (issue #18)."""
    if learner_id is not None:
        records = selectors.mastery_records_of(access_learner(request.user, learner_id))
    else:
        records = selectors.mastery_records_visible(request.user)
    return selectors.mastery_rows(records, competency_id=competency_id)


@router.get(
    "/mastery-model",
    response=MasteryModelOut,
    summary="The school's mastery model card, for its admins",
)
def mastery_model(request: HttpRequest, school_id: int | None = None):
    """Which model the school uses, when and on how much evidence it was
    fitted, each candidate's held-out AUC and log loss, the calibration
    table and what "mastery" means for it. ``school_id`` may be left out by
    the admin of one school."""
    if school_id is None:
        school_id = selectors.sole_school_administered(request.user)
        if school_id is None:
            raise HttpError(404, NOT_FOUND)
    card = selectors.model_card(access_school(request.user, school_id))
    return MasteryModelOut(**asdict(card))
