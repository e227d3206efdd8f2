"""Who may see what, tried for every person in a school against every kind
of people record, through the pages and through the API, with a second school
alongside to prove nothing crosses between schools.

The expectations are written out by hand here, independently of the rules,
so that a change to a rule that widens access fails a test."""

from __future__ import annotations

import pytest
from django.test import Client

from trellis.people import selectors
from trellis.people.access import NOT_FOUND

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

VIEWERS = [
    "admin",
    "teacher",
    "teacher_b",
    "dual",
    "learner",
    "sibling",
    "other_learner",
    "guardian",
    "stranger",
]

#: viewer -> learners they may see
LEARNERS = {
    "admin": {"learner", "sibling", "other_learner"},
    "teacher": {"learner", "sibling"},
    "teacher_b": {"other_learner"},
    "dual": {"other_learner"},
    "learner": {"learner"},
    "sibling": {"sibling"},
    "other_learner": {"other_learner"},
    "guardian": {"learner", "sibling"},
    "stranger": set(),
}
#: viewer -> classes they may see (name, subject, teachers)
CLASSES = {
    "admin": {"class_a", "class_b"},
    "teacher": {"class_a"},
    "teacher_b": {"class_b"},
    "dual": {"class_b"},
    "learner": {"class_a"},
    "sibling": {"class_a"},
    "other_learner": {"class_b"},
    "guardian": {"class_a"},
    "stranger": set(),
}
#: viewer -> classes whose roster they may see
ROSTERS = {
    "admin": {"class_a", "class_b"},
    "teacher": {"class_a"},
    "teacher_b": {"class_b"},
    "dual": {"class_b"},
}
ALL_LEARNERS = ("learner", "sibling", "other_learner")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_learner_records_pages_and_api(viewer, world, other_world):
    me = world.people()[viewer]
    client = _client(me)
    for target_world in (world, other_world):
        for key in ALL_LEARNERS:
            target = getattr(target_world, key)
            allowed = target_world is world and key in LEARNERS[viewer]
            page = client.get(f"/learners/{target.pk}/")
            api = client.get(f"/api/v1/learners/{target.pk}")
            if allowed:
                assert page.status_code == 200, (viewer, key)
                assert str(target) in page.content.decode()
                assert api.status_code == 200 and api.json()["username"] == target.username
            else:
                assert page.status_code == 404, (viewer, key, target_world.school.name)
                assert api.status_code == 404
                assert api.json() == {"detail": NOT_FOUND}
                for body in (page.content.decode(), api.content.decode()):
                    assert target.username not in body
                    assert target.last_name not in body


@pytest.mark.parametrize("viewer", VIEWERS)
def test_learner_list_holds_exactly_the_visible_learners(viewer, world, other_world):
    me = world.people()[viewer]
    response = _client(me).get("/api/v1/learners")
    assert response.status_code == 200
    expected = {getattr(world, k).username for k in LEARNERS[viewer]}
    assert {row["username"] for row in response.json()} == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_class_pages_rosters_and_api(viewer, world, other_world):
    me = world.people()[viewer]
    client = _client(me)
    for target_world in (world, other_world):
        for key in ("class_a", "class_b"):
            school_class = getattr(target_world, key)
            visible = target_world is world and key in CLASSES[viewer]
            roster = target_world is world and key in ROSTERS.get(viewer, set())
            page = client.get(f"/classes/{school_class.pk}/")
            api = client.get(f"/api/v1/classes/{school_class.pk}")
            enrolled = [e.learner for e in school_class.enrollments.select_related("learner")]
            if not visible:
                assert page.status_code == 404 and api.status_code == 404, (viewer, key)
                assert school_class.name not in page.content.decode()
                assert school_class.name not in api.content.decode()
                continue
            assert page.status_code == 200 and api.status_code == 200
            body = page.content.decode()
            assert school_class.name in body
            learner_ids = api.json()["learner_ids"]
            if roster:
                assert set(learner_ids) == {e.pk for e in enrolled}
                assert all(str(e) in body for e in enrolled)
            else:
                assert learner_ids is None
                assert "Roster" not in body
                others = [e for e in enrolled if e.pk not in _visible_pks(world, viewer)]
                assert all(e.username not in body for e in others)


def _visible_pks(world, viewer) -> set[int]:
    return {getattr(world, k).pk for k in LEARNERS[viewer]}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_school_page_and_api_only_for_its_admin(viewer, world, other_world):
    client = _client(world.people()[viewer])
    for target_world in (world, other_world):
        school = target_world.school
        allowed = viewer == "admin" and target_world is world
        page = client.get(f"/schools/{school.pk}/")
        api = client.get(f"/api/v1/schools/{school.pk}")
        assert page.status_code == (200 if allowed else 404), viewer
        assert api.status_code == (200 if allowed else 404)
        if allowed:
            assert api.json()["counts"]["learners"] == 3
        else:
            assert school.name not in api.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_queryset_filters_agree_with_the_rules(viewer, world, other_world):
    """List endpoints filter with selectors, detail views check rules: they
    must say the same thing for every person and every record."""
    me = world.people()[viewer]
    from trellis.people.models import SchoolClass, User

    visible_learners = set(selectors.learners_visible_to(me).values_list("pk", flat=True))
    for person in User.objects.all():
        assert (person.pk in visible_learners) == me.has_perm("people.view_learner", person), (
            viewer,
            person.username,
        )
    visible_classes = set(selectors.classes_visible_to(me).values_list("pk", flat=True))
    for school_class in SchoolClass.objects.all():
        assert (school_class.pk in visible_classes) == me.has_perm(
            "people.view_class", school_class
        )


def test_anonymous_gets_sign_in_page_and_api_401(world):
    client = Client()
    page = client.get(f"/learners/{world.learner.pk}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get("/api/v1/learners").status_code == 401
    assert client.get(f"/api/v1/learners/{world.learner.pk}").status_code == 401


def test_deactivated_account_sees_nothing(world):
    world.teacher.is_active = False
    world.teacher.save()
    assert not selectors.learners_visible_to(world.teacher).exists()
    assert not world.teacher.has_perm("people.view_learner", world.learner)
