"""One answer is one row: an item with two competencies contributes one
answer to the school's fit (and to the held-out scores), not one per
competency, and its outcome reaches both competencies once."""

from __future__ import annotations

import pytest

from tests.evidence.simschool import load_log
from tests.factories import SchoolFactory
from trellis.curriculum.models import Item
from trellis.engine.bkt import generate_bkt
from trellis.evidence import mastery, services
from trellis.evidence.models import MasteryModel, MasteryRecord, Response
from trellis.evidence.services.mastery import effective_outcomes, observations_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    mastery._cache.clear()
    yield
    mastery._cache.clear()


@pytest.fixture
def school():
    """A BKT-simulated school (12 learners, 3 skills) whose first skill's
    item also assesses the second competency: an item with two."""
    school = SchoolFactory()
    comp = load_log(school, generate_bkt(12, 3, 10, seed=7))
    first = Item.objects.filter(school=school, competencies=comp["s0"]).get()
    first.competencies.add(comp["s1"])
    return school, comp, first


def test_an_item_with_two_competencies_is_one_answer_in_the_log(school):
    school, comp, first = school
    outcomes = effective_outcomes(Response.objects.filter(school=school))
    observations = observations_of(outcomes)
    assert len(observations) == len(outcomes) == 12 * 3 * 10
    double = [o for o in observations if o.item_id == first.pk]
    assert len(double) == 12 * 10
    assert {o.skills for o in double} == {tuple(sorted((str(comp["s0"]), str(comp["s1"]))))}
    log = mastery.response_log(observations)
    assert len(log) == len(observations)  # one row per answer
    row = next(i for i, o in enumerate(observations) if o.item_id == first.pk)
    assert sorted(log.skill_ids[k] for k in log.skills_of(row)) == sorted(double[0].skills)
    assert len(log.expand()[0]) == len(observations) + len(double)  # what per-competency was


def test_the_fit_counts_answers_once(school):
    school, comp, first = school
    services.mastery_fit_school(school=school, candidates=["bkt"])
    row = MasteryModel.objects.get(school=school)
    assert row.n_responses == 360 and row.selection["n_answers"] == 360
    assert row.selection["n_rows"] == 360  # not 360 + 120
    # Held out: 3 of 12 learners, 30 answers each, counted once.
    assert row.selection["n_test_rows"] == 3 * 30
    # Each answer to the two-competency item is one attempt on each.
    learner = Response.objects.filter(item=first).first().learner
    s0 = MasteryRecord.objects.get(learner=learner, competency_id=comp["s0"])
    s1 = MasteryRecord.objects.get(learner=learner, competency_id=comp["s1"])
    assert s0.attempts == 10 and s1.attempts == 10 + 10
