"""The differentiation API does what the pages do: suggest, save, move,
regroup, plan, stations, before the lesson, live flags; list endpoints keep
a fixed number of queries."""

from __future__ import annotations

import json

import pytest

from tests.differentiation.conftest import answer, client_for, enrol_more
from trellis.differentiation import services
from trellis.differentiation.models import Grouping
from trellis.evidence.services import assessment_create

pytestmark = pytest.mark.django_db


def _post(client, url, body, method="post"):
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_suggest_save_move_regroup(world, curriculum):
    extra = enrol_more(world.class_a, 4)
    for learner in (world.learner, world.sibling):
        for _ in range(4):
            answer(learner, curriculum.prereq_item, True)
            answer(learner, curriculum.objective_item, True)
    for learner in extra:
        answer(learner, curriculum.prereq_item, False)
    client = client_for(world.teacher)
    body = {
        "class_id": world.class_a.pk,
        "objective_id": curriculum.objective.pk,
        "kind": "readiness",
        "n_groups": 2,
    }
    suggestion = _post(client, "/api/v1/groupings/suggest", body)
    assert suggestion.status_code == 200, suggestion.content
    groups = suggestion.json()["groups"]
    assert sorted(len(g["members"]) for g in groups) == [2, 4]
    assert Grouping.objects.count() == 0

    saved = _post(
        client,
        "/api/v1/groupings",
        {
            "class_id": world.class_a.pk,
            "objective_id": curriculum.objective.pk,
            "kind": "readiness",
            "groups": [
                {
                    "label": g["label"],
                    "learner_ids": [m["learner_id"] for m in g["members"]],
                    "explanation": g["explanation"],
                }
                for g in groups
            ],
        },
    )
    assert saved.status_code == 201, saved.content
    first = saved.json()
    strong = next(
        g for g in first["groups"] if any(m["learner_id"] == world.learner.pk for m in g["members"])
    )
    moved = _post(
        client,
        f"/api/v1/groupings/{first['id']}/moves",
        {
            "moves": {str(extra[0].pk): strong["label"]},
            "reasons": {str(extra[0].pk): "Peer support"},
        },
    )
    assert moved.status_code == 201
    member = next(
        m for g in moved.json()["groups"] for m in g["members"] if m["learner_id"] == extra[0].pk
    )
    assert member["reason"] == "Peer support" and member["moved_from"] != ""
    assert moved.json()["based_on_id"] == first["id"]

    regrouped = client.post(f"/api/v1/groupings/{moved.json()['id']}/regroup")
    assert regrouped.status_code == 201, regrouped.content
    back = next(
        m
        for g in regrouped.json()["groups"]
        for m in g["members"]
        if m["learner_id"] == extra[0].pk
    )
    assert back["moved_from"] == strong["label"] and back["reason"]


def test_impossible_constraints_are_a_400_naming_them(world, curriculum):
    client = client_for(world.teacher)
    body = {
        "class_id": world.class_a.pk,
        "objective_id": curriculum.objective.pk,
        "kind": "readiness",
        "n_groups": 1,
        "keep_apart": [[world.learner.pk, world.sibling.pk]],
    }
    response = _post(client, "/api/v1/groupings/suggest", body)
    assert response.status_code == 400
    assert (
        str(world.learner) in response.json()["detail"]
        and str(world.sibling) in response.json()["detail"]
    )
    saved = _post(
        client,
        "/api/v1/groupings",
        {
            "class_id": world.class_a.pk,
            "objective_id": curriculum.objective.pk,
            "groups": [{"label": "All", "learner_ids": [world.learner.pk, world.sibling.pk]}],
            "constraints": {"keep_apart": [[world.learner.pk, world.sibling.pk]]},
        },
    )
    assert saved.status_code == 400
    assert saved.json()["detail"] == services.KEEP_APART_BROKEN.format(
        a=world.learner, b=world.sibling, group="All"
    )
    assert Grouping.objects.count() == 0


