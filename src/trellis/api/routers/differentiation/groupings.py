"""Groupings: a class's list, suggestions, saving, moves and regrouping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.differentiation.common import _objective
from trellis.api.routers.differentiation.schemas import (
    GroupingIn,
    GroupingOut,
    GroupingRef,
    GroupMemberOut,
    GroupOut,
    MovesIn,
    SuggestIn,
)
from trellis.differentiation import access, selectors, services, suggest
from trellis.differentiation.constants import KINDS
from trellis.people.access import (
    access_class_as_teacher,
    access_class_roster,
)
from trellis.people.selectors import roster_of

if TYPE_CHECKING:  # groupings are read through differentiation's access and selectors
    from trellis.differentiation.models import Grouping

router = Router()


def _grouping_out(grouping: Grouping) -> GroupingOut:
    return GroupingOut(
        id=grouping.pk,
        class_id=grouping.school_class_id,
        objective_id=grouping.objective_id,
        objective=str(grouping.objective),
        kind=grouping.kind,
        constraints=grouping.constraints,
        note=grouping.note,
        notes=grouping.notes_said,
        based_on_id=grouping.based_on_id,
        created_at=grouping.created_at,
        created_by=str(grouping.created_by) if grouping.created_by else None,
        plan_id=getattr(getattr(grouping, "plan", None), "pk", None),
        groups=[
            GroupOut(
                id=g.pk,
                key=str(g.key),
                label=g.label,
                explanation=g.explanation,
                members=[
                    GroupMemberOut(
                        learner_id=ms.learner_id,
                        name=str(ms.learner),
                        moved_from=ms.moved_from,
                        reason=ms.reason,
                    )
                    for ms in g.memberships.all()
                ],
            )
            for g in grouping.groups.all()
        ],
    )


def _loaded(grouping_id: int) -> Grouping:
    return selectors.grouping_loaded(grouping_id)


@router.get("/groupings", response=list[GroupingRef], summary="A class's groupings, newest first")
def grouping_list(request: HttpRequest, class_id: int):
    school_class = access_class_roster(request.user, class_id)
    qs = selectors.groupings_listed(school_class)
    return [
        GroupingRef(
            id=g.pk,
            objective=g.objective.label,
            kind=g.kind,
            created_at=g.created_at,
            based_on_id=g.based_on_id,
            n_groups=len(g.groups.all()),
            moves=sum(1 for ms in g.memberships.all() if ms.moved_from or ms.reason),
        )
        for g in qs
    ]


@router.post(
    "/groupings/suggest", response=GroupingOut, summary="Suggest groups (nothing is saved)"
)
def grouping_suggest(request: HttpRequest, payload: SuggestIn):
    school_class = access_class_as_teacher(request.user, payload.class_id)
    s = suggest.suggest(
        school_class=school_class,
        objective=_objective(school_class, payload.objective_id),
        kind=payload.kind,
        constraints=payload.dict(
            include={"n_groups", "min_size", "max_size", "keep_apart", "keep_together"}
        ),
    )
    return GroupingOut(
        class_id=school_class.pk,
        objective_id=s.objective.pk,
        objective=str(s.objective),
        kind=s.kind,
        constraints=s.constraints,
        notes=s.notes_said,
        groups=[
            GroupOut(
                label=g.label,
                explanation=g.explanation,
                members=[GroupMemberOut(learner_id=u.pk, name=str(u)) for u in g.learners],
            )
            for g in s.groups
        ],
    )


@router.post(
    "/groupings", response={201: GroupingOut}, summary="Save a grouping (e.g. an edited suggestion)"
)
def grouping_create(request: HttpRequest, payload: GroupingIn):
    school_class = access_class_as_teacher(request.user, payload.class_id)
    objective = _objective(school_class, payload.objective_id)
    learners = list(roster_of(school_class))
    drafts = [services.GroupDraft(g.label, g.learner_ids, g.explanation) for g in payload.groups]
    services.check_learners_in_class(school_class, drafts)
    features = suggest.features_snapshot(learners, objective)
    if payload.kind in dict(KINDS):  # blank explanations: the engine's
        suggest.refresh_explanations(
            objective=objective,
            kind=payload.kind,
            features=features,
            drafts=drafts,
            originals=[None] * len(drafts),
            edited_by=request.user,
        )
    grouping = services.grouping_save(
        school_class=school_class,
        objective=objective,
        kind=payload.kind,
        groups=drafts,
        constraints=payload.constraints,
        created_by=request.user,
        note=payload.note,
        features=features,
    )
    return Status(201, _grouping_out(_loaded(grouping.pk)))


@router.get(
    "/groupings/{grouping_id}",
    response=GroupingOut,
    summary="One grouping with its groups and moves",
)
def grouping_detail(request: HttpRequest, grouping_id: int):
    return _grouping_out(_loaded(access.access_grouping(request.user, grouping_id).pk))


@router.post(
    "/groupings/{grouping_id}/moves",
    response={201: GroupingOut},
    summary="Move learners and/or rename groups (saves a new version)",
)
def grouping_move(request: HttpRequest, grouping_id: int, payload: MovesIn):
    grouping = access.access_grouping_to_change(request.user, grouping_id)
    saved = services.grouping_move(
        grouping=grouping,
        moves=payload.moves,
        reasons=payload.reasons,
        created_by=request.user,
        note=payload.note,
        names=payload.names,
    )
    return Status(201, _grouping_out(_loaded(saved.pk)))


@router.post(
    "/groupings/{grouping_id}/regroup",
    response={201: GroupingOut},
    summary="Regroup from current mastery (saves a new version with who moved and why)",
)
def grouping_regroup(request: HttpRequest, grouping_id: int):
    grouping = access.access_grouping_to_change(request.user, grouping_id)
    return Status(
        201,
        _grouping_out(
            _loaded(suggest.grouping_regroup(grouping=grouping, created_by=request.user).pk)
        ),
    )
