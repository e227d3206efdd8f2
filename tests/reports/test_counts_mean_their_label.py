"""Each number in the continuum report means what its label says: a plan is
a plan (its versions are history), a request is one request whatever its
recipients, a benchmark is met once and stays met, placing a class on its
default sequence is one whole-class decision, an assessment is dated by the
``opens_at`` set through the API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.differentiation.conftest import enrol_more
from tests.personalization.conftest import api, goal_body, make_framework
from trellis.engine import levels
from trellis.engine.continuum import INDIVIDUALIZATION, WHOLE_CLASS
from trellis.evidence.models import Assessment, MasteryRecord
from trellis.individualization.services import pacing, plans
from trellis.personalization.models.network import PEER, TEACHER
from trellis.personalization.services import goals, network
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def _tally(school_class, row_key: str, source: str, start=None, end=None):
    today = timezone.localdate()
    result = selectors.continuum_for(
        counts.class_scope(school_class), start or today - dt.timedelta(days=30), end or today
    )
    row = next(r for r in result.report.rows if r.key == row_key)
    return next(t for t in row.sources if t.key == source)


def test_a_plan_saved_many_times_is_one_plan(world):
    plan = plans.plan_create(learner=world.learner, author=world.teacher, title="Reading")
    for n in range(3):
        plans.support_add(
            plan=plan,
            changed_by=world.teacher,
            reason=f"change {n}",
            kind="one_on_one",
            provider="Aide",
            planned_minutes_per_week=30,
        )
    assert plan.versions.count() == 4
    tally = _tally(world.class_a, "starts_with", "individual_plans")
    assert (tally.decisions, tally.learner_days) == (1, 1)


def test_one_request_to_three_people_is_one_request(world):
    peers = enrol_more(world.class_a, 2, prefix="peer")
    for peer in peers:
        link = network.network_add(learner=world.learner, username=peer.username, kind=PEER)
        network.network_accept(link=link)
    link = network.network_add(learner=world.learner, username=world.teacher.username, kind=TEACHER)
    network.network_accept(link=link)
    network.help_request_send(learner=world.learner, message="Stuck on ratios")
    to_network = _tally(world.class_a, "support", "help_to_network")
    assert (to_network.decisions, to_network.learner_days) == (1, 1)
    assert _tally(world.class_a, "support", "help_to_teacher").decisions == 0
    # Only to the teacher: a request to the teacher, still one.
    network.help_request_send(
        learner=world.learner, message="Can we talk?", recipient_ids=[world.teacher.pk]
    )
    assert _tally(world.class_a, "support", "help_to_teacher").decisions == 1


def test_a_benchmark_is_met_once_and_stays_met(world):
    comps = make_framework(world.school)[1]
    record = MasteryRecord.objects.create(
        learner=world.learner, competency=comps[0], probability=0.9, level="proficient"
    )
    goal = goals.goal_create(
        learner=world.learner, title="Ratios", benchmarks=goal_body(comps[0])["benchmarks"]
    )
    own, linked = goal.benchmarks.all()
    today = timezone.localdate()
    goals.checkin_record(
        goal=goal, recorded_by=world.learner, ratings={own.pk: 0.5}, on=today - dt.timedelta(2)
    )
    assert _tally(world.class_a, "progress", "benchmarks_met").decisions == 0
    # Linked competency reaches the mastered level: met (its probability is not 1.0).
    record.probability = levels.MASTERED + 0.01
    record.save()
    goals.checkin_record(
        goal=goal, recorded_by=world.learner, ratings={own.pk: 1.0}, on=today - dt.timedelta(1)
    )
    # Checked again, and mastery slips: still met, still counted once each.
    record.probability = 0.7
    record.save()
    goals.checkin_record(goal=goal, recorded_by=world.learner, ratings={own.pk: 1.0}, on=today)
    tally = _tally(world.class_a, "progress", "benchmarks_met")
    assert (tally.decisions, tally.learner_days) == (2, 1)
    body = api(world.learner).get(f"/api/v1/goals/{goal.pk}").json()
    met = {b["id"]: b["met_on"] for b in body["benchmarks"]}
    yesterday = (today - dt.timedelta(1)).isoformat()
    assert met == {own.pk: yesterday, linked.pk: yesterday}
    assert [b["progress"] for b in body["benchmarks"]] == [1.0, 1.0]
    # A range that ends before the day it was met does not count it.
    before = _tally(world.class_a, "progress", "benchmarks_met", end=today - dt.timedelta(2))
    assert before.decisions == 0


def test_the_class_default_sequence_is_one_whole_class_decision(world):
    enrol_more(world.class_a, 4)  # six learners in all
    comp = make_framework(world.school)[1][0]
    own = pacing.sequence_create(
        school_class=world.class_a, title="Just for one", created_by=world.teacher, is_default=False
    )
    pacing.module_add(sequence=own, title="Step 1", competencies=[comp])
    pacing.pace_place(school_class=world.class_a, learner=world.learner, sequence=own)
    default = pacing.sequence_create(
        school_class=world.class_a, title="Everyone", created_by=world.teacher
    )
    # Adding a module to the default sequence places the five others on it.
    pacing.module_add(sequence=default, title="Module 1", competencies=[comp])
    whole = _tally(world.class_a, "who_designs", "class_sequences")
    assert (whole.decisions, whole.learner_days, whole.approach) == (1, 5, WHOLE_CLASS)
    alone = _tally(world.class_a, "who_designs", "individual_sequences")
    assert (alone.decisions, alone.learner_days, alone.approach) == (1, 1, INDIVIDUALIZATION)


def test_opens_at_set_through_the_api_dates_the_assessment(world):
    comps = make_framework(world.school)[1]
    from tests.differentiation.conftest import make_curriculum

    cur = make_curriculum(world.school, "oa")
    opens = timezone.now() - dt.timedelta(days=40)
    body = {
        "class_id": world.class_a.pk,
        "title": "Unit test",
        "purpose": "of",
        "item_ids": [cur.prereq_item.pk],
        "opens_at": opens.isoformat(),
    }
    response = api(world.teacher).post(
        "/api/v1/assessments", data=json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assessment = Assessment.objects.get(pk=response.json()["id"])
    assert abs((assessment.opens_at - opens).total_seconds()) < 1
    assert comps  # the school has a framework
    day = timezone.localtime(opens).date()
    on_day = _tally(world.class_a, "assessment", "class_assessments", start=day, end=day)
    assert (on_day.decisions, on_day.learner_days) == (1, 2)
    assert _tally(world.class_a, "assessment", "class_assessments").decisions == 0
    late = dict(body, opens_at="not a date")
    bad = api(world.teacher).post(
        "/api/v1/assessments", data=json.dumps(late), content_type="application/json"
    )
    assert bad.status_code == 422 and "opens_at" in bad.content.decode()
