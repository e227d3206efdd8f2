"""People endpoints: who am I, and the learners and classes I may see."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from ninja import Router, Schema

from trellis.people import access, roles, selectors

if TYPE_CHECKING:
    from trellis.people.models import School, SchoolClass, User

router = Router(tags=["people"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]


class ClassRef(Schema):
    id: int
    name: str
    subject: str


class LearnerOut(Schema):
    id: int
    username: str
    display_name: str
    classes: list[ClassRef]


class ClassOut(Schema):
    id: int
    name: str
    subject: str
    grade_band: str
    term: str
    school_id: int
    teachers: list[str]
    learner_ids: list[int] | None = None


class SchoolOut(Schema):
    id: int
    name: str
    code: str
    counts: dict[str, int]


def _learner_out(learner: User) -> LearnerOut:
    return LearnerOut(
        id=learner.pk,
        username=learner.username,
        display_name=str(learner),
        classes=[
            ClassRef(id=e.school_class.pk, name=e.school_class.name, subject=e.school_class.subject)
            for e in learner.active_enrollments
        ],
    )


@router.get("/me", response=MeOut, summary="The caller's account and roles")
def me(request: HttpRequest):
    user = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=str(user),
        roles=[r for r in roles.ALL_ROLES if r in user.role_set()],
    )


@router.get("/learners", response=list[LearnerOut], summary="Learners the caller may see")
def learners(request: HttpRequest):
    qs = selectors.learners_with_active_classes(
        selectors.learners_visible_to(request.user).order_by("username")
    )
    return [_learner_out(learner) for learner in qs]


@router.get("/learners/{learner_id}", response=LearnerOut, summary="One learner")
def learner(request: HttpRequest, learner_id: int):
    found = access.access_learner(request.user, learner_id)
    return _learner_out(
        selectors.learners_with_active_classes(selectors.people_with_ids([found.pk])).get()
    )


def _class_out(user: User, school_class: SchoolClass) -> ClassOut:
    can_roster = user.has_perm("people.view_class_roster", school_class)
    return ClassOut(
        id=school_class.pk,
        name=school_class.name,
        subject=school_class.subject,
        grade_band=school_class.grade_band,
        term=school_class.term.name,
        school_id=school_class.school_id,
        teachers=[str(t) for t in school_class.teachers.all()],
        learner_ids=selectors.roster_ids(school_class) if can_roster else None,
    )


@router.get("/classes", response=list[ClassRef], summary="Classes the caller may see")
def classes(request: HttpRequest):
    return [
        ClassRef(id=c.pk, name=c.name, subject=c.subject)
        for c in selectors.classes_visible_to(request.user).order_by("name")
    ]


@router.get(
    "/classes/{class_id}",
    response=ClassOut,
    summary="One class (roster for its teachers and admins)",
)
def school_class(request: HttpRequest, class_id: int):
    return _class_out(request.user, access.access_class(request.user, class_id))


@router.get(
    "/schools/{school_id}", response=SchoolOut, summary="A school's overview, for its admins"
)
def school(request: HttpRequest, school_id: int):
    found: School = access.access_school(request.user, school_id)
    return SchoolOut(
        id=found.pk, name=found.name, code=found.code, counts=selectors.school_counts(found)
    )
