"""Goal progress: from mastery where a competency is linked and from the
learner's check-ins otherwise; the chart (server-side SVG) with the numbers
in a table beside it, and the projected date with its uncertainty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.personalization.conftest import api, goal_body
from trellis.engine.goals import NOT_ENOUGH_MESSAGE
from trellis.evidence.models import MasteryRecord
from trellis.personalization import charts, selectors
from trellis.personalization.models import BenchmarkCheck
from trellis.personalization.services import goals as goal_svc

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    """Read when used, not when the file is loaded (a run may cross midnight)."""
    return timezone.localdate()


def _goal(world, comps, mastery=0.6):
    MasteryRecord.objects.create(
        learner=world.learner, competency=comps[0], probability=mastery, level="proficient"
    )
    goal = goal_svc.goal_create(
        learner=world.learner, title="Ratios", **{"benchmarks": goal_body(comps[0])["benchmarks"]}
    )
    own, linked = goal.benchmarks.all()
    return goal, own, linked


def test_progress_comes_from_mastery_where_linked_and_check_ins_otherwise(world, comps):
    goal, own, linked = _goal(world, comps, mastery=0.6)
    body = api(world.learner).get(f"/api/v1/goals/{goal.pk}").json()
    assert [(b["source"], b["progress"]) for b in body["benchmarks"]] == [
        ("none", 0.0),
        ("mastery", 0.6),
    ]
    goal_svc.checkin_record(goal=goal, recorded_by=world.learner, ratings={own.pk: 0.4})
    MasteryRecord.objects.filter(learner=world.learner).update(probability=0.8)
    body = api(world.learner).get(f"/api/v1/goals/{goal.pk}").json()
    assert [(b["source"], b["progress"]) for b in body["benchmarks"]] == [
        ("check-in", 0.4),
        ("mastery", 0.8),
    ]
    assert body["progress"] == 0.6  # mastery moves progress without a check-in
    # the learner cannot rate a mastery-measured benchmark themselves
    r = api(world.learner).post(
        f"/api/v1/goals/{goal.pk}/checkins",
        data={"ratings": {str(linked.pk): 1.0}},
        content_type="application/json",
    )
    assert r.status_code == 400 and "measured by mastery" in r.json()["detail"]
    # the check-in kept the mastery of that moment for the history
    assert BenchmarkCheck.objects.get(benchmark=linked).source == "mastery"
    assert BenchmarkCheck.objects.get(benchmark=linked).progress == 0.6
    assert body["checkins"] == [
        {
            "on": str(_today()),
            "progress": 0.5,
            "note": "",
            "benchmarks": {str(own.pk): 0.4, str(linked.pk): 0.6},
        }
    ]


def test_goal_page_chart_table_and_projection_with_uncertainty(world, comps):
    goal, own, linked = _goal(world, comps, mastery=0.2)
    for days_ago, rating, mastery in (
        (28, 0.1, 0.2),
        (21, 0.3, 0.25),
        (14, 0.4, 0.4),
        (7, 0.7, 0.5),
    ):
        MasteryRecord.objects.filter(learner=world.learner).update(probability=mastery)
        goal_svc.checkin_record(
            goal=goal,
            recorded_by=world.learner,
            ratings={own.pk: rating},
            note=f"week {days_ago}",
            on=_today() - dt.timedelta(days=days_ago),
        )
    projection = selectors.goal_projection(goal)
    assert projection.date and projection.earliest and projection.latest
    assert projection.earliest < projection.date < projection.latest
    for who in (world.learner, world.teacher, world.guardian):
        page = api(who).get(f"/goals/{goal.pk}/").content.decode()
        assert '<svg class="p13n-goal"' in page and 'role="img"' in page
        assert "Goal progress at 4 check-ins: 15% on" in page
        # the table beside: each check-in's overall and per-benchmark numbers
        assert "<td>15%</td><td>10%</td><td>20%</td><td>week 28</td>" in page
        assert "<td>60%</td><td>70%</td><td>50%</td><td>week 7</td>" in page
        assert "Likely range (80%)" in page
        assert f"{projection.earliest:%-d %b %Y} to {projection.latest:%-d %b %Y}" in page
        assert "percentage points a week" in page and projection.message.split(",")[0] in page
    history = api(world.teacher).get(f"/api/v1/goals/{goal.pk}").json()["checkins"]
    assert [c["progress"] for c in history] == [0.15, 0.275, 0.4, 0.6]
    assert history[-1]["benchmarks"] == {str(own.pk): 0.7, str(linked.pk): 0.5}


def test_goal_page_without_check_ins_has_no_chart_yet(world, comps):
    goal, _, _ = _goal(world, comps)
    page = api(world.learner).get(f"/goals/{goal.pk}/").content.decode()
    assert '<svg class="p13n-goal"' not in page and "check in below to start the chart" in page
    assert str(NOT_ENOUGH_MESSAGE) in page


def test_goal_svg_escapes_and_draws_the_projection(world, comps):
    goal = goal_svc.goal_create(
        learner=world.learner,
        title="x",
        benchmarks=[
            {"description": "<script>x</script>", "due_on": _today(), "success_looks_like": "y"}
        ],
    )
    bench = goal.benchmarks.get()
    for days_ago, value in ((14, 0.2), (7, 0.4), (0, 0.6)):
        goal_svc.checkin_record(
            goal=goal,
            recorded_by=world.learner,
            ratings={bench.pk: value},
            on=_today() - dt.timedelta(days=days_ago),
        )
    rows = selectors.goal_history(goal)
    svg = charts.goal_svg(rows, [bench], selectors.goal_projection(goal), _today())
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert svg.count('class="checkin"') == 3 and 'class="projected"' in svg
    assert "goal date" in svg and ">B1<" in svg
    assert charts.goal_svg([], [bench], selectors.goal_projection(goal)) == ""


def test_the_projection_reads_in_the_readers_language(world, comps):
    """The sentence under the goal chart is the engine's projection said in
    the reader's language (the engine itself speaks English)."""
    goal, own, _linked = _goal(world, comps)
    for days_ago, rating in ((21, 0.1), (14, 0.3), (7, 0.5)):
        goal_svc.checkin_record(
            goal=goal,
            recorded_by=world.learner,
            ratings={own.pk: rating},
            on=_today() - dt.timedelta(days=days_ago),
        )
    english = selectors.goal_projection(goal).message
    assert english.startswith("At the rate so far")
    world.learner.language = "es"
    world.learner.save(update_fields=["language"])
    page = api(world.learner).get(f"/goals/{goal.pk}/").content.decode()
    assert "Al ritmo hasta ahora" in page and "puntos porcentuales por semana" in page
    assert english not in page
    page = api(world.teacher).get(f"/goals/{goal.pk}/").content.decode()
    assert english.split(",")[0] in page  # the teacher reads it in English
    body = api(world.teacher).get(f"/api/v1/goals/{goal.pk}", HTTP_ACCEPT_LANGUAGE="es").json()
    assert body["projection"]["message"].startswith("Al ritmo hasta ahora")
