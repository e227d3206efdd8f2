"""Differentiation endpoints: groupings (suggest, save, move, regroup,
history), group plans and station rotations, before-the-lesson and the live
lesson flags. Everything the differentiation pages do."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from trellis.differentiation import access, live, selectors, services, suggest
from trellis.differentiation.models import (
    KINDS,
    READINESS,
    FlagAction,
    Grouping,
    GroupMembership,
    GroupPlan,
    GroupPlanEntry,
    StationRotation,
)
from trellis.people.access import (
    NotVisible,
    access_class_as_teacher,
    access_class_roster,
    access_learner,
)
from trellis.people.selectors import roster_of

router = Router(tags=["differentiation"])


class SuggestIn(Schema):
    class_id: int
    objective_id: int
    kind: str = READINESS
    n_groups: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    keep_apart: list[tuple[int, int]] = []
    keep_together: list[tuple[int, int]] = []


class GroupIn(Schema):
    label: str
    learner_ids: list[int]
    explanation: str = ""


class GroupingIn(Schema):
    class_id: int
    objective_id: int
    kind: str = READINESS
    groups: list[GroupIn]
    constraints: dict = {}
    note: str = ""


class GroupMemberOut(Schema):
    learner_id: int
    name: str
    moved_from: str = ""
    reason: str = ""


class GroupOut(Schema):
    id: int | None = None
    #: The group's identity across versions (kept when it is renamed, when
    #: learners move, and by the group that continues it in a regroup).
    key: str | None = None
    label: str
    explanation: str
    members: list[GroupMemberOut]


class GroupingOut(Schema):
    id: int | None = None
    class_id: int
    objective_id: int
    objective: str
    kind: str
    constraints: dict
    note: str = ""
    notes: list[str] = []
    based_on_id: int | None = None
    created_at: dt.datetime | None = None
    created_by: str | None = None
    plan_id: int | None = None
    groups: list[GroupOut]


class GroupingRef(Schema):
    id: int
    objective: str
    kind: str
    created_at: dt.datetime
    based_on_id: int | None
    n_groups: int
    moves: int


class MovesIn(Schema):
    moves: dict[int, str] = {}
    reasons: dict[int, str] = {}
    #: group id -> new name
    names: dict[int, str] = {}
    note: str = ""


class EntryIn(Schema):
    group_id: int
    process: str = ""
    product: str = ""
    affect: str = ""
    resource_ids: list[int] = []
    for_assessment_id: int | None = None


class GroupPlanIn(Schema):
    grouping_id: int
    objective_id: int | None = None
    title: str = ""
    entries: list[EntryIn]


class ResourceRef(Schema):
    id: int
    title: str
    format: str
    url: str


class GroupPlanEntryOut(Schema):
    group_id: int
    group_label: str
    resources: list[ResourceRef]
    process: str
    product: str
    affect: str
    for_assessment_id: int | None


class GroupPlanOut(Schema):
    id: int
    grouping_id: int
    class_id: int
    objective_id: int
    objective: str
    title: str
    entries: list[GroupPlanEntryOut]


class StationsIn(Schema):
    stations: list[str]
    minutes_per_station: int


class SlotOut(Schema):
    start_minute: int
    end_minute: int
    station_of_group: dict[str, str]


class StationsOut(Schema):
    plan_id: int
    stations: list[str]
    minutes_per_station: int
    slots: list[SlotOut]


class EvidenceOut(Schema):
    competency: str
    percent: int
    level: str
    attempts: int


class ReadinessOut(Schema):
    learner_id: int
    name: str
    objective: EvidenceOut
    weak_prerequisites: list[EvidenceOut]
    placement: str
    evidence: str


class BeforeOut(Schema):
    objective_id: int
    objective: str
    prerequisites: list[str]
    likely_to_struggle: list[ReadinessOut]
    extension: list[ReadinessOut]
    on_track: list[ReadinessOut]
    not_assessed: list[ReadinessOut]


class FlagOut(Schema):
    learner_id: int
    name: str
    kind: str
    competency: str | None
    evidence: str
    since: dt.datetime
    #: What the flag is based on (the answers since the lesson start, the
    #: threshold, or the mastery record).
    basis: str


class HandleIn(Schema):
    learner_id: int
    kind: str
    competency: str = ""
    note: str = ""


class HandledOut(Schema):
    id: int
    learner_id: int
    kind: str
    competency: str
    note: str
    at: dt.datetime
    handled_by: str | None = None


class LiveOut(Schema):
    class_id: int
    as_of: dt.datetime
    learners: int
    responses: int
    flags: list[FlagOut]
    #: The flags handled in this lesson (newest first, at most 10): what the
    #: teacher did, as the live page lists it.
    handled: list[HandledOut] = []


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


def _objective(school_class, objective_id: int):
    found = selectors.objectives_for(school_class).filter(pk=objective_id).first()
    if found is None:
        raise NotVisible()
    return found


def _grouping_out(grouping: Grouping) -> GroupingOut:
    return GroupingOut(
        id=grouping.pk,
        class_id=grouping.school_class_id,
        objective_id=grouping.objective_id,
        objective=str(grouping.objective),
        kind=grouping.kind,
        constraints=grouping.constraints,
        note=grouping.note,
        notes=list(grouping.notes or []),
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
    return (
        selectors.with_members(Grouping.objects.filter(pk=grouping_id)).select_related("plan").get()
    )


@router.get("/groupings", response=list[GroupingRef], summary="A class's groupings, newest first")
def grouping_list(request: HttpRequest, class_id: int):
    school_class = access_class_roster(request.user, class_id)
    qs = selectors.groupings_of(school_class).prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.only("id", "grouping_id", "moved_from", "reason"),
        )
    )
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
        notes=s.notes,
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
    entries = GroupPlanEntry.objects.select_related("group").prefetch_related("resources")
    plans = (
        GroupPlan.objects.filter(grouping__school_class=school_class)
        .select_related("grouping", "objective")
        .prefetch_related(Prefetch("entries", queryset=entries))
        .order_by("-updated_at", "-pk")
    )
    return [_plan_out(p, list(p.entries.all())) for p in plans]


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
    rotation = StationRotation.objects.filter(plan=plan).first()
    if rotation is None:
        raise NotVisible()
    return _stations_out(plan, rotation)
