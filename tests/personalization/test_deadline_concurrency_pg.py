"""The deadline rule run from several places at once (cron and page views)
on PostgreSQL assigns the default and notifies exactly once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tests.personalization.conftest import make_framework
from trellis.evidence.models import Assessment
from trellis.personalization.models import AssessmentChoice, Notification, OptionPick
from trellis.personalization.services import proposals as svc

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_deadline_runs_assign_once(world):
    _, comps = make_framework(world.school)
    choice = svc.choice_create(
        school_class=world.class_a,
        competency_id=comps[0].pk,
        title="Show ratios",
        options=["A quiz", "A poster"],
        deadline=timezone.now() + dt.timedelta(days=1),
        created_by=world.teacher,
        default_option=2,
    )
    AssessmentChoice.objects.filter(pk=choice.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    notes_before = Notification.objects.count()
    runs = 4
    barrier = threading.Barrier(runs)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(svc.choice_deadlines_apply())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    roster = 2  # learner and sibling are in class A
    assert sum(learners for _, learners in results) == roster
    assert OptionPick.objects.filter(choice=choice, by_default=True, option=1).count() == roster
    assert Assessment.objects.filter(title="Show ratios: A poster").count() == roster
    # one notification per learner and one summary per teacher of the class
    teachers = world.class_a.teachers.count()
    assert Notification.objects.count() - notes_before == roster + teachers
