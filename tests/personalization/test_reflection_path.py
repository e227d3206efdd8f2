from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.personalization.conftest import api, make_framework, make_resource, post, scored_work
from trellis.evidence.models import MasteryRecord, RubricScore
from trellis.evidence.services import rubric_score_record
from trellis.personalization import charts, selectors
from trellis.personalization.models import PathChoice, Reflection
from trellis.personalization.services import profile as profile_svc
from trellis.personalization.services import reflection as svc

pytestmark = pytest.mark.django_db

WORDS = {"went_well": "Neat model", "to_change": "Explain more", "next_step": "Add labels"}


def test_self_rating_goes_through_evidence_and_the_gap_is_shown_to_both(world, other_world, comps):
    response = scored_work(world, comps[0], teacher_points=(1, 1))
    r = post(
        api(world.learner),
        "/reflections",
        {"response_id": response.pk, "points": [2, 2], "idempotency_key": "s1", **WORDS},
    )
    assert r.status_code == 201, r.content
    assert RubricScore.objects.filter(response=response, kind="self").count() == 1
    # a second rating corrects the first (append-only evidence)
    post(
        api(world.learner),
        "/reflections",
        {"response_id": response.pk, "points": [1, 2], "idempotency_key": "s2", **WORDS},
    )
    newest = RubricScore.objects.filter(kind="self").latest("pk")
    assert newest.corrects_id is not None
    for who in (world.learner, world.teacher, world.guardian):
        [point] = api(who).get(f"/api/v1/reflections/{world.learner.pk}").json()
        assert (
            point["self_fraction"] == 0.75
            and point["teacher_fraction"] == 0.5
            and point["gap"] == 0.25
        )
        assert point["next_step"] == "Add labels"
    page = api(world.teacher).get(f"/learners/{world.learner.pk}/reflections/")
    assert b'role="img"' in page.content and b"latest gap +25 percentage points" in page.content
    for who in (world.sibling, world.teacher_b, other_world.teacher, world.stranger):
        assert api(who).get(f"/api/v1/reflections/{world.learner.pk}").status_code == 404
        assert api(who).get(f"/learners/{world.learner.pk}/reflections/").status_code == 404


def test_only_the_learner_reflects_and_only_on_scored_work(world, comps):
    response = scored_work(world, comps[0])
    r = post(
        api(world.teacher),
        "/reflections",
        {"response_id": response.pk, "points": [2, 2], "idempotency_key": "x", **WORDS},
    )
    assert r.status_code == 403 and r.json()["detail"] == svc.OWN_WORK_ONLY
    assert api(world.teacher).get(f"/responses/{response.pk}/reflect/").status_code == 403
    assert (
        post(
            api(world.sibling),
            "/reflections",
            {"response_id": response.pk, "points": [2, 2], "idempotency_key": "x", **WORDS},
        ).status_code
        == 404
    )
    unscored = scored_work(world, comps[1])
    with pytest.raises(PermissionDenied):
        svc.reflection_record(
            learner=world.sibling, response=unscored, points=[1, 1], idempotency_key="z", **WORDS
        )
    with pytest.raises(ValidationError, match="what went well"):
        svc.reflection_record(
            learner=world.learner,
            response=unscored,
            points=[1, 1],
            idempotency_key="z",
            **{**WORDS, "went_well": " "},
        )
    assert not Reflection.objects.exists()


def test_reflection_waits_for_the_teachers_score(world, comps):
    from trellis.curriculum.models import Item
    from trellis.evidence.models import Response

    item = Item.objects.create(
        school=world.school,
        kind="rubric",
        prompt="Essay",
        rubric=[{"name": "A", "levels": ["x", "y"]}],
    )
    response = Response.objects.create(
        school=world.school, learner=world.learner, item=item, idempotency_key="e"
    )
    with pytest.raises(ValidationError, match="not scored"):
        svc.reflection_record(
            learner=world.learner, response=response, points=[1], idempotency_key="q", **WORDS
        )


def test_gap_svg_escapes_task_text(world, comps):
    response = scored_work(world, comps[0])
    response.item.prompt = "<script>x</script>"
    response.item.save()
    rubric_score_record(
        response=response,
        recorded_by=world.learner,
        kind="self",
        points=[2, 2],
        idempotency_key="s",
    )
    svg = charts.gap_svg(selectors.self_teacher_gap(world.learner))
    assert "<script>" not in svg and "&lt;script&gt;" in svg


