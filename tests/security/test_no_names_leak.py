"""Finding 1: an id that names no record and an id of a record that is not
the teacher's to use get the same answer, which names neither: otherwise ids
can be walked to learn the names of people and records in other schools."""

from __future__ import annotations

import json

import pytest

from tests.differentiation.conftest import client_for, make_curriculum
from trellis.curriculum.models import Resource
from trellis.differentiation import services
from trellis.evidence.services import assessment_create
from trellis.people.models import User

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _unused_id() -> int:
    return (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def _grouping_body(world, objective, extra_id):
    return {
        "class_id": world.class_a.pk,
        "objective_id": objective.pk,
        "kind": "readiness",
        "groups": [{"label": "A", "learner_ids": [world.learner.pk, world.sibling.pk, extra_id]}],
    }


def test_a_foreign_learner_in_a_grouping_is_not_named(world, other_world):
    curriculum = make_curriculum(world.school, "s1-")
    client = client_for(world.teacher)
    foreign = other_world.learner
    foreign.first_name, foreign.last_name = "Lb1", "Bee"
    foreign.save()
    answers = {}
    for label, pk in (("foreign", foreign.pk), ("missing", _unused_id())):
        r = _post(client, "/api/v1/groupings", _grouping_body(world, curriculum.objective, pk))
        assert r.status_code == 400
        answers[label] = r.json()["detail"].replace(str(pk), "<id>")
    assert answers["foreign"] == answers["missing"]
    assert "Bee" not in answers["foreign"] and foreign.username not in answers["foreign"]


def test_a_foreign_learner_in_moves_is_not_named(world, other_world):
    curriculum = make_curriculum(world.school, "s1-")
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
    client = client_for(world.teacher)
    answers = {}
    for label, pk in (("foreign", other_world.learner.pk), ("missing", _unused_id())):
        r = _post(client, f"/api/v1/groupings/{grouping.pk}/moves", {"moves": {str(pk): "B"}})
        assert r.status_code == 400
        answers[label] = r.json()["detail"].replace(str(pk), "<id>")
    assert answers["foreign"] == answers["missing"]
    assert str(other_world.learner) not in answers["foreign"]


def test_another_schools_resource_and_another_classs_assessment_are_not_named(world, other_world):
    curriculum = make_curriculum(world.school, "s1-")
    grouping = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[services.GroupDraft("A", [world.learner.pk, world.sibling.pk])],
        created_by=world.teacher,
    )
    group = grouping.groups.get()
    foreign = Resource.objects.create(
        school=other_world.school, title="Secret Plans", format="reading"
    )
    other_class_check = assessment_create(
        school_class=world.class_b,
        title="Private Quiz",
        purpose="for",
        created_by=world.teacher_b,
        items=[curriculum.objective_item],
        assign_class=False,
    )
    client = client_for(world.teacher)
    missing = _unused_id()

    def detail(entry, pk):
        body = {"grouping_id": grouping.pk, "entries": [{"group_id": group.pk, **entry}]}
        r = _post(client, "/api/v1/group-plans", body)
        assert r.status_code == 400, r.content
        return r.json()["detail"].replace(str(pk), "<id>")

    assert detail({"resource_ids": [foreign.pk]}, foreign.pk) == detail(
        {"resource_ids": [missing]}, missing
    )
    assert "Secret Plans" not in detail({"resource_ids": [foreign.pk]}, foreign.pk)
    on_other = detail({"for_assessment_id": other_class_check.pk}, other_class_check.pk)
    assert on_other == detail({"for_assessment_id": missing}, missing)
    assert "Private Quiz" not in on_other


def test_no_error_message_constant_formats_a_name_of_a_foreign_record():
    """The messages that answer a foreign id take the id, not the record."""
    from trellis.curriculum import services as curriculum_services
    from trellis.evidence.services import assessments
    from trellis.individualization import constants
    from trellis.individualization.services import pacing

    for message in (
        services.LEARNER_NOT_IN_CLASS,
        services.MOVE_UNKNOWN_LEARNER,
        services.OBJECTIVE_OTHER_SCHOOL,
        services.RESOURCE_UNKNOWN,
        services.ASSESSMENT_UNKNOWN,
        pacing.SEQUENCE_OTHER_CLASS,
        pacing.NOT_ENROLLED,
        pacing.COMPETENCY_ELSEWHERE,
        constants.LEARNER_NOT_IN_SCHOOL_CLASS,
        constants.COMPETENCY_ELSEWHERE,
        curriculum_services.COMPETENCY_ELSEWHERE,
        assessments.ITEM_OTHER_SCHOOL,
        assessments.LEARNER_NOT_IN_CLASS,
    ):
        assert "belongs to another" not in message
        for field in ("{learner}", "{title}", "{code}", "{objective}", "{name}"):
            assert field not in message
