"""Adaptive practice (near 70 % expected success, fresh items first, stops at
mastery), fitting on the school's own data (``trellis fit-mastery``), the
demo's simulated month, draw rules and time on item."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from trellis.cli import main as trellis_main
from trellis.curriculum.models import item as kinds
from trellis.evidence import mastery, services
from trellis.evidence.forms import elapsed_ms, shown_token
from trellis.evidence.models import Assessment, MasteryModel, MasteryRecord, Response
from trellis.evidence.models.assessment import AS_LEARNING, FOR_LEARNING, OF_LEARNING
from trellis.evidence.models.response import SOURCE_PRACTICE, SOURCE_SIMULATED
from trellis.evidence.practice import TARGET_SUCCESS, next_practice_item

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="(item_id|token|shown)" value="([^"]*)"', html))


def _with_item_ease(setup, ease: dict[str, float]) -> mastery.SchoolModel:
    """The school's model: default parameters plus these item eases."""
    model = mastery.SchoolModel(engine=mastery.default_engine(), item_ease=ease)
    MasteryModel.objects.create(
        school=setup.world.school, name=mastery.MODEL_NAME, params=model.params()
    )
    mastery.forget_cached_model(setup.world.school.pk)
    return mastery.model_for_school(setup.world.school.pk)


def test_practice_keeps_expected_success_near_the_target(setup):
    items = setup.items
    model = _with_item_ease(
        setup,
        {str(items[kinds.CHOICE].pk): 2.0, str(items[kinds.NUMERIC].pk): -0.2,
         str(items[kinds.TEXT].pk): -2.0},
    )  # fmt: skip
    learner, skill = setup.world.learner, str(setup.competency.pk)
    chances = {
        kind: mastery.expected_success(model, {}, skill, items[kind].pk)
        for kind in (kinds.CHOICE, kinds.NUMERIC, kinds.TEXT)
    }
    assert chances[kinds.CHOICE] > 0.75 and chances[kinds.TEXT] < 0.1
    by_closeness = sorted(chances, key=lambda k: abs(chances[k] - TARGET_SUCCESS))
    seen: set[int] = set()
    order = []
    for _ in range(3):
        item = next_practice_item(learner, setup.competency, seen)
        order.append(item.kind)
        seen.add(item.pk)
    # Closest to 70 % first, and no repeat while a fresh item remains; the
    # rubric task is never offered (it needs a teacher's score).
    assert order == by_closeness
    assert next_practice_item(learner, setup.competency, seen).pk in seen  # all seen: repeats


def test_practice_stops_at_mastery(setup):
    client = _client(setup.world.learner)
    url = f"/practice/{setup.competency.pk}/"
    answers = {"choice": "1", "numeric": "2.5", "text": "numerator"}
    answered = 0
    for _ in range(10):
        page = client.get(url).content.decode()
        if "practice on this competency stops here" in page:
            break
        fields = _form(page)
        item = setup.items[
            next(k for k, i in setup.items.items() if str(i.pk) == fields["item_id"])
        ]
        assert client.post(url, {**fields, "answer": answers[item.kind]}).status_code == 302
        answered += 1
    else:
        pytest.fail("practice did not stop at mastery")
    record = MasteryRecord.objects.get(learner=setup.world.learner, competency=setup.competency)
    assert record.level == "mastered" and record.attempts == answered == 3  # default parameters
    assert next_practice_item(setup.world.learner, setup.competency, set()) is None
    assert "Mastered" in page and 'name="answer"' not in page


