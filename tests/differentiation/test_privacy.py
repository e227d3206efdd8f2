"""Who may see and change groupings and group plans, tried for every person
of a school through the pages and the API, with a second school alongside.
Expectations are written out by hand, not derived from the rules."""

from __future__ import annotations

import json

import pytest

from tests.differentiation.conftest import client_for, make_curriculum
from trellis.differentiation import services
from trellis.people.access import FORBIDDEN, NOT_FOUND

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
#: who may read class A's grouping, plan and stations (all of it)
READERS = {"admin", "teacher"}
#: who may change them
CHANGERS = {"teacher"}
#: who sees which of class A's plan entries (by group label) without being a reader
OWN_ENTRIES = {"learner": {"A"}, "sibling": {"B"}, "guardian": {"A", "B"}}
SECRET_A = "Guided practice with the teacher"
SECRET_B = "Open-ended ratio project"


def _setup(w):
    curriculum = make_curriculum(w.school, f"{w.school.code}-")
    grouping = services.grouping_save(
        school_class=w.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[
            services.GroupDraft("A", [w.learner.pk], "Group A: needs the prerequisite"),
            services.GroupDraft("B", [w.sibling.pk], "Group B: extension"),
        ],
        created_by=w.teacher,
    )
    a, b = grouping.groups.all()
    plan = services.group_plan_save(
        grouping=grouping,
        created_by=w.teacher,
        entries=[
            services.EntryDraft(group_id=a.pk, process=SECRET_A),
            services.EntryDraft(group_id=b.pk, process=SECRET_B),
        ],
    )
    services.station_rotation_save(plan=plan, stations=["One", "Two"], minutes_per_station=10)
    return grouping, plan


