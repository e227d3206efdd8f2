"""Curriculum endpoints: frameworks (with CASE import and export),
competencies, items and resources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Body, Router, Schema, Status
from ninja.errors import HttpError

from trellis.curriculum import access, selectors, services
from trellis.curriculum.case import framework_export_case, framework_import_case
from trellis.people.access import access_school

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Item, Resource

router = Router(tags=["curriculum"])


class FrameworkOut(Schema):
    id: int
    identifier: str
    title: str
    subject: str
    school_id: int | None
    competency_count: int


class CompetencyOut(Schema):
    id: int
    framework_id: int
    identifier: str
    code: str
    statement: str
    grade_band: str
    parent_id: int | None
    prerequisite_ids: list[int]


class OptionIn(Schema):
    text: str
    correct: bool = False
    removable: bool = False


class CriterionIn(Schema):
    name: str
    levels: list[str]


class ItemIn(Schema):
    school_id: int
    kind: str
    prompt: str
    competency_ids: list[int]
    options: list[OptionIn] = []
    numeric_answer: float | None = None
    numeric_tolerance: float = 0
    accepted_answers: list[str] = []
    rubric: list[CriterionIn] = []


class ItemOut(Schema):
    id: int
    school_id: int
    kind: str
    prompt: str
    competency_ids: list[int]
    options: list[dict[str, Any]]
    numeric_answer: float | None
    numeric_tolerance: float
    accepted_answers: list[str]
    rubric: list[dict[str, Any]]


class ResourceIn(Schema):
    school_id: int
    title: str
    format: str
    competency_ids: list[int]
    url: str = ""
    description: str = ""
    readiness_level: int = 3
    interest_tags: list[str] = []
    accessibility_features: list[str] = []


class ResourceOut(Schema):
    id: int
    school_id: int
    title: str
    format: str
    url: str
    description: str
    readiness_level: int
    interest_tags: list[str]
    accessibility_features: list[str]
    competency_ids: list[int]


def _resource_out(resource: Resource) -> ResourceOut:
    return ResourceOut(
        id=resource.pk,
        school_id=resource.school_id,
        title=resource.title,
        format=resource.format,
        url=resource.url,
        description=resource.description,
        readiness_level=resource.readiness_level,
        interest_tags=resource.interest_tags,
        accessibility_features=resource.accessibility_features,
        competency_ids=[c.pk for c in resource.competencies.all()],
    )


def _item_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.pk,
        school_id=item.school_id,
        kind=item.kind,
        prompt=item.prompt,
        competency_ids=[c.pk for c in item.competencies.all()],
        options=item.options,
        numeric_answer=item.numeric_answer,
        numeric_tolerance=item.numeric_tolerance,
        accepted_answers=item.accepted_answers,
        rubric=item.rubric,
    )


def _framework_out(framework, count: int) -> FrameworkOut:
    return FrameworkOut(
        id=framework.pk,
        identifier=framework.identifier,
        title=framework.title,
        subject=framework.subject,
        school_id=framework.school_id,
        competency_count=count,
    )


@router.get("/frameworks", response=list[FrameworkOut], summary="Frameworks the caller may see")
def frameworks(request: HttpRequest):
    return [
        _framework_out(f, f.competency_count) for f in selectors.frameworks_listed_for(request.user)
    ]


@router.post(
    "/frameworks",
    response={201: FrameworkOut},
    summary="Import a CASE 1.0 CFPackage (all or nothing); global when school_id is omitted",
)
def framework_import(
    request: HttpRequest, package: Body[dict[str, Any]], school_id: int | None = None
):
    if school_id is None:
        access.access_global_framework_import(request.user)
        school = None
    else:
        school = access_school(request.user, school_id)
    framework = framework_import_case(data=package, school=school)
    return Status(201, _framework_out(framework, selectors.competency_count(framework)))


@router.get("/frameworks/{framework_id}", response=FrameworkOut, summary="One framework")
def framework(request: HttpRequest, framework_id: int):
    found = access.access_framework(request.user, framework_id)
    return _framework_out(found, selectors.competency_count(found))


@router.get("/frameworks/{framework_id}/case", summary="The framework as a CASE 1.0 CFPackage")
def framework_case(request: HttpRequest, framework_id: int) -> dict[str, Any]:
    return framework_export_case(framework=access.access_framework(request.user, framework_id))


@router.get(
    "/competencies", response=list[CompetencyOut], summary="Competencies the caller may see"
)
def competencies(request: HttpRequest, framework_id: int | None = None):
    rows = list(selectors.competencies_listed_for(request.user, framework_id=framework_id))
    prereqs = selectors.prerequisites_of([c.pk for c in rows])
    return [_competency_out(c, prereqs) for c in rows]


def _competency_out(c: Competency, prereqs: dict[int, set[int]]) -> CompetencyOut:
    return CompetencyOut(
        id=c.pk,
        framework_id=c.framework_id,
        identifier=c.identifier,
        code=c.code,
        statement=c.statement,
        grade_band=c.grade_band,
        parent_id=c.parent_id,
        prerequisite_ids=sorted(prereqs.get(c.pk, ())),
    )


@router.get("/competencies/{competency_id}", response=CompetencyOut, summary="One competency")
def competency(request: HttpRequest, competency_id: int):
    found = access.access_competency(request.user, competency_id)
    return _competency_out(found, selectors.prerequisites_of([found.pk]))


@router.get(
    "/items", response=list[ItemOut], summary="Items (with answer keys), for the school's staff"
)
def items(request: HttpRequest, competency_id: int | None = None):
    qs = selectors.items_listed_for(request.user, competency_id=competency_id)
    return [_item_out(i) for i in qs]


@router.get("/items/{item_id}", response=ItemOut, summary="One item")
def item(request: HttpRequest, item_id: int):
    return _item_out(access.access_item(request.user, item_id))


@router.post("/items", response={201: ItemOut}, summary="Create an item")
def item_create(request: HttpRequest, payload: ItemIn):
    school = _school_for_authoring(request, payload.school_id)
    comps = [access.access_competency(request.user, cid) for cid in payload.competency_ids]
    created = services.item_create(
        school=school,
        kind=payload.kind,
        prompt=payload.prompt,
        competencies=comps,
        created_by=request.user,
        options=[o.dict() for o in payload.options],
        numeric_answer=payload.numeric_answer,
        numeric_tolerance=payload.numeric_tolerance,
        accepted_answers=payload.accepted_answers,
        rubric=[c.dict() for c in payload.rubric],
    )
    return Status(201, _item_out(created))


@router.get(
    "/resources",
    response=list[ResourceOut],
    summary="Resources of the schools where the caller is staff",
)
def resources(request: HttpRequest, competency_id: int | None = None):
    qs = selectors.resources_listed_for(request.user, competency_id=competency_id)
    return [_resource_out(x) for x in qs]


@router.post("/resources", response={201: ResourceOut}, summary="Create a resource")
def resource_create(request: HttpRequest, payload: ResourceIn):
    school = _school_for_authoring(request, payload.school_id)
    comps = [access.access_competency(request.user, cid) for cid in payload.competency_ids]
    created = services.resource_create(
        school=school,
        title=payload.title,
        format=payload.format,
        competencies=comps,
        url=payload.url,
        description=payload.description,
        readiness_level=payload.readiness_level,
        interest_tags=payload.interest_tags,
        accessibility_features=payload.accessibility_features,
        created_by=request.user,
    )
    return Status(201, _resource_out(created))


def _school_for_authoring(request: HttpRequest, school_id: int):
    from trellis.people.access import NOT_FOUND
    from trellis.people.selectors import school_by_id

    school = school_by_id(school_id)
    if school is None or not request.user.has_perm("curriculum.author_in_school", school):
        raise HttpError(404, NOT_FOUND)
    return school