def _simulated(setup, n_responses: int, prefix: str) -> None:
    """Responses as a bulk import leaves them (no live update): two learners
    who get better as the month goes on."""
    learners = [setup.world.learner, setup.world.sibling]
    items = [setup.items[k] for k in (kinds.CHOICE, kinds.NUMERIC, kinds.TEXT)]
    Response.objects.bulk_create(
        [
            Response(
                school=setup.world.school, learner=learners[n % 2], item=items[n % 3],
                source=SOURCE_SIMULATED, correct=(n % 7) < 2 + 4 * (n > n_responses // 3),
                score=0, idempotency_key=f"{prefix}-{n}", recorded_by=learners[n % 2],
            )
            for n in range(n_responses)
        ]
    )  # fmt: skip


def test_fit_mastery_command_uses_defaults_then_fits(setup):
    _simulated(setup, 20, "early")
    out = io.StringIO()
    call_command("fit_mastery", school=setup.world.school.code, stdout=out)
    assert "20 responses, 2 learners, default parameters (too little evidence)" in out.getvalue()
    assert MasteryModel.objects.get().params["engine"]["default"] == mastery.DEFAULT_PARAMS
    _simulated(setup, 400, "later")
    out = io.StringIO()
    call_command("fit_mastery", school=setup.world.school.code, stdout=out)
    assert "420 responses, 2 learners, fitted bkt (fewer than 10" in out.getvalue()
    latest = MasteryModel.objects.order_by("-pk").first()
    assert latest.params["engine"]["default"] != mastery.DEFAULT_PARAMS
    assert mastery.model_for_school(setup.world.school.pk).row_id == latest.pk
    # Every learner's record is rebuilt from the evidence with the new fit.
    record = MasteryRecord.objects.get(learner=setup.world.learner, competency=setup.competency)
    assert record.attempts == 210
    with pytest.raises(CommandError, match="No school with code 'nowhere'"):
        call_command("fit_mastery", school="nowhere")


def test_fit_mastery_is_a_trellis_command(setup, capsys):
    trellis_main(["fit-mastery", "--school", setup.world.school.code])
    assert f"{setup.world.school.code}: 0 responses" in capsys.readouterr().out


def test_demo_learners_have_mastery_from_their_simulated_month(world):
    from trellis.curriculum.demo import load_demo_curriculum
    from trellis.evidence.demo import RESPONSES_PER_LEARNER, load_demo_activity

    framework = load_demo_curriculum(school=world.school)
    load_demo_activity(
        school=world.school, framework=framework, classes=[world.class_a, world.class_b]
    )
    learners = [world.learner, world.sibling, world.other_learner]
    model = MasteryModel.objects.get(school=world.school)
    assert model.n_responses >= mastery.MIN_RESPONSES_TO_FIT  # fitted, not defaults
    for learner in learners:
        simulated = Response.objects.filter(learner=learner, source=SOURCE_SIMULATED)
        assert simulated.count() > RESPONSES_PER_LEARNER // 2
        records = MasteryRecord.objects.filter(learner=learner)
        assert records.count() >= 3
        assert sum(rec.attempts for rec in records) >= simulated.count()
        assert {rec.level for rec in records} - {"not_started"}
    # The stored records are what a replay of the evidence gives.
    record = MasteryRecord.objects.filter(learner=world.learner).order_by("-attempts").first()
    before = (record.probability, record.attempts, record.correct)
    services.mastery_recompute(
        learner_id=world.learner.pk, competency_ids=[record.competency_id],
        school_id=world.school.pk,
    )  # fmt: skip
    record.refresh_from_db()
    assert record.probability == pytest.approx(before[0]) and before[1:] == (
        record.attempts,
        record.correct,
    )
    purposes = set(
        Assessment.objects.filter(school_class=world.class_a).values_list("purpose", flat=True)
    )
    assert purposes == {AS_LEARNING, FOR_LEARNING, OF_LEARNING}


def test_draw_rule_draws_once_per_learner(setup):
    from tests.curriculum.factories import leaf, make_items

    other = leaf(setup.framework, "A.2")
    make_items(setup.world.school, other)
    drawn = services.assessment_create(
        school_class=setup.world.class_a, title="Drawn", purpose=OF_LEARNING,
        created_by=setup.world.teacher, draw_count=3, draw_competencies=[setup.competency, other],
    )  # fmt: skip
    first = services.attempt_start(assessment=drawn, learner=setup.world.learner)
    assert len(first.item_ids) == 3 == len(set(first.item_ids))
    pool = set(
        Response._meta.get_field("item")
        .related_model.objects.filter(competencies__in=[setup.competency, other])
        .values_list("pk", flat=True)
    )
    assert set(first.item_ids) <= pool
    # Leaving and coming back gives the same questions.
    again = services.attempt_start(assessment=drawn, learner=setup.world.learner)
    assert again.pk == first.pk and again.item_ids == first.item_ids


def test_time_on_item_is_measured_on_the_server(setup, monkeypatch):
    import time as time_module

    item_id = setup.items[kinds.CHOICE].pk
    token = shown_token(item_id)
    real = time_module.time()
    monkeypatch.setattr("trellis.evidence.forms.time.time", lambda: real + 42.5)
    assert 42_000 <= elapsed_ms(token, item_id) <= 43_500
    assert elapsed_ms(token, item_id + 1) == 0  # a token for another item
    assert elapsed_ms(token[:-2] + "xx", item_id) == 0  # tampered
    # Recorded with the response, capped at an hour.
    result = services.response_record(
        learner=setup.world.learner, item=setup.items[kinds.CHOICE], answer="1",
        idempotency_key="t", source=SOURCE_PRACTICE, time_on_item_ms=5 * 3600 * 1000,
    )  # fmt: skip
    assert result.response.time_on_item_ms == 3600 * 1000
