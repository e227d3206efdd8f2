"""``build_school``: a whole school with every role, for privacy tests.

Call it twice (with different prefixes) and assert nothing crosses between the
two. Each school has two classes; ``teacher`` teaches class A, ``teacher_b``
class B; ``learner``, ``sibling`` are in class A and share ``guardian``;
``other_learner`` is in class B; ``dual`` is a teacher of class B who is also
the guardian of ``other_learner``; ``admin`` runs the school; ``stranger`` has
an account and no role.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.factories import (
    EnrollmentFactory,
    GuardianshipFactory,
    MembershipFactory,
    SchoolClassFactory,
    SchoolFactory,
    TeachingAssignmentFactory,
    UserFactory,
)
from trellis.people import roles
from trellis.people.models import School, SchoolClass, User


@dataclass
class SchoolWorld:
    school: School
    class_a: SchoolClass
    class_b: SchoolClass
    admin: User
    teacher: User
    teacher_b: User
    dual: User
    learner: User
    sibling: User
    other_learner: User
    guardian: User
    stranger: User

    def people(self) -> dict[str, User]:
        return {
            "admin": self.admin,
            "teacher": self.teacher,
            "teacher_b": self.teacher_b,
            "dual": self.dual,
            "learner": self.learner,
            "sibling": self.sibling,
            "other_learner": self.other_learner,
            "guardian": self.guardian,
            "stranger": self.stranger,
        }


def _person(prefix: str, name: str, school: School, *role_list: str) -> User:
    user = UserFactory(username=f"{prefix}{name}")
    for role in role_list:
        MembershipFactory(user=user, school=school, role=role)
    return user


def build_school(prefix: str = "s1_") -> SchoolWorld:
    school = SchoolFactory(name=f"{prefix}School", code=f"{prefix}school".replace("_", "-"))
    class_a = SchoolClassFactory(school=school, name=f"{prefix}Class A")
    class_b = SchoolClassFactory(school=school, name=f"{prefix}Class B")
    admin = _person(prefix, "admin", school, roles.ADMIN)
    teacher = _person(prefix, "teacher", school, roles.TEACHER)
    teacher_b = _person(prefix, "teacher_b", school, roles.TEACHER)
    dual = _person(prefix, "dual", school, roles.TEACHER, roles.GUARDIAN)
    learner = _person(prefix, "learner", school, roles.LEARNER)
    sibling = _person(prefix, "sibling", school, roles.LEARNER)
    other_learner = _person(prefix, "other_learner", school, roles.LEARNER)
    guardian = _person(prefix, "guardian", school, roles.GUARDIAN)
    stranger = UserFactory(username=f"{prefix}stranger")
    TeachingAssignmentFactory(school_class=class_a, teacher=teacher)
    TeachingAssignmentFactory(school_class=class_b, teacher=teacher_b)
    TeachingAssignmentFactory(school_class=class_b, teacher=dual)
    EnrollmentFactory(school_class=class_a, learner=learner)
    EnrollmentFactory(school_class=class_a, learner=sibling)
    EnrollmentFactory(school_class=class_b, learner=other_learner)
    GuardianshipFactory(guardian=guardian, learner=learner)
    GuardianshipFactory(guardian=guardian, learner=sibling)
    GuardianshipFactory(guardian=dual, learner=other_learner)
    return SchoolWorld(
        school=school,
        class_a=class_a,
        class_b=class_b,
        admin=admin,
        teacher=teacher,
        teacher_b=teacher_b,
        dual=dual,
        learner=learner,
        sibling=sibling,
        other_learner=other_learner,
        guardian=guardian,
        stranger=stranger,
    )
