"""Assessments: list, create, assign; a learner's attempt (start or resume, hand in)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from trellis.api.routers.evidence.schemas import (
    AssessmentIn,
    AssessmentOut,
    AssignmentIn,
    AssignmentOut,
    AttemptOut,
    OptionOut,
    PresentedItemOut,
)
from trellis.curriculum.presentation import present_item
from trellis.evidence import access, selectors, services
from trellis.evidence.constants import TARGET_LEARNER
from trellis.people.access import (
    NOT_FOUND,
    access_class_as_teacher,
    access_learner,
)

router = Router()


def _assessment_out(a) -> AssessmentOut:
    return AssessmentOut(
        id=a.pk,
        class_id=a.school_class_id,
        title=a.title,
        purpose=a.purpose,
        counts_toward_grade=a.counts_toward_grade,
        item_ids=[e.item_id for e in a.entries.all()],
        draw_count=a.draw_count,
        time_limit_minutes=a.time_limit_minutes,
        opens_at=a.opens_at,
        closes_at=a.closes_at,
        closed=a.is_closed(),
        assigned_to=[
            AssignmentOut(
                target=x.target,
                learner_id=x.learner_id,
                group_id=x.assigned_group_id,
                group_label=x.group_label,
            )
            for x in a.assignments.all()
        ],
    )


@router.get("/assessments", response=list[AssessmentOut], summary="Assessments the caller may see")
def assessments(request: HttpRequest):
    return [_assessment_out(a) for a in selectors.assessments_for_api(request.user)]


@router.post(
    "/assessments",
    response={201: AssessmentOut},
    summary="Create an assessment for a class you teach",
)
def assessment_create(request: HttpRequest, payload: AssessmentIn):
    school_class = access_class_as_teacher(request.user, payload.class_id)
    items = selectors.items_of_school(school_class.school, payload.item_ids)
    if len(items) != len(set(payload.item_ids)):
        raise HttpError(404, NOT_FOUND)
    order = {pk: n for n, pk in enumerate(payload.item_ids)}
    items.sort(key=lambda i: order[i.pk])
    from trellis.curriculum.access import access_competency

    learners = [access_learner(request.user, pk) for pk in dict.fromkeys(payload.learner_ids)]
    created = services.assessment_create(
        school_class=school_class,
        title=payload.title,
        purpose=payload.purpose,
        created_by=request.user,
        items=items,
        draw_count=payload.draw_count,
        draw_competencies=[access_competency(request.user, c) for c in payload.draw_competency_ids],
        time_limit_minutes=payload.time_limit_minutes,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        instructions=payload.instructions,
        assign_class=not learners,
    )
    for learner in learners:
        services.assessment_assign(assessment=created, target=TARGET_LEARNER, learner=learner)
    return Status(201, _assessment_out(created))


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="One assessment")
def assessment(request: HttpRequest, assessment_id: int):
    return _assessment_out(access.access_assessment(request.user, assessment_id))


@router.post(
    "/assessments/{assessment_id}/assignments",
    response={201: AssessmentOut},
    summary="Assign an assessment of your class to the class, a learner of it, or a group of it",
)
def assessment_assign(request: HttpRequest, assessment_id: int, payload: AssignmentIn):
    found = access.access_assessment_to_manage(request.user, assessment_id)
    learner = None
    if payload.learner_id is not None:
        learner = access_learner(request.user, payload.learner_id)
    services.assessment_assign(
        assessment=found,
        target=payload.target,
        learner=learner,
        assigned_group_id=payload.group_id,
    )
    return Status(201, _assessment_out(found))


def _attempt_out(attempt, learner) -> AttemptOut:
    answered = selectors.answered_item_ids(attempt)
    pending = [i for i in attempt.item_ids if i not in answered]
    nxt = None
    if pending and attempt.submitted_at is None:
        p = present_item(selectors.item_by_id(pending[0]), learner)
        nxt = PresentedItemOut(
            item_id=p.item_id,
            kind=p.kind,
            prompt=p.prompt,
            options=[OptionOut(index=o.index, text=o.text) for o in p.options],
            rubric=p.rubric,
        )
    return AttemptOut(
        id=attempt.pk,
        assessment_id=attempt.assessment_id,
        item_ids=attempt.item_ids,
        answered_item_ids=[i for i in attempt.item_ids if i in answered],
        due_at=attempt.due_at,
        submitted_at=attempt.submitted_at,
        next_item=nxt,
    )


@router.post(
    "/assessments/{assessment_id}/attempt",
    response=AttemptOut,
    summary="Start (or resume) your attempt; returns the next item to answer",
)
def attempt(request: HttpRequest, assessment_id: int):
    found = access.access_assessment_to_take(request.user, assessment_id)
    return _attempt_out(
        services.attempt_start(assessment=found, learner=request.user), request.user
    )


@router.post(
    "/assessments/{assessment_id}/submit", response=AttemptOut, summary="Hand in your attempt"
)
def attempt_submit(request: HttpRequest, assessment_id: int):
    found = access.access_assessment_to_take(request.user, assessment_id)
    attempt = access.access_own_attempt(request.user, found)
    return _attempt_out(services.attempt_submit(attempt=attempt), request.user)
