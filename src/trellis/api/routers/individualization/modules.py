"""Module sequences and pacing: a class's sequences, modules, where each learner is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.individualization.common import _competencies
from trellis.api.routers.individualization.schemas import (
    ModuleChangeIn,
    ModuleIn,
    ModuleOut,
    MyModuleOut,
    PaceIn,
    PaceOut,
    SequenceIn,
    SequenceOut,
)
from trellis.individualization import access, selectors
from trellis.individualization.services import pacing
from trellis.people.access import (
    access_class_as_teacher,
    access_class_roster,
    access_learner,
)

if TYPE_CHECKING:  # sequences are read through individualization's access and selectors
    from trellis.curriculum.models import Resource
    from trellis.individualization.models import ModuleSequence

router = Router()


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


def _check(sequence: ModuleSequence, assessment_id: int | None):
    if assessment_id is None:
        return None
    found = selectors.assessment_of_class(sequence.school_class_id, assessment_id)
    if found is None:
        raise ValidationError({"mastery_check_id": pacing.CHECK_OTHER_CLASS})
    return found


def _resources(sequence: ModuleSequence, ids: list[int]) -> list[Resource]:
    found = selectors.resources_of_school(sequence.school_class.school_id, ids)
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
    sequence = selectors.sequence_of_class(school_class, payload.sequence_id)
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
