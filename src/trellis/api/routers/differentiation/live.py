"""A lesson in progress: the before-lesson summary and the live flags (polled)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from trellis.api.routers.differentiation.common import _objective
from trellis.api.routers.differentiation.schemas import (
    BeforeOut,
    EvidenceOut,
    FlagOut,
    HandledOut,
    HandleIn,
    LiveOut,
    ReadinessOut,
)
from trellis.differentiation import live, selectors, services
from trellis.people.access import (
    access_class_as_teacher,
    access_class_roster,
    access_learner,
)

if TYPE_CHECKING:  # flag actions are written through differentiation's services
    from trellis.differentiation.models import FlagAction

router = Router()


def _handled_out(action: FlagAction) -> HandledOut:
    return HandledOut(
        id=action.pk,
        learner_id=action.learner_id,
        kind=action.kind,
        competency=action.competency,
        note=action.note,
        at=action.at,
        handled_by=str(action.handled_by) if action.handled_by else None,
    )


@router.get(
    "/groupings/classes/{class_id}/before-lesson",
    response=BeforeOut,
    summary="Likely to struggle / ready for extension",
)
def before_lesson(request: HttpRequest, class_id: int, objective_id: int):
    school_class = access_class_roster(request.user, class_id)
    report = selectors.before_lesson(school_class, _objective(school_class, objective_id))

    def ev(e) -> EvidenceOut:
        return EvidenceOut(
            competency=e.competency.label, percent=e.percent, level=e.level, attempts=e.attempts
        )

    def row(r, weak: bool) -> ReadinessOut:
        return ReadinessOut(
            learner_id=r.learner.pk,
            name=str(r.learner),
            objective=ev(r.objective),
            weak_prerequisites=[ev(e) for e in r.weak_prerequisites] if weak else [],
            placement=r.placement,
            evidence=r.evidence,
        )

    return BeforeOut(
        objective_id=report.objective.pk,
        objective=str(report.objective),
        prerequisites=[c.label for c in report.prerequisites],
        likely_to_struggle=[row(r, True) for r in report.struggle],
        extension=[row(r, False) for r in report.extension],
        on_track=[row(r, False) for r in report.on_track],
        not_assessed=[row(r, False) for r in report.not_assessed],
    )


@router.get(
    "/groupings/classes/{class_id}/live", response=LiveOut, summary="Live lesson flags (poll it)"
)
def live_flags(
    request: HttpRequest,
    class_id: int,
    objective_id: int | None = None,
    lesson_start: dt.datetime | None = None,
    errors_in_a_row: int = 3,
    idle_minutes: int = 5,
    correct_in_a_row: int = 5,
):
    school_class = access_class_as_teacher(request.user, class_id)
    # The same bounds as the live page's form (and small enough for any timedelta).
    for name, value, top in (
        ("errors_in_a_row", errors_in_a_row, 20),
        ("idle_minutes", idle_minutes, 120),
        ("correct_in_a_row", correct_in_a_row, 50),
    ):
        if not 1 <= value <= top:
            raise HttpError(400, live.BAD_THRESHOLD.format(name=name, top=top))
    if lesson_start is not None and lesson_start.tzinfo is None:
        lesson_start = lesson_start.replace(tzinfo=dt.UTC)
    view = live.live_flags(
        school_class,
        objective=_objective(school_class, objective_id) if objective_id else None,
        lesson_start=lesson_start,
        errors_in_a_row=errors_in_a_row,
        idle_minutes=idle_minutes,
        correct_in_a_row=correct_in_a_row,
    )
    return LiveOut(
        class_id=school_class.pk,
        as_of=view.as_of,
        learners=view.learners,
        responses=view.responses,
        flags=[
            FlagOut(
                learner_id=f.learner.pk,
                name=str(f.learner),
                kind=f.kind,
                competency=f.flag.competency,
                evidence=f.flag.evidence,
                since=f.flag.since,
                basis=f.basis,
            )
            for f in view.flags
        ],
        handled=[_handled_out(h) for h in view.handled],
    )


@router.post(
    "/groupings/classes/{class_id}/live/handled",
    response={201: HandledOut},
    summary="Mark a live flag handled",
)
def live_handle(request: HttpRequest, class_id: int, payload: HandleIn):
    school_class = access_class_as_teacher(request.user, class_id)
    action = services.flag_handle(
        school_class=school_class,
        learner=access_learner(request.user, payload.learner_id),
        kind=payload.kind,
        competency=payload.competency,
        note=payload.note,
        handled_by=request.user,
    )
    return Status(201, _handled_out(action))
