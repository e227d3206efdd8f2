"""Individualization endpoints: individual plans (objectives, supports,
progress, versions, the read log, summative reports) under
``/individual-plans`` and own-pace modules under ``/modules``. Every read of
a plan is logged, exactly as on the pages."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from trellis.curriculum.models import Competency, Resource
from trellis.evidence.models import Assessment
from trellis.individualization import access, selectors
from trellis.individualization.models import VIA_API, IndividualPlan, ModuleSequence
from trellis.individualization.progress import decisions_waiting, objective_progress
from trellis.individualization.services import pacing, plans, reports
from trellis.people.access import (
    FORBIDDEN,
    access_class_as_teacher,
    access_class_roster,
    access_learner,
)
from trellis.people.models import User

router = Router(tags=["individualization"])


class PlanIn(Schema):
    learner_id: int
    title: str
    summary: str = ""
    accommodations: list[str] = []
    time_multiplier: float = 1.5
    review_dates: list[str] = []
    responsible_note: str = ""


class PlanChangeIn(Schema):
    reason: str
    title: str | None = None
    summary: str | None = None
    accommodations: list[str] | None = None
    time_multiplier: float | None = None
    review_dates: list[str] | None = None
    responsible_id: int | None = None
    responsible_note: str | None = None
    status: str | None = None


class ObjectiveIn(Schema):
    reason: str = "Objective added."
    statement: str
    competency_ids: list[int]
    method: str
    unit: str = ""
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date


class ObjectiveOut(Schema):
    id: int
    statement: str
    competency_ids: list[int]
    method: str
    unit: str
    baseline_value: float
    baseline_date: dt.date
    target_value: float
    target_date: dt.date


class ObjectiveChangeIn(Schema):
    reason: str
    statement: str | None = None
    competency_ids: list[int] | None = None
    method: str | None = None
    unit: str | None = None
    baseline_value: float | None = None
    baseline_date: dt.date | None = None
    target_value: float | None = None
    target_date: dt.date | None = None


class ReasonIn(Schema):
    reason: str


class RemovedOut(Schema):
    plan_id: int
    version: int


class DecisionOut(Schema):
    plan_id: int
    learner_id: int
    learner: str
    objective_id: int
    statement: str
    decision: str
    message: str


class SupportIn(Schema):
    reason: str = "Support added."
    kind: str
    provider: str
    focus: str = ""
    planned_minutes_per_week: int


class SupportChangeIn(Schema):
    reason: str
    kind: str | None = None
    provider: str | None = None
    focus: str | None = None
    planned_minutes_per_week: int | None = None


class SessionIn(Schema):
    on: dt.date
    minutes: int
    note: str = ""


class SessionOut(Schema):
    id: int
    on: dt.date
    minutes: int
    note: str


class SupportOut(Schema):
    id: int
    kind: str
    provider: str
    focus: str
    planned_minutes_per_week: int
    sessions: list[SessionOut]


class PlanOut(Schema):
    id: int
    learner_id: int
    title: str
    summary: str
    accommodations: list[str]
    time_multiplier: float
    review_dates: list[str]
    responsible: str
    responsible_note: str
    status: str
    version: int
    objectives: list[ObjectiveOut] = []
    supports: list[SupportOut] = []


class PlanSummaryOut(Schema):
    id: int
    learner_id: int
    title: str
    status: str
    version: int


class VersionOut(Schema):
    number: int
    at: dt.datetime
    changed_by: str
    reason: str
    changes: list[str]
    snapshot: dict


class ReadOut(Schema):
    at: dt.datetime
    reader_id: int
    reader: str
    via: str


class PointOut(Schema):
    date: dt.date
    value: float
    aim_value: float
    behind: bool


class ProgressOut(Schema):
    objective_id: int
    points: list[PointOut]
    trend_per_week: float | None
    decision: str
    message: str
    svg: str


class MeasurementIn(Schema):
    on: dt.date
    value: float
    note: str = ""


class ReportIn(Schema):
    learner_id: int
    assessment_id: int


class ReportOut(Schema):
    id: int
    learner_id: int
    assessment_id: int
    rows: list[dict]
    shared_with_guardians_at: dt.datetime | None


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


def _objective_out(o) -> ObjectiveOut:
    return ObjectiveOut(
        id=o.pk,
        statement=o.statement,
        competency_ids=[comp.pk for comp in o.competencies.all()],
        method=o.method,
        unit=o.unit,
        baseline_value=o.baseline_value,
        baseline_date=o.baseline_date,
        target_value=o.target_value,
        target_date=o.target_date,
    )


def _competencies(ids: list[int]) -> list[Competency]:
    """The competencies named; an id that names none is refused with the
    same message the services give one from another school's framework."""
    from trellis.individualization.constants import COMPETENCY_ELSEWHERE

    found = list(Competency.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {comp.pk for comp in found})
    if missing:
        raise ValidationError({"competency_ids": COMPETENCY_ELSEWHERE.format(id=missing[0])})
    return found