def test_plan_stations_before_and_live(world, curriculum):
    client = client_for(world.teacher)
    grouping = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[
            services.GroupDraft("A", [world.learner.pk]),
            services.GroupDraft("B", [world.sibling.pk]),
        ],
        created_by=world.teacher,
    )
    a, b = grouping.groups.all()
    check = assessment_create(
        school_class=world.class_a,
        title="Exit ticket",
        purpose="for",
        created_by=world.teacher,
        items=[curriculum.objective_item],
        assign_class=False,
    )
    plan = _post(
        client,
        "/api/v1/group-plans",
        {
            "grouping_id": grouping.pk,
            "entries": [
                {
                    "group_id": a.pk,
                    "process": "Guided",
                    "affect": "Sentence starters",
                    "for_assessment_id": check.pk,
                },
                {"group_id": b.pk, "process": "Project"},
            ],
        },
    )
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    assert [e["for_assessment_id"] for e in plan.json()["entries"]] == [check.pk, None]
    stations = _post(
        client,
        f"/api/v1/group-plans/{plan_id}/stations",
        {"stations": ["T", "P"], "minutes_per_station": 15},
        "put",
    )
    assert stations.json()["slots"] == [
        {"start_minute": 0, "end_minute": 15, "station_of_group": {"A": "T", "B": "P"}},
        {"start_minute": 15, "end_minute": 30, "station_of_group": {"A": "P", "B": "T"}},
    ]
    too_few = _post(
        client,
        f"/api/v1/group-plans/{plan_id}/stations",
        {"stations": ["T"], "minutes_per_station": 15},
        "put",
    )
    assert too_few.status_code == 400
    assert too_few.json()["detail"] == services.TOO_FEW_STATIONS.format(groups=2, stations=1)

    for _ in range(3):
        answer(world.learner, curriculum.objective_item, False)
    before = client.get(
        f"/api/v1/groupings/classes/{world.class_a.pk}/before-lesson?objective_id={curriculum.objective.pk}"
    ).json()
    # Three wrong answers on the objective: likely to struggle. The sibling
    # has no answers at all: not yet assessed, never guessed at.
    assert [r["learner_id"] for r in before["likely_to_struggle"]] == [world.learner.pk]
    assert before["likely_to_struggle"][0]["evidence"].startswith(f"{world.learner}: 3 answers on")
    assert [r["learner_id"] for r in before["not_assessed"]] == [world.sibling.pk]
    assert before["not_assessed"][0]["evidence"] == f"{world.sibling}: no answers yet"
    live = client.get(f"/api/v1/groupings/classes/{world.class_a.pk}/live").json()
    assert [(f["learner_id"], f["kind"]) for f in live["flags"]] == [
        (world.learner.pk, "stuck_errors")
    ]
    handled = _post(
        client,
        f"/api/v1/groupings/classes/{world.class_a.pk}/live/handled",
        {
            "learner_id": world.learner.pk,
            "kind": "stuck_errors",
            "note": "Worked an example together",
        },
    )
    assert handled.status_code == 201
    after = client.get(f"/api/v1/groupings/classes/{world.class_a.pk}/live").json()
    assert after["flags"] == []
    # What the teacher did is logged and listed, as on the page.
    assert [(h["learner_id"], h["kind"], h["note"], h["handled_by"]) for h in after["handled"]] == [
        (world.learner.pk, "stuck_errors", "Worked an example together", str(world.teacher))
    ]
    bad = client.get(f"/api/v1/groupings/classes/{world.class_a.pk}/live?idle_minutes=0")
    assert bad.status_code == 400 and "idle_minutes" in bad.json()["detail"]


def test_list_endpoints_have_fixed_query_counts(world, curriculum, django_assert_num_queries):
    client = client_for(world.admin)
    client.get("/api/v1/me")
    for n in range(4):
        grouping = services.grouping_save(
            school_class=world.class_a,
            objective=curriculum.objective,
            kind="readiness",
            groups=[
                services.GroupDraft("A", [world.learner.pk]),
                services.GroupDraft("B", [world.sibling.pk]),
            ],
            created_by=world.teacher,
        )
        services.group_plan_save(
            grouping=grouping,
            created_by=world.teacher,
            entries=[
                services.EntryDraft(group_id=g.pk, process=f"p{n}") for g in grouping.groups.all()
            ],
        )
    # 4 are the session, the user, the class and the access rule's roles;
    # then the groupings, their groups and their memberships (prefetched),
    # or the plans, their entries and the entries' resources: three queries
    # for four groupings as for one.
    with django_assert_num_queries(7):
        groupings = client.get(f"/api/v1/groupings?class_id={world.class_a.pk}")
    with django_assert_num_queries(7):
        plans = client.get(f"/api/v1/group-plans?class_id={world.class_a.pk}")
    assert len(groupings.json()) == 4 and len(plans.json()) == 4
    # The page: the groupings' seven and the nav's individual-plan count.
    with django_assert_num_queries(8):
        page = client.get(f"/differentiate/classes/{world.class_a.pk}/history/")
    assert page.status_code == 200


def test_rename_through_the_api_keeps_the_group_and_its_plan(world, curriculum):
    client = client_for(world.teacher)
    saved = _post(
        client,
        "/api/v1/groupings",
        {
            "class_id": world.class_a.pk,
            "objective_id": curriculum.objective.pk,
            "kind": "readiness",
            "groups": [
                {"label": "A", "learner_ids": [world.learner.pk]},
                {"label": "B", "learner_ids": [world.sibling.pk], "explanation": "My words"},
            ],
        },
    ).json()
    a, b = saved["groups"]
    # A blank explanation is the engine's; a written one is kept.
    assert a["explanation"].startswith("A: ") and "1 learner" in a["explanation"]
    assert b["explanation"] == "My words"
    plan = _post(
        client,
        "/api/v1/group-plans",
        {"grouping_id": saved["id"], "entries": [{"group_id": a["id"], "process": "Reteach"}]},
    )
    assert plan.status_code == 201
    renamed = _post(
        client, f"/api/v1/groupings/{saved['id']}/moves", {"names": {str(a["id"]): "Crew"}}
    )
    assert renamed.status_code == 201, renamed.content
    crew, same_b = renamed.json()["groups"]
    assert (crew["label"], crew["key"]) == ("Crew", a["key"])
    assert same_b["key"] == b["key"] and same_b["explanation"] == "My words"
    assert all(m["moved_from"] == "" for g in renamed.json()["groups"] for m in g["members"])
    new_plan = client.get(f"/api/v1/group-plans/{renamed.json()['plan_id']}").json()
    assert [(e["group_label"], e["process"]) for e in new_plan["entries"]] == [("Crew", "Reteach")]
    nothing = _post(client, f"/api/v1/groupings/{renamed.json()['id']}/moves", {})
    assert nothing.status_code == 400 and nothing.json()["detail"] == services.NO_MOVES
