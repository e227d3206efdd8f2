"""Learner profiles, comments on them, and the learner's path (recommendations and choices)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import (
    CommentIn,
    PathChoiceOut,
    PathIn,
    PathOut,
    ProfileIn,
    ProfileOut,
    ReadyOut,
    RecommendationOut,
)
from trellis.people.access import NOT_FOUND, NotVisible
from trellis.personalization import access, selectors
from trellis.personalization.services import profile as profile_svc
from trellis.personalization.services import reflection as rf_svc
from trellis.personalization.words import recommendation_reason

router = Router()


def _profile_out(profile) -> ProfileOut:
    comments = (
        [
            {"author": str(c.author), "text": c.text}
            for c in profile.comments.select_related("author")
        ]
        if profile.pk
        else []
    )
    data = {k: getattr(profile, k) for k in ProfileIn.model_fields}
    return ProfileOut(learner_id=profile.learner_id, comments=comments, **data)


@router.put("/profiles/me", response=ProfileOut, summary="Write your own profile (learners)")
def profile_put(request: HttpRequest, payload: ProfileIn):
    access.require_learner_writes(request.user)
    return _profile_out(profile_svc.profile_update(learner=request.user, **payload.dict()))


@router.get("/profiles/{learner_id}", response=ProfileOut, summary="A learner's profile")
def profile_get(request: HttpRequest, learner_id: int):
    return _profile_out(profile_svc.profile_of(access.access_learner(request.user, learner_id)))


@router.post(
    "/profiles/{learner_id}/comments",
    response={201: ProfileOut},
    summary="Comment on a profile (teachers)",
)
def profile_comment(request: HttpRequest, learner_id: int, payload: CommentIn):
    learner = access.access_learner_to_guide(request.user, learner_id)
    profile = profile_svc.profile_of(learner)
    profile_svc.profile_comment_add(profile=profile, author=request.user, text=payload.text)
    return Status(201, _profile_out(profile))


def _path_choice_out(c) -> PathChoiceOut:
    return PathChoiceOut(
        competency_id=c.competency_id, resource_id=c.resource_id, chosen_by=c.chosen_by, at=c.at
    )


@router.get(
    "/profiles/{learner_id}/path",
    response=PathOut,
    summary="Ready to learn, ranked resources with reasons, and choices made",
)
def path_get(request: HttpRequest, learner_id: int, competency_id: int | None = None):
    learner = access.access_learner(request.user, learner_id)
    ready = rf_svc.ready_competencies(learner)
    focus = next((m.competency for m in ready if m.competency.pk == competency_id), None)
    return PathOut(
        ready=[
            ReadyOut(
                competency_id=m.competency.pk,
                label=m.competency.label,
                level=m.level,
                probability=m.probability,
            )
            for m in ready
        ],
        recommendations=[
            _recommendation_out(res, rec)
            for res, rec in rf_svc.recommendations_for(learner, focus, k=10)
        ],
        review=[
            _recommendation_out(res, rec)
            for res, rec in rf_svc.recommendations_for(learner, focus, k=5, review=True)
        ],
        chosen=[_path_choice_out(c) for c in learner.path_choices.all()[:20]],
    )


@router.post(
    "/profiles/{learner_id}/path",
    response={201: PathChoiceOut},
    summary="Choose what to learn next (the learner, or a teacher for them)",
)
def path_choose(request: HttpRequest, learner_id: int, payload: PathIn):
    learner = access.access_learner_to_choose_path_for(request.user, learner_id)
    competency = selectors.competency_for(learner, payload.competency_id)
    if competency is None:
        raise NotVisible(NOT_FOUND)
    resource = selectors.resource_by_id(payload.resource_id) if payload.resource_id else None
    choice = rf_svc.path_choose(
        learner=learner, competency=competency, resource=resource, chosen_by_user=request.user
    )
    return Status(201, _path_choice_out(choice))


def _recommendation_out(resource, rec) -> RecommendationOut:
    """One ranked resource, its reason in the request's language."""
    return RecommendationOut(
        resource_id=resource.pk,
        title=resource.title,
        format=resource.format,
        readiness_level=resource.readiness_level,
        score=rec.score,
        reason=recommendation_reason(rec),
        competency=rec.competency,
    )
