"""The plan list and its API list the decisions waiting for the teacher in a
fixed number of queries, however many plans (issue #18: it used to cost
about ten queries per plan)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tests.individualization.helpers import answer_all, check_for, curriculum_for
from trellis.individualization.constants import METHOD_MANUAL, METHOD_PERCENT, METHOD_PROBABILITY
from trellis.individualization.services import plans
from trellis.people import roles

pytestmark = pytest.mark.django_db

#: What the API costs a teacher, whatever the number of plans: the session
#: and the user, the plans, the teacher's memberships, which of the plans'
#: learners the teacher teaches, the objectives with their competencies and
#: measurements, the evidence for the mastery-probability objectives (the
#: responses that count, their times, their items' competencies) and for the
#: percent-correct ones (the assessment answers, their items' competencies).
#: The school's fitted model is cached in the process.
API_QUERIES = 2 + 1 + 1 + 1 + 3 + 3 + 2
#: The page lists besides the learners taught, the classes, and the
#: summative reports with their plans.
PAGE_QUERIES = API_QUERIES + 4


def _learner_with_plan(world, cur, check, n: int):
    """A new learner of the teacher's class with an active plan of three
    objectives, one per method; the manual one's last four measurements are
    under the aim line, so its decision rule asks to change the plan."""
    learner = UserFactory(username=f"planned{n}")
    MembershipFactory(user=learner, school=world.school, role=roles.LEARNER)
    EnrollmentFactory(school_class=world.class_a, learner=learner)
    answer_all(learner, check, right=1)
    plan = plans.plan_create(learner=learner, author=world.teacher, title=f"Plan {n}")
    today = timezone.localdate()
    objectives = {
        method: plans.objective_add(
            plan=plan,
            changed_by=world.teacher,
            reason="Objective added.",
            statement=f"Ratios by {method}",
            competencies=[cur.ratio],
            method=method,
            baseline_value=0.2 if method == METHOD_PROBABILITY else 20,
            baseline_date=today - dt.timedelta(days=30),
            target_value=0.8 if method == METHOD_PROBABILITY else 80,
            target_date=today + dt.timedelta(days=60),
        )
        for method in (METHOD_PROBABILITY, METHOD_PERCENT, METHOD_MANUAL)
    }
    for days_ago in range(4, 0, -1):
        plans.measurement_record(
            objective=objectives[METHOD_MANUAL],
            recorded_by=world.teacher,
            on=today - dt.timedelta(days=days_ago),
            value=1,
        )
    return plan


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_decisions_waiting_cost_the_same_for_one_plan_and_for_four(
    world, django_assert_num_queries
):
    cur = curriculum_for(world)
    check = check_for(world.class_a, cur.items)
    made = [_learner_with_plan(world, cur, check, 0)]
    teacher = _client(world.teacher)
    teacher.get("/plans/")  # the school's model read once, as in a running process
    for more in (0, 3):
        made += [_learner_with_plan(world, cur, check, len(made) + k) for k in range(more)]
        with django_assert_num_queries(PAGE_QUERIES):
            page = teacher.get("/plans/")
        assert page.status_code == 200
        assert [plan for plan, _ in page.context["prompts"]] == sorted(
            made, key=lambda p: p.learner.username
        )
        with django_assert_num_queries(API_QUERIES):
            rows = teacher.get("/api/v1/individual-plans/decisions").json()
        assert sorted(row["plan_id"] for row in rows) == sorted(p.pk for p in made)
        assert {row["statement"] for row in rows} == {f"Ratios by {METHOD_MANUAL}"}


def test_decisions_waiting_leave_out_plans_of_learners_the_teacher_does_not_teach(world):
    cur = curriculum_for(world)
    check = check_for(world.class_a, cur.items)
    _learner_with_plan(world, cur, check, 0)
    assert _client(world.teacher_b).get("/plans/").context["prompts"] == []
    assert _client(world.teacher_b).get("/api/v1/individual-plans/decisions").json() == []


def test_an_operator_is_prompted_for_every_plan_a_school_admin_for_none(world):
    """``can_change_plan``: operators and the learner's teachers; a school
    admin reads plans but does not change them."""
    cur = curriculum_for(world)
    check = check_for(world.class_a, cur.items)
    plan = _learner_with_plan(world, cur, check, 0)
    operator = UserFactory(username="operator", is_superuser=True)
    assert [p for p, _ in _client(operator).get("/plans/").context["prompts"]] == [plan]
    assert _client(world.admin).get("/plans/").context["prompts"] == []
