from __future__ import annotations

import pytest
from django.test import Client

from trellis.people import roles
from trellis.people.demo import DEMO_CLASSES, DEMO_PASSWORD, demo_load
from trellis.people.models import Enrollment, Guardianship, Membership, SchoolClass, User

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        SchoolClass.objects.count(),
        Enrollment.objects.count(),
        Guardianship.objects.count(),
    )


def test_demo_people_match_the_readme_and_loading_twice_changes_nothing():
    first = demo_load(with_learning=False)
    assert first.created
    before = _snapshot()
    second = demo_load(with_learning=False)
    assert not second.created and _snapshot() == before

    assert [c.name for c in first.classes] == [c[0] for c in DEMO_CLASSES]
    for school_class in first.classes:
        assert 20 <= school_class.enrollments.count() <= 30
    learner1, learner2 = (
        User.objects.get(username="learner1"),
        User.objects.get(username="learner2"),
    )
    guardian1 = User.objects.get(username="guardian1")
    assert set(guardian1.guardianships.values_list("learner__username", flat=True)) == {
        "learner1",
        "learner2",
    }
    teacher1 = User.objects.get(username="teacher1")
    assert teacher1.has_perm("people.view_learner", learner1)
    assert learner2.role_set() == {roles.LEARNER}
    assert User.objects.get(username="teacher3").role_set() == {roles.TEACHER, roles.GUARDIAN}
    assert Guardianship.objects.values("guardian").distinct().count() > 10


def test_demo_accounts_sign_in_with_the_documented_password():
    demo_load(with_learning=False)
    for username in ("admin", "teacher1", "learner1", "guardian1"):
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username


def test_api_learners_for_guardian1_is_exactly_learner1_and_learner2():
    demo_load(with_learning=False)
    client = Client()
    client.force_login(User.objects.get(username="guardian1"))
    assert {r["username"] for r in client.get("/api/v1/learners").json()} == {
        "learner1",
        "learner2",
    }
