"""Each school uses the model that predicts it best: ``fit-mastery`` fits the
candidates on the school's own evidence, scores them on held-out learners,
keeps the best, and live updates use it (tests on simulated schools where
the better model is known)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from tests.evidence.simschool import load_log
from tests.factories import SchoolFactory
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.engine import evaluate
from trellis.engine.bkt import BKT, generate_bkt
from trellis.engine.models import MODELS
from trellis.engine.simulate import simulate
from trellis.evidence import mastery, services
from trellis.evidence.models import LearnerModelState, MasteryModel, MasteryRecord, Response
from trellis.evidence.services.mastery import effective_outcomes, observations_of

pytestmark = pytest.mark.django_db

#: The engine's first model whose state spans a learner's skills (counts,
#: ability, item terms): history-logit, or whatever the engine registers
#: in its place.
HISTORY = next(n for n in mastery.candidate_names() if not issubclass(MODELS[n], BKT))
#: BKT against it: each wins on one of the schools below. (Every engine
#: model is a candidate by default; see test_every_engine_candidate_is_tried.)
PAIR = ["bkt", HISTORY]


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    mastery._cache.clear()
    yield
    mastery._cache.clear()


@pytest.fixture
def ability_school():
    """A school whose learners differ in a general ability that shows on
    every competency, and whose items differ in difficulty (the simulator
    with a strong IRT effect): what BKT, one competency at a time, cannot
    see and the history model's ability and item terms can."""
    school = SchoolFactory()
    load_log(school, simulate(60, 6, 50, seed=2, irt_scale=1.5).log)
    return school


@pytest.fixture
def bkt_school():
    """A school whose answers come from BKT itself (learn once, then answer
    right but for slips): BKT is the true model."""
    school = SchoolFactory()
    load_log(school, generate_bkt(40, 4, 15, seed=1))
    return school


def _out(**opts) -> str:
    out = io.StringIO()
    call_command("fit_mastery", stdout=out, **opts)
    return out.getvalue()


def test_selection_picks_the_history_model_where_ability_matters(ability_school):
    out = _out(school=ability_school.code, candidates=",".join(PAIR))
    row = MasteryModel.objects.get(school=ability_school)
    scores = {c["name"]: c for c in row.selection["candidates"]}
    assert row.name == row.selection["chosen"] == HISTORY
    assert scores[HISTORY]["log_loss"] < scores["bkt"]["log_loss"] - 0.01
    assert scores[HISTORY]["auc"] > scores["bkt"]["auc"] + 0.02
    assert f"{row.n_responses} responses, 60 learners, chose {HISTORY}" in out
    # The model in use is the chosen one, refitted on all the evidence.
    live = mastery.model_for_school(ability_school.pk)
    assert live.name == HISTORY and live.per_learner and live.row_id == row.pk


def test_selection_keeps_bkt_where_answers_follow_bkt(bkt_school):
    _out(school=bkt_school.code, candidates=",".join(PAIR))
    row = MasteryModel.objects.get(school=bkt_school)
    scores = {c["name"]: c for c in row.selection["candidates"]}
    assert row.name == "bkt"
    assert scores["bkt"]["log_loss"] < scores[HISTORY]["log_loss"]
    assert mastery.model_for_school(bkt_school.pk).name == "bkt"
    assert not LearnerModelState.objects.exists()  # BKT keeps state per record


def test_stored_scores_are_the_held_out_scores(ability_school):
    """The stored AUC and log loss are what the candidate, fitted on the
    training learners, scores on the held-out ones; the calibration table
    bins those same predictions."""
    services.mastery_fit_school(school=ability_school, candidates=PAIR)
    row = MasteryModel.objects.get(school=ability_school)
    log = mastery.response_log(
        observations_of(effective_outcomes(Response.objects.filter(school=ability_school)))
    )
    train, test = evaluate.split_by_learner(log, mastery.HOLDOUT_SHARE, mastery.HOLDOUT_SEED)
    p = mastery.make_candidate(HISTORY).fit(train).predict_proba(test)
    y = test.correct.astype(float)
    chosen = next(c for c in row.selection["candidates"] if c["name"] == HISTORY)
    assert chosen["auc"] == round(evaluate.auc(y, p), 4)
    expected_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert chosen["log_loss"] == pytest.approx(expected_loss, abs=1e-4)
    bins = row.selection["calibration"]
    assert sum(b["n"] for b in bins) == len(test) == row.selection["n_test_rows"]
    top = [b for b in bins if b["low"] == 0.9]
    assert top and top[0]["n"] == int((p >= 0.9).sum())
    assert top[0]["observed"] == round(float(y[p >= 0.9].mean()), 4)
    assert row.n_learners == 60 and row.selection["n_answers"] == row.n_responses