@pytest.mark.parametrize("viewer", VIEWERS)
def test_groupings_and_plans_pages_and_api(viewer, world, other_world):
    me = world.people()[viewer]
    client = client_for(me)
    for target in (world, other_world):
        grouping, plan = _setup(target)
        here = target is world
        reads = here and viewer in READERS
        urls = [
            f"/differentiate/groupings/{grouping.pk}/",
            f"/differentiate/groupings/{grouping.pk}/plan/",
            f"/differentiate/plans/{plan.pk}/stations/",
            f"/api/v1/groupings/{grouping.pk}",
            f"/api/v1/group-plans/{plan.pk}/stations",
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == (200 if reads else 404), (viewer, url)
            if not reads:
                assert (
                    SECRET_A not in response.content.decode()
                    and "needs the prerequisite" not in response.content.decode()
                )
        if not reads:
            assert client.get(f"/api/v1/groupings/{grouping.pk}").json() == {"detail": NOT_FOUND}

        # A plan's entries: all for readers, only their own group's for learners and guardians.
        response = client.get(f"/api/v1/group-plans/{plan.pk}")
        own = OWN_ENTRIES.get(viewer, set()) if here else set()
        if reads:
            assert {e["group_label"] for e in response.json()["entries"]} == {"A", "B"}
        elif own:
            assert response.status_code == 200
            assert {e["group_label"] for e in response.json()["entries"]} == own
        else:
            assert response.status_code == 404 and response.json() == {"detail": NOT_FOUND}

        # Changing: the class's teacher only; an admin may read but not change (403).
        moves = client.post(
            f"/api/v1/groupings/{grouping.pk}/moves",
            data=json.dumps({"moves": {str(target.sibling.pk): "A"}}),
            content_type="application/json",
        )
        page_move = client.post(
            f"/differentiate/groupings/{grouping.pk}/move/", {f"move_{target.sibling.pk}": "A"}
        )
        stations = client.put(
            f"/api/v1/group-plans/{plan.pk}/stations",
            data=json.dumps({"stations": ["X", "Y"], "minutes_per_station": 5}),
            content_type="application/json",
        )
        if here and viewer in CHANGERS:
            assert (
                moves.status_code == 201
                and page_move.status_code == 302
                and stations.status_code == 200
            )
        elif reads:
            assert (moves.status_code, page_move.status_code, stations.status_code) == (
                403,
                403,
                403,
            )
            assert moves.json() == {"detail": FORBIDDEN}
        else:
            assert (moves.status_code, page_move.status_code, stations.status_code) == (
                404,
                404,
                404,
            )


@pytest.mark.parametrize("viewer", VIEWERS)
def test_class_pages_and_lists(viewer, world, other_world):
    me = world.people()[viewer]
    client = client_for(me)
    for target in (world, other_world):
        grouping, _ = _setup(target)
        cid = target.class_a.pk
        oid = grouping.objective_id
        here = target is world
        for url in (
            f"/differentiate/classes/{cid}/",
            f"/differentiate/classes/{cid}/history/",
            f"/differentiate/classes/{cid}/before/?objective={oid}",
            f"/api/v1/groupings?class_id={cid}",
            f"/api/v1/group-plans?class_id={cid}",
            f"/api/v1/groupings/classes/{cid}/before-lesson?objective_id={oid}",
        ):
            status = client.get(url).status_code
            if here and viewer in READERS:
                assert status == 200, (viewer, url)
            elif here and viewer in {"learner", "sibling", "guardian"}:
                assert status == 403, (viewer, url)  # may see the class, not its groups
            else:
                assert status == 404, (viewer, url)
        for url in (
            f"/differentiate/classes/{cid}/live/",
            f"/differentiate/classes/{cid}/live/flags/",
            f"/api/v1/groupings/classes/{cid}/live",
        ):
            status = client.get(url).status_code
            expected = (
                200
                if here and viewer == "teacher"
                else 403
                if here and viewer in {"admin", "learner", "sibling", "guardian"}
                else 404
            )
            assert status == expected, (viewer, url)
        writes = [
            _json(
                client,
                f"/api/v1/groupings/classes/{cid}/live/handled",
                {"learner_id": target.learner.pk, "kind": "idle", "note": "checked in"},
            ),
            client.post(
                f"/differentiate/classes/{cid}/live/handle/",
                {"learner": target.learner.pk, "kind": "idle"},
            ),
            _json(client, "/api/v1/group-plans", {"grouping_id": grouping.pk, "entries": []}),
            client.post(f"/differentiate/groupings/{grouping.pk}/plan/", {"title": "x"}),
            client.post(f"/api/v1/groupings/{grouping.pk}/regroup"),
            client.post(f"/differentiate/groupings/{grouping.pk}/regroup/"),
            _json(
                client,
                "/api/v1/groupings/suggest",
                {"class_id": cid, "objective_id": oid, "n_groups": 2},
            ),
        ]
        statuses = [r.status_code for r in writes]
        if here and viewer == "teacher":
            assert statuses == [201, 302, 201, 302, 201, 302, 200], statuses
        elif here and viewer == "admin":
            assert statuses == [403] * 7, statuses
        elif here and viewer in {"learner", "sibling", "guardian"}:
            # the class is visible to them (403); its groupings are not (404)
            assert statuses == [403, 403, 404, 404, 404, 404, 403], statuses
        else:
            assert statuses == [404] * 7, (viewer, statuses)


def _json(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_my_group_shows_only_my_own_entry(world):
    _setup(world)
    learner_page = client_for(world.learner).get("/my-group/").content.decode()
    assert str(SECRET_A) in learner_page and SECRET_B not in learner_page
    assert (
        "extension" not in learner_page and "needs the prerequisite" not in learner_page
    )  # no explanations
    guardian_page = client_for(world.guardian).get("/my-group/").content.decode()
    assert str(SECRET_A) in guardian_page and str(SECRET_B) in guardian_page  # both children
    other = client_for(world.other_learner).get("/my-group/").content.decode()
    assert SECRET_A not in other and "not in a group yet" in other
    mine = client_for(world.learner).get("/api/v1/group-plans/mine").json()
    assert [e["process"] for p in mine for e in p["entries"]] == [SECRET_A]
    assert (
        client_for(world.stranger)
        .get(f"/api/v1/group-plans/mine?learner_id={world.learner.pk}")
        .status_code
        == 404
    )