def test_recommendations_explain_and_choices_are_recorded(world, other_world, comps):
    profile_svc.profile_update(
        learner=world.learner, interests="I love space and planets", take_in=["video"]
    )
    space = make_resource(
        world,
        comps[0],
        title="Planets by ratio",
        description="space ratios",
        interest_tags=["space"],
        readiness_level=1,
    )
    make_resource(
        world,
        comps[0],
        title="Cooking ratios",
        format="reading",
        url="",
        interest_tags=["food"],
        readiness_level=5,
    )
    foreign = make_resource(other_world, make_framework(other_world.school)[1][0])
    ranked = svc.recommendations_for(world.learner)
    assert (
        ranked[0][0] == space
        and "space" in ranked[0][1].reason
        and "video, as you prefer" in ranked[0][1].reason
    )
    assert foreign not in [res for res, _ in ranked]
    page = api(world.learner).get("/path/")
    assert b"Planets by ratio" in page.content and b"ready to learn" in page.content
    r = api(world.learner).post("/path/", {"competency": comps[0].pk, "resource": space.pk})
    assert r.status_code == 302
    assert PathChoice.objects.get().chosen_by == "learner"
    with pytest.raises(ValidationError):
        svc.path_choose(
            learner=world.learner,
            competency=comps[0],
            resource=foreign,
            chosen_by_user=world.learner,
        )


def test_ready_to_learn_follows_prerequisites(world, comps):
    ready = {m.competency.pk for m in svc.ready_competencies(world.learner)}
    assert comps[0].pk in ready and comps[1].pk not in ready
    MasteryRecord.objects.create(
        learner=world.learner, competency=comps[0], probability=0.97, level="mastered"
    )
    ready = {m.competency.pk for m in svc.ready_competencies(world.learner)}
    assert comps[0].pk not in ready and comps[1].pk in ready


def test_path_api_for_learner_and_teacher_and_privacy(world, other_world, comps):
    res = make_resource(world, comps[0], title="Planets by ratio", interest_tags=["space"])
    body = api(world.learner).get(f"/api/v1/profiles/{world.learner.pk}/path").json()
    assert {r["competency_id"] for r in body["ready"]} == {comps[0].pk, comps[2].pk}
    assert (
        body["recommendations"][0]["resource_id"] == res.pk and body["recommendations"][0]["reason"]
    )
    english = body["recommendations"][0]["reason"]
    spanish = (
        api(world.learner)
        .get(f"/api/v1/profiles/{world.learner.pk}/path", HTTP_ACCEPT_LANGUAGE="es")
        .json()["recommendations"][0]["reason"]
    )
    assert english.startswith("May be") and spanish != english  # in the request's language
    choose = {"competency_id": comps[0].pk, "resource_id": res.pk}
    assert (
        post(api(world.learner), f"/profiles/{world.learner.pk}/path", choose).json()["chosen_by"]
        == "learner"
    )
    assert (
        post(api(world.teacher), f"/profiles/{world.learner.pk}/path", choose).json()["chosen_by"]
        == "teacher"
    )
    assert (
        post(api(world.guardian), f"/profiles/{world.learner.pk}/path", choose).status_code == 403
    )
    for who in (world.sibling, world.teacher_b, other_world.teacher, world.stranger):
        assert api(who).get(f"/api/v1/profiles/{world.learner.pk}/path").status_code == 404
        assert post(api(who), f"/profiles/{world.learner.pk}/path", choose).status_code == 404
    assert sorted(PathChoice.objects.values_list("chosen_by", flat=True)) == ["learner", "teacher"]


def test_mastered_competencies_are_offered_only_as_review(world, comps):
    mastered = make_resource(world, comps[0], title="Ratio tables again", readiness_level=5)
    new = make_resource(world, comps[1], title="Unit rates", readiness_level=1)
    MasteryRecord.objects.create(
        learner=world.learner, competency=comps[0], probability=0.99, level="mastered", attempts=6
    )
    ranked = [res for res, _ in svc.recommendations_for(world.learner)]
    assert ranked == [new]
    ((res, rec),) = svc.recommendations_for(world.learner, review=True)
    assert res == mastered and f"or review: you have mastered {comps[0].label} (99 %)" in (
        rec.reason
    )
    html = api(world.learner).get("/path/").content.decode()
    main, review = html.split('id="review-h"')
    assert "Unit rates" in main and "Ratio tables again" not in main
    assert "they are offered only as review" in main
    assert "Ratio tables again" in review and "at your level" not in review
    body = api(world.learner).get(f"/api/v1/profiles/{world.learner.pk}/path").json()
    assert [r["resource_id"] for r in body["recommendations"]] == [new.pk]
    assert [r["resource_id"] for r in body["review"]] == [mastered.pk]
