"""A guardian sees each of their children and nothing else, through the
page, the live fragment and ``/api/v1/guardian/children``; everyone else
(teachers of the child included) gets 404 or an empty list."""

from __future__ import annotations

import pytest

from tests.family.conftest import client_for
from trellis.family import selectors
from trellis.people.access import NOT_FOUND

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

#: viewer -> children whose family page they may open (by world attribute)
CHILDREN = {
    "admin": set(),
    "teacher": set(),
    "teacher_b": set(),
    "dual": {"other_learner"},
    "learner": set(),
    "sibling": set(),
    "other_learner": set(),
    "guardian": {"learner", "sibling"},
    "stranger": set(),
}
TAGS = {"learner": "learner", "sibling": "sibling", "other_learner": "other"}


@pytest.mark.parametrize("viewer", sorted(CHILDREN))
def test_family_pages_only_for_own_children(viewer, world, other_world, family):
    client = client_for(world.people()[viewer])
    for w in (world, other_world):
        for name in TAGS:
            child = getattr(w, name)
            allowed = w is world and name in CHILDREN[viewer]
            for url in (f"/family/children/{child.pk}/", f"/family/children/{child.pk}/live/"):
                response = client.get(url)
                assert response.status_code == (200 if allowed else 404), (viewer, name, url)
                if not allowed:
                    assert "Goal of" not in response.content.decode()
                    assert "/live/" not in response.content.decode()


@pytest.mark.parametrize("viewer", sorted(CHILDREN))
def test_api_lists_only_own_children(viewer, world, other_world, family):
    response = client_for(world.people()[viewer]).get("/api/v1/guardian/children")
    assert response.status_code == 200
    ids = {c["id"] for c in response.json()}
    assert ids == {getattr(world, n).pk for n in CHILDREN[viewer]}
    assert set(selectors.children_of(world.people()[viewer]).values_list("pk", flat=True)) == ids


def test_guardian_of_two_sees_each_childs_own_records(world, other_world, family):
    client = client_for(world.guardian)
    page = client.get(f"/family/children/{world.learner.pk}/").content.decode()
    assert "Goal of s1_learner" in page
    assert "Shared by s1_learner" in page
    assert "Private of s1_learner" not in page  # not shared with guardians
    assert "s1_Upcoming quiz A" in page and "s1_Overdue quiz A" in page
    for leak in ("Goal of s1_sibling", "Goal of s1_other", "s2_", "s1_Quiz B"):
        assert leak not in page
    # the switcher names both children and only them
    assert f"/family/children/{world.sibling.pk}/" in page
    assert f"/family/children/{world.other_learner.pk}/" not in page


def test_api_child_payload(world, other_world, family):
    data = client_for(world.guardian).get("/api/v1/guardian/children").json()
    by_id = {c["id"]: c for c in data}
    learner = by_id[world.learner.pk]
    assert [g["title"] for g in learner["goals"]] == ["Goal of s1_learner"]
    assert learner["shared_portfolio"] == ["Shared by s1_learner"]
    assert [w["title"] for w in learner["upcoming"]] == ["s1_Upcoming quiz A"]
    assert [w["title"] for w in learner["overdue"]] == ["s1_Overdue quiz A"]
    assert learner["mastery"][0]["code"] == "s16.RP.1"
    assert learner["mastery"][0]["new_evidence"] == 1


def test_api_query_count_is_bounded(world, other_world, family, django_assert_num_queries):
    client = client_for(world.guardian)
    # The session, the guardian, the children, then eleven reads, one per
    # kind of record for both children at once (answers, mastery, goals,
    # benchmarks, windowed reads, assignments, assessments, attempts, plans):
    # fourteen for two children as for one.
    with django_assert_num_queries(14):
        assert len(client.get("/api/v1/guardian/children").json()) == 2


def test_family_home_redirects_guardian_and_hides_from_others(world, family):
    response = client_for(world.guardian).get("/family/children/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/family/children/{world.learner.pk}/") or response[
        "Location"
    ].endswith(f"/family/children/{world.sibling.pk}/")
    missing = client_for(world.teacher).get("/family/children/")
    assert missing.status_code == 404
    assert client_for(world.teacher).get("/family/children/999999/").status_code == 404
    assert NOT_FOUND  # the message the 404 carries


def test_anonymous_is_sent_to_sign_in(world, family):
    from django.test import Client

    assert Client().get(f"/family/children/{world.learner.pk}/").status_code == 302
    assert Client().get("/api/v1/guardian/children").status_code in (401, 403)