def test_live_update_with_the_chosen_model_matches_a_replay(ability_school):
    """An answer after the fit updates the per-learner state once and the
    records from it — the same numbers as replaying the learner's evidence."""
    services.mastery_fit_school(school=ability_school, candidates=PAIR)
    learner = LearnerModelState.objects.order_by("learner_id").first().learner
    record = MasteryRecord.objects.filter(learner=learner).order_by("competency_id").first()
    item = record.competency.items.first()
    result = services.response_record(
        learner=learner, item=item, answer="1", idempotency_key="after-fit"
    )
    live = result.estimates[record.competency_id]
    record.refresh_from_db()
    assert record.attempts == live.attempts and record.correct >= 1
    state = LearnerModelState.objects.get(learner=learner).state
    assert state["model"] == MasteryModel.objects.get(school=ability_school).pk
    # Every record of the learner, rebuilt from the evidence, agrees.
    before = {
        r.competency_id: (r.probability, r.attempts, r.correct)
        for r in MasteryRecord.objects.filter(learner=learner)
    }
    services.mastery_recompute(
        learner_id=learner.pk, competency_ids=[record.competency_id], school_id=ability_school.pk
    )
    after = {
        r.competency_id: (r.probability, r.attempts, r.correct)
        for r in MasteryRecord.objects.filter(learner=learner)
    }
    assert after.keys() == before.keys()
    for cid, (p, n, c) in before.items():
        assert after[cid][1:] == (n, c)
        assert after[cid][0] == pytest.approx(p, abs=1e-12)
    assert live.probability == pytest.approx(after[record.competency_id][0], abs=1e-12)


def test_a_state_from_another_fit_is_rebuilt(ability_school):
    services.mastery_fit_school(school=ability_school, candidates=PAIR)
    state = LearnerModelState.objects.order_by("learner_id").first()
    state.state = {**state.state, "model": -1}  # as a previous fit left it
    state.save()
    learner = state.learner
    record = MasteryRecord.objects.filter(learner=learner).order_by("competency_id").first()
    result = services.response_record(
        learner=learner, item=record.competency.items.first(), answer="0", idempotency_key="x"
    )
    state.refresh_from_db()
    assert state.state["model"] == MasteryModel.objects.get(school=ability_school).pk
    record.refresh_from_db()
    assert result.estimates[record.competency_id].attempts == record.attempts


def test_too_few_learners_fit_bkt_and_too_little_evidence_keeps_defaults(bkt_school):
    few = SchoolFactory()
    load_log(few, generate_bkt(mastery.MIN_LEARNERS_TO_SELECT - 1, 4, 15, seed=3), prefix="few")
    out = _out(school=few.code)
    row = MasteryModel.objects.get(school=few)
    assert row.name == "bkt" and row.selection["candidates"] == []
    assert "fitted bkt (fewer than 10 learners" in out
    tiny = SchoolFactory()
    load_log(tiny, generate_bkt(12, 1, 5, seed=4), prefix="tiny")  # 60 answers
    _out(school=tiny.code)
    row = MasteryModel.objects.get(school=tiny)
    assert row.name == "bkt" and row.selection == {}
    assert row.params["engine"]["default"] == mastery.DEFAULT_PARAMS


def test_unknown_candidate_is_named(bkt_school):
    with pytest.raises(CommandError, match="unknown mastery model 'irt'; expected some of bkt"):
        _out(school=bkt_school.code, candidates="bkt,irt")


def test_every_engine_candidate_is_tried():
    from trellis.engine.models import CANDIDATES

    assert mastery.candidate_names() == list(CANDIDATES)
    assert all(name in MODELS for name in CANDIDATES)


def test_an_answer_on_two_competencies_is_one_update(ability_school):
    """Live, with the per-learner model: an item with two competencies is
    one answer — one more attempt on each, and the same estimates as the
    replay, which feeds the answer once with both."""
    services.mastery_fit_school(school=ability_school, candidates=PAIR)
    learner = LearnerModelState.objects.order_by("learner_id").first().learner
    first, second = MasteryRecord.objects.filter(learner=learner).order_by("competency_id")[:2]
    item = Item.objects.create(
        school=ability_school, kind=kinds.NUMERIC, prompt="Both", numeric_answer=1
    )
    item.competencies.add(first.competency, second.competency)
    before = {r.competency_id: r.attempts for r in (first, second)}
    result = services.response_record(
        learner=learner, item=item, answer="0", idempotency_key="two-competencies"
    )
    assert {cid: e.attempts - before[cid] for cid, e in result.estimates.items()} == {
        first.competency_id: 1,
        second.competency_id: 1,
    }
    live = {r.competency_id: r.probability for r in MasteryRecord.objects.filter(learner=learner)}
    services.mastery_recompute(
        learner_id=learner.pk, competency_ids=[first.competency_id], school_id=ability_school.pk
    )
    replayed = MasteryRecord.objects.filter(learner=learner)
    assert {r.competency_id: r.probability for r in replayed} == pytest.approx(live, abs=1e-12)
