"""A learner's outside activity (page and API): seen by exactly the people
who may see the learner, in both schools; nothing leaks to anyone else."""

from __future__ import annotations

import pytest

from tests.interop.test_xapi_statements import Tool, make_item, statement
from trellis.interop.access import access_learner_activity
from trellis.interop.xapi import activities
from trellis.people.access import NotVisible

pytestmark = pytest.mark.django_db
ALLOWED = ["learner", "guardian", "teacher", "admin"]
FORBIDDEN = ["sibling", "other_learner", "teacher_b", "dual", "stranger"]


@pytest.fixture
def reported(client, world, other_world):
    for w in (world, other_world):
        item = make_item(w.school, code=f"{w.school.code}.1")
        tool = Tool(client, w.school, name="Maths tutor")
        video = statement(w.learner.username, "https://videos.example/ratios", completion=True)
        video["verb"]["display"] = {"en-US": "watched"}
        video["object"]["definition"] = {"name": {"en-US": f"Ratio tables {w.school.code}"}}
        answered = statement(w.learner.username, activities.item_activity_id(item.pk), response="4")
        assert tool.send("POST", [video, answered]).status_code == 200
    client.logout()
    return world, other_world


def url(learner) -> str:
    return f"/interop/learners/{learner.pk}/activity/"


#: Queries of the statements call, by who asks: the session, the caller, the
#: learner, then the access rule's role lookups (the learner: their own two;
#: a guardian, teacher or admin: two rounds of the rule's reads, which is
#: not cached between the access check and the visibility filter), then the
#: statements in one query.
STATEMENT_QUERIES = {"learner": 6, "guardian": 9, "teacher": 9, "admin": 9}


@pytest.mark.parametrize("who", ALLOWED)
def test_people_who_may_see_the_learner_see_their_outside_activity(
    client, reported, who, django_assert_num_queries
):
    world, _ = reported
    client.force_login(world.people()[who])
    page = client.get(url(world.learner))
    assert page.status_code == 200
    text = page.content.decode()
    assert f"Ratio tables {world.school.code}" in text and "Counted as evidence" in text
    assert "Outside activity" in text and "from Maths tutor" in text
    with django_assert_num_queries(STATEMENT_QUERIES[who]):
        rows = client.get(f"/api/v1/xapi/learners/{world.learner.pk}/statements").json()
    assert [(r["verb"], r["evidence"]) for r in rows] == [("answered", True), ("watched", False)]
    assert rows[0]["outcome"] == "correct"


@pytest.mark.parametrize("who", FORBIDDEN + ALLOWED)
def test_everyone_else_gets_404_and_nothing_leaks(client, reported, who):
    world, other = reported
    for user, learner in (
        (world.people()[who], world.learner),
        (other.people()[who], world.learner),
    ):
        if user.username.startswith("s1_") and who in ALLOWED:
            continue
        client.force_login(user)
        page = client.get(url(learner))
        assert page.status_code == 404
        assert "Ratio tables" not in page.content.decode()
        api = client.get(f"/api/v1/xapi/learners/{learner.pk}/statements")
        assert api.status_code == 404 and "Ratio" not in api.content.decode()
        with pytest.raises(NotVisible):
            access_learner_activity(user, learner.pk)


def test_signed_out_people_are_sent_to_sign_in(client, reported):
    world, _ = reported
    assert client.get(url(world.learner)).status_code == 302
    assert client.get(f"/api/v1/xapi/learners/{world.learner.pk}/statements").status_code == 401


OVERVIEW = "/interop/activity/"


@pytest.mark.parametrize("who", ["guardian", "teacher", "admin"])
def test_the_overview_lists_the_learners_one_may_see_with_outside_activity(
    client, reported, who, django_assert_num_queries
):
    world, other = reported
    client.force_login(world.people()[who])
    home = client.get("/").content.decode()
    assert f'href="{OVERVIEW}"' in home  # the nav link
    page = client.get(OVERVIEW)
    assert page.status_code == 200
    text = page.content.decode()
    assert url(world.learner) in text and "2 statements" in text
    assert url(other.learner) not in text  # the other school's learner
    signed_in = 2  # the session, then its user
    listed = 2  # statement counts per visible learner, then those learners
    with django_assert_num_queries(signed_in + listed):
        rows = client.get("/api/v1/xapi/learners").json()
    assert [(r["learner_id"], r["statements"], r["evidence"]) for r in rows] == [
        (world.learner.pk, 2, 1)
    ]


@pytest.mark.parametrize("who", FORBIDDEN)
def test_the_overview_shows_nothing_of_learners_one_may_not_see(client, reported, who):
    world, other = reported
    client.force_login(world.people()[who])
    page = client.get(OVERVIEW)
    if page.status_code == 302:  # a learner who sees only themselves
        assert page.url == url(world.people()[who])
        page = client.get(page.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert url(world.learner) not in text and url(other.learner) not in text
    assert "Ratio tables" not in text
    learners = {r["learner_id"] for r in client.get("/api/v1/xapi/learners").json()}
    assert not learners & {world.learner.pk, other.learner.pk}


def test_a_learner_goes_straight_to_their_own_activity(client, reported):
    world, _ = reported
    client.force_login(world.learner)
    answer = client.get(OVERVIEW)
    assert answer.status_code == 302 and answer.url == url(world.learner)
    assert "Ratio tables" in client.get(answer.url).content.decode()
    client.logout()
    assert client.get(OVERVIEW).status_code == 302  # to sign in
    assert client.get("/api/v1/xapi/learners").status_code == 401