def _teacher_of(user: User, learner: User) -> None:
    if not user.has_perm("individualization.write_for_learner", learner):
        raise PermissionDenied(FORBIDDEN)


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
            message=p.decision.message,
        )
        for plan, p in decisions_waiting(request.user, plans_)
    ]


@router.get(
    "/individual-plans/reports",
    response=list[ReportOut],
    summary="Summative reports the caller may read (a guardian: shared ones)",
)
def report_list(request: HttpRequest, learner_id: int | None = None):
    found = selectors.reports_visible_to(request.user)
    return [_report_out(r) for r in found if learner_id is None or r.learner_id == learner_id]


@router.post(
    "/individual-plans", response={201: PlanOut}, summary="Write a plan (a learner's teacher)"
)
def plan_create(request: HttpRequest, payload: PlanIn):
    learner = access_learner(request.user, payload.learner_id)
    _teacher_of(request.user, learner)
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
        found = User.objects.filter(pk=changes.pop("responsible_id")).first()
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
    plan = IndividualPlan.objects.prefetch_related("versions__changed_by").get(pk=plan.pk)
    return [
        VersionOut(
            number=v.number,
            at=v.at,
            changed_by=str(v.changed_by),
            reason=v.reason,
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


@router.post(
    "/individual-plans/{plan_id}/objectives",
    response={201: ObjectiveOut},
    summary="Add an objective",
)
def objective_add(request: HttpRequest, plan_id: int, payload: ObjectiveIn):
    plan = access.access_plan_to_change(request.user, plan_id)
    data = payload.dict()
    ids = data.pop("competency_ids")
    try:
        competencies = _competencies(ids)
    except ValidationError as unknown:
        # An unknown competency id is listed with every other problem.
        problems = plans.objective_problems(
            plan,
            reason=data["reason"],
            method=data["method"],
            baseline_value=data["baseline_value"],
            baseline_date=data["baseline_date"],
            target_value=data["target_value"],
            target_date=data["target_date"],
        )
        raise ValidationError(problems | unknown.message_dict) from None
    objective = plans.objective_add(
        plan=plan, changed_by=request.user, competencies=competencies, **data
    )
    return Status(201, _objective_out(objective))


@router.patch(
    "/individual-plans/objectives/{objective_id}",
    response=ObjectiveOut,
    summary="Change one objective (reason required; makes a plan version)",
)
def objective_change(request: HttpRequest, objective_id: int, payload: ObjectiveChangeIn):
    objective = access.access_objective(request.user, objective_id, change=True, via=VIA_API)
    changes = {k: v for k, v in payload.dict().items() if v is not None and k != "reason"}
    if "competency_ids" in changes:
        changes["competencies"] = _competencies(changes.pop("competency_ids"))
    plans.objective_update(
        objective=objective, changed_by=request.user, reason=payload.reason, **changes
    )
    return _objective_out(objective)


@router.delete(
    "/individual-plans/objectives/{objective_id}",
    response=RemovedOut,
    summary="Remove one objective (reason required; makes a plan version)",
)
def objective_remove(request: HttpRequest, objective_id: int, payload: ReasonIn):
    objective = access.access_objective(request.user, objective_id, change=True)
    plan_id = objective.plan_id
    version = plans.objective_delete(
        objective=objective, changed_by=request.user, reason=payload.reason
    )
    return RemovedOut(plan_id=plan_id, version=version)


@router.get(
    "/individual-plans/objectives/{objective_id}/progress",
    response=ProgressOut,
    summary="Data points, aim line, trend and decision for one objective",
)
def objective_progress_api(request: HttpRequest, objective_id: int):
    objective = access.access_objective(request.user, objective_id)
    access.access_plan(request.user, objective.plan_id, via=VIA_API)
    p = objective_progress(objective)
    return ProgressOut(
        objective_id=objective.pk,
        points=[
            PointOut(date=r.date, value=r.value, aim_value=r.aim_value, behind=r.behind)
            for r in p.table
        ],
        trend_per_week=p.trend.slope_per_week if p.trend else None,
        decision=p.decision.kind,
        message=p.decision.message,
        svg=p.svg,
    )


@router.post(
    "/individual-plans/objectives/{objective_id}/measurements",
    response={201: PointOut},
    summary="Enter a measurement (teacher-measured objectives)",
)
def measurement_add(request: HttpRequest, objective_id: int, payload: MeasurementIn):
    objective = access.access_objective(request.user, objective_id, change=True)
    m = plans.measurement_record(objective=objective, recorded_by=request.user, **payload.dict())
    aim = objective_progress(objective).aim.value_at(m.on)
    return Status(
        201,
        PointOut(
            date=m.on,
            value=m.value,
            aim_value=aim,
            behind=(m.value - aim)
            * (1 if objective.target_value >= objective.baseline_value else -1)
            < 0,
        ),
    )


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


def _report_out(r) -> ReportOut:
    return ReportOut(
        id=r.pk,
        learner_id=r.learner_id,
        assessment_id=r.assessment_id,
        rows=r.rows,
        shared_with_guardians_at=r.shared_with_guardians_at,
    )


@router.post(
    "/individual-plans/reports", response={201: ReportOut}, summary="Make a summative report"
)
def report_create(request: HttpRequest, payload: ReportIn):
    learner = access_learner(request.user, payload.learner_id)
    _teacher_of(request.user, learner)
    from trellis.evidence.access import access_assessment_to_manage

    assessment = access_assessment_to_manage(request.user, payload.assessment_id)
    return Status(
        201,
        _report_out(
            reports.summative_report_create(
                learner=learner, assessment=assessment, created_by=request.user
            )
        ),
    )


@router.get(
    "/individual-plans/reports/{report_id}", response=ReportOut, summary="A summative report"
)
def report_detail(request: HttpRequest, report_id: int):
    return _report_out(access.access_report(request.user, report_id))


@router.post(
    "/individual-plans/reports/{report_id}/share",
    response=ReportOut,
    summary="Share with guardians",
)
def report_share(request: HttpRequest, report_id: int):
    report = access.access_report_to_share(request.user, report_id)
    return _report_out(reports.summative_report_share(report=report))


# --- Modules and pacing ------------------------------------------------------


class SequenceIn(Schema):
    class_id: int
    title: str
    is_default: bool = True


class ModuleIn(Schema):
    sequence_id: int
    title: str
    competency_ids: list[int]
    resource_ids: list[int] = []
    practice: str = ""
    mastery_check_id: int | None = None
    threshold: float = 0.8


class ModuleOut(Schema):
    id: int
    sequence_id: int
    position: int
    title: str
    competency_ids: list[int]
    resource_ids: list[int]
    practice: str
    mastery_check_id: int | None
    threshold: float


class SequenceOut(Schema):
    id: int
    class_id: int
    title: str
    is_default: bool
    modules: list[ModuleOut]


class ModuleChangeIn(Schema):
    title: str | None = None
    competency_ids: list[int] | None = None
    resource_ids: list[int] | None = None
    practice: str | None = None
    mastery_check_id: int | None = None
    threshold: float | None = None


class MyModuleOut(Schema):
    class_id: int
    class_name: str
    sequence_id: int
    sequence: str
    module: ModuleOut | None
    position: int | None
    of: int
    start_after: dt.date | None
    finished_at: dt.datetime | None
    passed_module_ids: list[int]


class PaceIn(Schema):
    class_id: int
    learner_id: int
    sequence_id: int
    start_after: dt.date | None = None


class PaceOut(Schema):
    learner_id: int
    learner: str
    status: str
    sequence_id: int | None
    module_id: int | None
    position: int | None
    of: int
    days_on_module: int | None
    check: str


def _module_out(m) -> ModuleOut:
    return ModuleOut(
        id=m.pk,
        sequence_id=m.sequence_id,
        position=m.position,
        title=m.title,
        competency_ids=[comp.pk for comp in m.competencies.all()],
        resource_ids=[r.pk for r in m.resources.all()],
        practice=m.practice,
        mastery_check_id=m.mastery_check_id,
        threshold=m.threshold,
    )


@router.get("/modules", response=list[SequenceOut], summary="A class's module sequences")
def modules_of_class(request: HttpRequest, class_id: int):
    school_class = access_class_roster(request.user, class_id)
    return [
        SequenceOut(
            id=s.pk,
            class_id=s.school_class_id,
            title=s.title,
            is_default=s.is_default,
            modules=[_module_out(m) for m in s.modules.all()],
        )
        for s in selectors.sequences_of(school_class)
    ]


@router.post("/modules/sequences", response={201: SequenceOut}, summary="Create a sequence")
def sequence_create(request: HttpRequest, payload: SequenceIn):
    school_class = access_class_as_teacher(request.user, payload.class_id)
    s = pacing.sequence_create(
        school_class=school_class,
        title=payload.title,
        is_default=payload.is_default,
        created_by=request.user,
    )
    return Status(
        201,
        SequenceOut(
            id=s.pk, class_id=s.school_class_id, title=s.title, is_default=s.is_default, modules=[]
        ),
    )


@router.post("/modules", response={201: ModuleOut}, summary="Append a module to a sequence")
def module_add(request: HttpRequest, payload: ModuleIn):
    sequence = access.access_sequence_to_arrange(request.user, payload.sequence_id)
    m = pacing.module_add(
        sequence=sequence,
        title=payload.title,
        competencies=_competencies(payload.competency_ids),
        resources=_resources(sequence, payload.resource_ids),
        practice=payload.practice,
        mastery_check=_check(sequence, payload.mastery_check_id),
        threshold=payload.threshold,
    )
    return Status(201, _module_out(m))


def _check(sequence: ModuleSequence, assessment_id: int | None) -> Assessment | None:
    if assessment_id is None:
        return None
    found = Assessment.objects.filter(
        pk=assessment_id, school_class_id=sequence.school_class_id
    ).first()
    if found is None:
        raise ValidationError({"mastery_check_id": pacing.CHECK_OTHER_CLASS})
    return found


def _resources(sequence: ModuleSequence, ids: list[int]) -> list[Resource]:
    found = list(Resource.objects.filter(pk__in=ids, school_id=sequence.school_class.school_id))
    missing = sorted(set(ids) - {r.pk for r in found})
    if missing:
        raise ValidationError(
            {"resource_ids": f"Unknown resource id(s): {', '.join(map(str, missing))}."}
        )
    return found


@router.patch(
    "/modules/{int:module_id}",
    response=ModuleOut,
    summary="Change a module (a new mastery check gives learners who failed another go)",
)
def module_change(request: HttpRequest, module_id: int, payload: ModuleChangeIn):
    module = access.access_module_to_arrange(request.user, module_id)
    sent = payload.dict(exclude_unset=True)
    changes: dict[str, object] = {
        k: v for k, v in sent.items() if k in ("title", "practice", "threshold") and v is not None
    }
    if sent.get("competency_ids") is not None:
        changes["competencies"] = _competencies(sent["competency_ids"])
    if sent.get("resource_ids") is not None:
        changes["resources"] = _resources(module.sequence, sent["resource_ids"])
    if "mastery_check_id" in sent:  # null removes the check
        changes["mastery_check"] = _check(module.sequence, sent["mastery_check_id"])
    pacing.module_update(module=module, **changes)
    return _module_out(module)


@router.get("/modules/mine", response=list[MyModuleOut], summary="Where the caller is, per class")
def my_modules(request: HttpRequest):
    out = []
    for pace in selectors.paces_of_learner(request.user):
        modules = list(pace.sequence.modules.all())
        position = next(
            (n for n, m in enumerate(modules, 1) if m.pk == pace.current_module_id), None
        )
        out.append(
            MyModuleOut(
                class_id=pace.school_class_id,
                class_name=pace.school_class.name,
                sequence_id=pace.sequence_id,
                sequence=pace.sequence.title,
                module=_module_out(pace.current_module) if pace.current_module else None,
                position=position,
                of=len(modules),
                start_after=pace.start_after,
                finished_at=pace.finished_at,
                passed_module_ids=[p.module_id for p in pace.passes.all()],
            )
        )
    return out


@router.get("/modules/pacing/{class_id}", response=list[PaceOut], summary="Where every learner is")
def pacing_board(request: HttpRequest, class_id: int):
    school_class = access_class_roster(request.user, class_id)
    return [
        PaceOut(
            learner_id=r.learner.pk,
            learner=str(r.learner),
            status=r.status,
            sequence_id=r.pace.sequence_id if r.pace else None,
            module_id=r.module.pk if r.module else None,
            position=r.position,
            of=r.of,
            days_on_module=r.days_on_module,
            check=r.check,
        )
        for r in selectors.pacing_board(school_class)
    ]


@router.post(
    "/modules/paces", response={201: PaceOut}, summary="Place a learner (own sequence, later start)"
)
def pace_place(request: HttpRequest, payload: PaceIn):
    school_class = access_class_as_teacher(request.user, payload.class_id)
    learner = access_learner(request.user, payload.learner_id)
    sequence = ModuleSequence.objects.filter(
        pk=payload.sequence_id, school_class=school_class
    ).first()
    if sequence is None:
        raise ValidationError(
            {"sequence_id": pacing.SEQUENCE_OTHER_CLASS.format(id=payload.sequence_id)}
        )
    pace = pacing.pace_place(
        school_class=school_class,
        learner=learner,
        sequence=sequence,
        start_after=payload.start_after,
    )
    row = next(r for r in selectors.pacing_board(school_class) if r.learner.pk == learner.pk)
    return Status(
        201,
        PaceOut(
            learner_id=learner.pk,
            learner=str(learner),
            status=row.status,
            sequence_id=pace.sequence_id,
            module_id=pace.current_module_id,
            position=row.position,
            of=row.of,
            days_on_module=row.days_on_module,
            check=row.check,
        ),
    )
