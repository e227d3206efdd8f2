"""Group plans and their station rotations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.differentiation.common import _objective
from trellis.api.routers.differentiation.schemas import (
    GroupPlanEntryOut,
    GroupPlanIn,
    GroupPlanOut,
    ResourceRef,
    SlotOut,
    StationsIn,
    StationsOut,
)
from trellis.differentiation import access, selectors, services
from trellis.people.access import (
    NotVisible,
    access_class_roster,
    access_learner,
)

if TYPE_CHECKING:  # group plans are read through differentiation's access and selectors
    from trellis.differentiation.models import GroupPlan, GroupPlanEntry, StationRotation

router = Router()


def _plan_out(plan: GroupPlan, entries: list[GroupPlanEntry]) -> GroupPlanOut:
    return GroupPlanOut(
        id=plan.pk,
        grouping_id=plan.grouping_id,
        class_id=plan.grouping.school_class_id,
        objective_id=plan.objective_id,
        objective=str(plan.objective),
        title=plan.title,
        entries=[
            GroupPlanEntryOut(
                group_id=e.group_id,
                group_label=e.group.label,
                resources=[
                    ResourceRef(id=r.pk, title=r.title, format=r.format, url=r.url)
                    for r in e.resources.all()
                ],
                process=e.process,
                product=e.product,
                affect=e.affect,
                for_assessment_id=e.for_assessment_id,
            )
            for e in entries
        ],
    )


@router.post(
    "/group-plans", response={201: GroupPlanOut}, summary="Write (or replace) a grouping's plan"
)
def plan_save(request: HttpRequest, payload: GroupPlanIn):
    grouping = access.access_grouping_to_change(request.user, payload.grouping_id)
    objective = (
        _objective(grouping.school_class, payload.objective_id) if payload.objective_id else None
    )
    plan = services.group_plan_save(
        grouping=grouping,
        objective=objective,
        title=payload.title,
        entries=[services.EntryDraft(**e.dict()) for e in payload.entries],
        created_by=request.user,
    )
    loaded = selectors.plan_with_entries(plan.pk)
    return Status(201, _plan_out(loaded, list(loaded.entries.all())))


@router.get(
    "/group-plans", response=list[GroupPlanOut], summary="A class's group plans, newest first"
)
def plan_list(request: HttpRequest, class_id: int):
    school_class = access_class_roster(request.user, class_id)
    return [_plan_out(p, list(p.entries.all())) for p in selectors.group_plans_of(school_class)]


@router.get(
    "/group-plans/mine", response=list[GroupPlanOut], summary="The caller's own group plan entries"
)
def plan_mine(request: HttpRequest, learner_id: int | None = None):
    learner = access_learner(request.user, learner_id) if learner_id else request.user
    out = []
    for row in selectors.entries_for_learner(learner):
        if row.entry is not None:
            out.append(_plan_out(row.entry.plan, [row.entry]))
    return out


@router.get(
    "/group-plans/{plan_id}",
    response=GroupPlanOut,
    summary="A group plan: every entry for the class's teachers and admins, only their own group's for a learner or guardian",
)
def plan_detail(request: HttpRequest, plan_id: int):
    plan = selectors.plan_with_entries(int(plan_id))
    if plan is None:
        raise NotVisible()
    return _plan_out(plan, access.visible_entries(request.user, plan))


def _stations_out(plan: GroupPlan, rotation: StationRotation) -> StationsOut:
    table = selectors.rotation_table(plan, rotation)
    return StationsOut(
        plan_id=plan.pk,
        stations=list(rotation.stations),
        minutes_per_station=rotation.minutes_per_station,
        slots=[
            SlotOut(
                start_minute=s.start,
                end_minute=s.end,
                station_of_group={
                    g.label: name for g, name in zip(table.groups, s.stations, strict=True)
                },
            )
            for s in table.slots
        ],
    )


@router.put(
    "/group-plans/{plan_id}/stations", response=StationsOut, summary="Set the station rotation"
)
def stations_save(request: HttpRequest, plan_id: int, payload: StationsIn):
    plan = access.access_plan_to_change(request.user, plan_id)
    rotation = services.station_rotation_save(
        plan=plan, stations=payload.stations, minutes_per_station=payload.minutes_per_station
    )
    return _stations_out(plan, rotation)


@router.get(
    "/group-plans/{plan_id}/stations", response=StationsOut, summary="The station rotation schedule"
)
def stations_detail(request: HttpRequest, plan_id: int):
    plan = access.access_plan(request.user, plan_id)
    rotation = selectors.rotation_of(plan)
    if rotation is None:
        raise NotVisible()
    return _stations_out(plan, rotation)
