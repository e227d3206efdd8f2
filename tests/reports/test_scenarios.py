"""Classes run for two school weeks in one style, or in a mixture, built
day by day through the owning apps' services, and the learner-day shares
and placement the continuum report gives them. Expected numbers are derived
here from how many learners did what on how many days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.apps import apps
from django.utils import timezone

from tests.differentiation.conftest import enrol_more, make_curriculum
from tests.factories import SchoolClassFactory, TeachingAssignmentFactory
from trellis.curriculum.models import Resource
from trellis.differentiation import services as diff
from trellis.engine.continuum import WHOLE_CLASS_LABEL
from trellis.evidence.models.assessment import FOR_LEARNING, OF_LEARNING
from trellis.evidence.services import assessment_create
from trellis.individualization.models import ONE_ON_ONE
from trellis.individualization.services import plans
from trellis.personalization.models.network import PEER
from trellis.personalization.services import goals, network, reflection
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db

N = 6  # learners in a class
WEEKS = 2
# The Monday of the week three weeks ago: two full school weeks, all in the past.
_today = dt.date.today()
MONDAY = _today - dt.timedelta(days=_today.weekday() + 21)
SCHOOL_DAYS = [MONDAY + dt.timedelta(weeks=w, days=d) for w in range(WEEKS) for d in range(5)]
FRIDAYS = [d for d in SCHOOL_DAYS if d.weekday() == 4]
END = SCHOOL_DAYS[-1]


@contextmanager
def on_day(day: dt.date) -> Iterator[None]:
    """Run services as if at 10:00 on ``day`` (timestamps and defaults)."""
    at = dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())
    real = timezone.now
    patched = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.default is real:
                f.default = lambda: at
                f.__dict__.pop("_get_default", None)
                patched.append(f)
    try:
        with mock.patch("django.utils.timezone.now", lambda: at):
            yield
    finally:
        for f in patched:
            f.default = real
            f.__dict__.pop("_get_default", None)


class Scenario:
    def __init__(self, world, name: str):
        self.teacher = world.teacher
        self.cur = make_curriculum(world.school, name)
        self.resource = Resource.objects.create(
            school=world.school, title=f"Video on {self.cur.objective.code}", format="video"
        )
        self.resource.competencies.add(self.cur.objective)
        self.school_class = SchoolClassFactory(school=world.school, name=f"{name} class")
        TeachingAssignmentFactory(school_class=self.school_class, teacher=world.teacher)
        self.learners = enrol_more(self.school_class, N, prefix=name)
        self.goals: dict[int, object] = {}
        self.supports: dict[int, object] = {}
        self.networked: set[int] = set()

    # --- one day in each style ------------------------------------------------

    def check_for_everyone(self, day: dt.date, purpose: str = OF_LEARNING) -> None:
        with on_day(day):
            assessment_create(
                school_class=self.school_class,
                title=f"Check {day}",
                purpose=purpose,
                created_by=self.teacher,
                items=[self.cur.prereq_item],
                opens_at=timezone.now(),
            )

    def differentiated(self, day: dt.date) -> None:
        halves = [self.learners[: N // 2], self.learners[N // 2 :]]
        with on_day(day):
            grouping = diff.grouping_save(
                school_class=self.school_class,
                objective=self.cur.objective,
                kind="readiness",
                groups=[
                    diff.GroupDraft(label=f"Group {k + 1}", learner_ids=[u.pk for u in half])
                    for k, half in enumerate(halves)
                ],
                created_by=self.teacher,
                note=f"Lesson {day}",
            )
            diff.group_plan_save(
                grouping=grouping,
                created_by=self.teacher,
                title=f"Lesson {day}",
                entries=[
                    diff.EntryDraft(
                        group_id=g.pk,
                        process="Worked examples",
                        affect="Teacher sits with this group",
                        resource_ids=[self.resource.pk],
                    )
                    for g in grouping.groups.all()
                ],
            )

    def personalized(self, day: dt.date) -> None:
        week = SCHOOL_DAYS.index(day) // 5
        with on_day(day):
            for k, learner in enumerate(self.learners):
                if learner.pk not in self.goals:
                    self.goals[learner.pk] = goals.goal_create(
                        learner=learner,
                        title="My ratio goal",
                        benchmarks=[
                            {
                                "description": f"Week {w + 1} step",
                                "success_looks_like": "I can explain it",
                                "due_on": FRIDAYS[w],
                            }
                            for w in range(WEEKS)
                        ],
                    )
                if learner.pk not in self.networked:
                    peer = self.learners[(k + 1) % N]
                    link = network.network_add(learner=learner, username=peer.username, kind=PEER)
                    network.network_accept(link=link)
                    self.networked.add(learner.pk)
                reflection.path_choose(
                    learner=learner,
                    competency=self.cur.objective,
                    resource=self.resource,
                    chosen_by_user=learner,
                )
                network.help_request_send(learner=learner, message=f"Help on {day}?")
                goal = self.goals[learner.pk]
                bench = goal.benchmarks.order_by("position")[week]
                goals.checkin_record(
                    goal=goal, recorded_by=learner, ratings={bench.pk: 1.0}, on=day
                )

    def individualized(self, day: dt.date, learners=None) -> None:
        with on_day(day):
            for learner in learners if learners is not None else self.learners:
                if learner.pk not in self.supports:
                    plan = plans.plan_create(
                        learner=learner, author=self.teacher, title=f"Plan for {learner}"
                    )
                    self.supports[learner.pk] = plans.support_add(
                        plan=plan,
                        changed_by=self.teacher,
                        reason="Plan meeting",
                        kind=ONE_ON_ONE,
                        provider="Aide",
                        planned_minutes_per_week=60,
                    )
                reflection.path_choose(
                    learner=learner,
                    competency=self.cur.objective,
                    resource=self.resource,
                    chosen_by_user=self.teacher,
                )
                plans.support_session_log(
                    support=self.supports[learner.pk], logged_by=self.teacher, on=day, minutes=15
                )

    def report(self):
        scope = counts.class_scope(self.school_class)
        return selectors.continuum_for(scope, MONDAY, END).report


def _row(report, key):
    return next(r for r in report.rows if r.key == key)


def _shares(w=0.0, d=0.0, i=0.0, p=0.0):
    return pytest.approx((w, d, i, p))


def test_whole_class_alike_with_weekly_tests(world):
    s = Scenario(world, "alike")
    for day in FRIDAYS:
        s.check_for_everyone(day)
    report = s.report()
    assert report.label == WHOLE_CLASS_LABEL
    assert report.shares == _shares(w=1.0)
    for key in ("who_designs", "resources", "progress", "assessment"):
        row = _row(report, key)
        assert row.learner_days == N * len(FRIDAYS)
        assert row.shares == _shares(w=1.0)
    assert _row(report, "support").label == "not enough evidence"
    assert report.rests_on == ("Who designs", "Resources and tools", "Progress")


def test_differentiated_every_day_with_weekly_tests(world):
    s = Scenario(world, "diffd")
    for day in SCHOOL_DAYS:
        s.differentiated(day)
    for day in FRIDAYS:
        s.check_for_everyone(day)
    report = s.report()
    assert report.label == "mostly differentiation"
    for key in ("starts_with", "who_designs", "resources", "support", "progress"):
        row = _row(report, key)
        assert row.learner_days == N * len(SCHOOL_DAYS), key
        assert row.shares == _shares(d=1.0), key
    # The lesson objective is the same for the whole class, as the chart says.
    assert _row(report, "objectives").shares == _shares(w=1.0)


def test_individualized_every_day(world):
    s = Scenario(world, "indivd")
    for day in SCHOOL_DAYS:
        s.individualized(day)
    for day in FRIDAYS:
        s.check_for_everyone(day)
    report = s.report()
    for key in ("who_designs", "resources", "support"):
        assert _row(report, key).shares == _shares(i=1.0), key
        assert _row(report, key).learner_days == N * len(SCHOOL_DAYS)
    # Nothing moved anyone on but the weekly test: progress is whole-class.
    assert _row(report, "progress").shares == _shares(w=1.0)
    # Four defining rows, three individualized.
    assert report.shares == _shares(w=1 / 4, i=3 / 4)
    assert report.label == "mostly individualization"
    # Each plan is one plan, written on the first day only.
    starts = _row(report, "starts_with")
    assert starts.learner_days == N
    assert {t.key: t.decisions for t in starts.sources}["individual_plans"] == N


def test_personalized_every_day(world):
    s = Scenario(world, "persd")
    for day in SCHOOL_DAYS:
        s.personalized(day)
    report = s.report()
    assert report.label == "mostly personalization"
    for key in ("who_designs", "resources", "support"):
        assert _row(report, key).shares == _shares(p=1.0), key
        assert _row(report, key).learner_days == N * len(SCHOOL_DAYS)
    progress = _row(report, "progress")
    # Each weekly benchmark is met once, on the first day of its week, and stays met.
    assert progress.learner_days == N * WEEKS
    assert {t.key: t.decisions for t in progress.sources}["benchmarks_met"] == N * WEEKS
    assert report.shares == _shares(p=1.0)


def test_four_days_differentiated_one_personalized(world):
    s = Scenario(world, "mix41")
    for day in SCHOOL_DAYS:
        (s.personalized if day.weekday() == 4 else s.differentiated)(day)
    report = s.report()
    fifth = 1 / 5
    for key in ("who_designs", "resources", "support", "progress"):
        row = _row(report, key)
        assert row.learner_days == N * len(SCHOOL_DAYS), key
        assert row.shares == _shares(d=1 - fifth, p=fifth), key
    assert report.shares == _shares(d=1 - fifth, p=fifth)
    assert report.label == "mostly differentiation"


def test_half_the_class_on_plans(world):
    s = Scenario(world, "half")
    planned = s.learners[: N // 2]
    for day in SCHOOL_DAYS:
        s.check_for_everyone(day, FOR_LEARNING)
        s.individualized(day, planned)
    report = s.report()
    half = len(planned) / N
    for key in ("who_designs", "resources"):
        assert _row(report, key).shares == _shares(w=1 - half, i=half), key
    # Only the planned half had support recorded; the calendar moved everyone on.
    assert _row(report, "support").shares == _shares(i=1.0)
    assert _row(report, "progress").shares == _shares(w=1.0)
    w = ((1 - half) + (1 - half) + 0 + 1) / 4
    assert report.shares == _shares(w=w, i=1 - w)
    assert report.label == "between whole-class teaching and individualization"


def test_a_second_request_on_the_same_learner_day_moves_no_share(world):
    s = Scenario(world, "dup")
    for day in SCHOOL_DAYS[:3]:
        s.differentiated(day)
    s.personalized(SCHOOL_DAYS[3])
    before = s.report()
    # The same help requests again, the same plan saved again: nothing moves.
    with on_day(SCHOOL_DAYS[3]):
        for learner in s.learners:
            network.help_request_send(learner=learner, message="Again?")
    after = s.report()
    assert after.shares == before.shares
    for a, b in zip(before.rows, after.rows, strict=True):
        assert (a.shares, a.learner_days) == (b.shares, b.learner_days)
