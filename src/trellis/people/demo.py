"""The demo school that ``make demo`` loads: people and classes here; the
curriculum and a month of simulated activity come from the curriculum and
evidence apps, in the same transaction, so a failed load leaves nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from trellis.people import roles
from trellis.people.models import (
    Enrollment,
    Guardianship,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    Term,
    User,
)

DEMO_SCHOOL_CODE = "trellis-demo"
DEMO_PASSWORD = "trellis-demo"
#: Class name, teacher username, number of learners.
DEMO_CLASSES: tuple[tuple[str, str, int], ...] = (
    ("Maths 6A", "teacher1", 24),
    ("Maths 6B", "teacher2", 26),
    ("Maths 6C", "teacher3", 22),
    ("Maths 7A", "teacher1", 28),
)
#: Guardians of two learners each (learner2k-1 and learner2k) for k up to this.
GUARDIANS_OF_TWO = 10

_FIRST = [
    "Amara",
    "Bo",
    "Chen",
    "Dara",
    "Eli",
    "Farah",
    "Gus",
    "Hana",
    "Ivo",
    "Jana",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Uma",
    "Vik",
    "Wren",
    "Xavi",
    "Yara",
    "Zane",
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Esme",
    "Finn",
    "Gia",
    "Hugo",
    "Iris",
    "Jude",
    "Kai",
    "Lina",
    "Milo",
    "Noor",
    "Otto",
    "Pia",
    "Rafa",
    "Sena",
    "Teo",
    "Una",
    "Vera",
    "Wes",
    "Yuki",
    "Zoe",
]
_LAST = [
    "Abara",
    "Berg",
    "Castro",
    "Diallo",
    "Eriksen",
    "Fonseca",
    "Grant",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Mensah",
    "Novak",
    "Okafor",
    "Petrov",
    "Quint",
    "Rossi",
    "Santos",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zubiri",
]


@dataclass
class DemoSchool:
    school: School
    classes: list[SchoolClass]
    created: bool


def _name(rng: random.Random) -> tuple[str, str]:
    return rng.choice(_FIRST), rng.choice(_LAST)


def demo_logins() -> list[tuple[str, str]]:
    """The accounts to print after loading, with what each one shows."""
    return [
        ("admin", "school admin (and site operator: /admin/)"),
        ("teacher1", "teaches Maths 6A (with learner1 and learner2) and Maths 7A"),
        ("teacher2", "teaches Maths 6B"),
        ("teacher3", "teaches Maths 6C; also the guardian of a learner"),
        ("learner1", "a learner in Maths 6A"),
        ("guardian1", "guardian of learner1 and learner2"),
    ]


@transaction.atomic
def demo_load(*, seed: int = 0, days: int = 30, with_learning: bool = True) -> DemoSchool:
    """Load the demo school unless it is already there (then change nothing).

    ``with_learning=False`` loads only people and classes (for tests of the
    people pages, which need no curriculum)."""
    existing = School.objects.filter(code=DEMO_SCHOOL_CODE).first()
    if existing is not None:
        return DemoSchool(
            school=existing, classes=list(existing.classes.order_by("name")), created=False
        )
    rng = random.Random(seed)
    password = make_password(DEMO_PASSWORD)  # hashed once: hashing per account is slow
    school = School.objects.create(name="Trellis Demo Middle School", code=DEMO_SCHOOL_CODE)
    today = timezone.localdate()
    term = Term.objects.create(
        school=school,
        name=f"School year {today.year}",
        starts_on=today - dt.timedelta(days=days + 14),
        ends_on=today + dt.timedelta(days=180),
    )

    def person(username: str, first: str, last: str, *role_list: str, **extra: object) -> User:
        user = User.objects.create(
            username=username, first_name=first, last_name=last, password=password, **extra
        )
        Membership.objects.bulk_create(
            [Membership(user=user, school=school, role=r) for r in role_list]
        )
        return user

    person("admin", "Alex", "Morgan", roles.ADMIN, is_staff=True, is_superuser=True)
    teachers = {f"teacher{i}": person(f"teacher{i}", *_name(rng), roles.TEACHER) for i in (1, 2, 3)}
    classes: list[SchoolClass] = []
    learners: list[User] = []
    n = 0
    for class_name, teacher_username, size in DEMO_CLASSES:
        grade = class_name.split()[1][0]
        school_class = SchoolClass.objects.create(
            school=school, term=term, name=class_name, subject="Mathematics", grade_band=grade
        )
        TeachingAssignment.objects.create(
            school_class=school_class, teacher=teachers[teacher_username]
        )
        members = []
        for _ in range(size):
            n += 1
            members.append(person(f"learner{n}", *_name(rng), roles.LEARNER))
        Enrollment.objects.bulk_create(
            [Enrollment(school_class=school_class, learner=m) for m in members]
        )
        classes.append(school_class)
        learners.extend(members)

    links: list[Guardianship] = []
    g = 0
    for k in range(GUARDIANS_OF_TWO):
        g += 1
        last = learners[2 * k].last_name
        guardian = person(f"guardian{g}", rng.choice(_FIRST), last, roles.GUARDIAN)
        links += [
            Guardianship(guardian=guardian, learner=learners[2 * k], relationship="parent"),
            Guardianship(guardian=guardian, learner=learners[2 * k + 1], relationship="parent"),
        ]
    for learner in learners[2 * GUARDIANS_OF_TWO : -1]:
        g += 1
        guardian = person(f"guardian{g}", rng.choice(_FIRST), learner.last_name, roles.GUARDIAN)
        links.append(Guardianship(guardian=guardian, learner=learner, relationship="parent"))
    # A teacher who is also a parent at the school: one person, two roles.
    Membership.objects.create(user=teachers["teacher3"], school=school, role=roles.GUARDIAN)
    links.append(
        Guardianship(guardian=teachers["teacher3"], learner=learners[-1], relationship="parent")
    )
    Guardianship.objects.bulk_create(links)

    if with_learning:
        _load_learning(school=school, classes=classes, seed=seed, days=days)
    return DemoSchool(school=school, classes=classes, created=True)


def _load_learning(*, school: School, classes: list[SchoolClass], seed: int, days: int) -> None:
    """Curriculum and a month of activity, from the apps that own them."""
    from trellis.curriculum.demo import load_demo_curriculum
    from trellis.evidence.demo import load_demo_activity
    from trellis.reports.demo import load_demo_practice

    framework = load_demo_curriculum(school=school)
    load_demo_activity(school=school, framework=framework, classes=classes, seed=seed, days=days)
    load_demo_practice(school=school, classes=classes)
