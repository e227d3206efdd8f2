"""Writing plans: versions with who and why, and the bad input the issue
names (dates out of order, unmeasurable targets, unknown accommodations)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.individualization.helpers import (
    BASELINE,
    curriculum_for,
    objective_for,
    plan_for,
)
from trellis.individualization.constants import (
    EXTENDED_TIME,
    LARGE_PRINT,
    MANUAL_ONLY,
    METHOD_MANUAL,
    METHOD_PERCENT,
    METHOD_PROBABILITY,
    MINUTES_POSITIVE,
    REASON_REQUIRED,
    TARGET_BEFORE_BASELINE,
)
from trellis.individualization.services import plans

pytestmark = pytest.mark.django_db


def _objective(plan, world, cur, **kw):
    """A percent objective: 40 → 80% on ratio problems."""
    percent = dict(
        statement="Solve ratio problems",
        method=METHOD_PERCENT,
        unit="",
        baseline_value=40,
        target_value=80,
    )
    return objective_for(world, plan, cur, **(percent | kw))


def test_every_change_keeps_a_version_with_who_and_why(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    _objective(plan, world, cur)
    plans.plan_update(
        plan=plan,
        changed_by=world.teacher,
        reason="Needs large print too.",
        accommodations=[EXTENDED_TIME, LARGE_PRINT],
    )
    versions = list(plan.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.reason for v in versions] == [
        plans.FIRST_VERSION_REASON,
        "Objective added.",
        "Needs large print too.",
    ]
    assert all(v.changed_by == world.teacher for v in versions)
    assert versions[0].snapshot["accommodations"] == [EXTENDED_TIME]
    assert versions[0].snapshot["objectives"] == []
    assert versions[2].snapshot["accommodations"] == [EXTENDED_TIME, LARGE_PRINT]
    assert versions[2].snapshot["objectives"][0]["statement"] == "Solve ratio problems"
    plan.refresh_from_db()
    assert plan.version == 3


def test_a_change_without_a_reason_is_refused_and_changes_nothing(world):
    plan = plan_for(world)
    with pytest.raises(ValidationError) as err:
        plans.plan_update(plan=plan, changed_by=world.teacher, reason="  ", title="Changed")
    assert str(REASON_REQUIRED) in str(err.value)
    plan.refresh_from_db()
    assert plan.title == "Reading support" and plan.versions.count() == 1


def test_unknown_accommodation_is_refused_by_name(world):
    with pytest.raises(ValidationError) as err:
        plan_for(world, accommodations=[EXTENDED_TIME, "telepathy"])
    assert "Unknown accommodation 'telepathy'" in str(err.value)
    assert not world.learner.individual_plans.exists()


def test_target_date_before_baseline_is_refused(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    with pytest.raises(ValidationError) as err:
        _objective(plan, world, cur, target_date=BASELINE - dt.timedelta(days=1))
    assert str(TARGET_BEFORE_BASELINE) in str(err.value)
    assert plan.objectives.count() == 0 and plan.versions.count() == 1


@pytest.mark.parametrize(
    ("method", "target", "fragment"),
    [
        (METHOD_PROBABILITY, 150, "A target of 150 cannot be measured by mastery probability"),
        (METHOD_PERCENT, 120, "A target of 120 cannot be measured by percent correct on checks"),
        (METHOD_MANUAL, -3, "A target of -3 cannot be measured by a count or score"),
    ],
)
def test_target_not_measurable_by_the_method_is_refused(world, method, target, fragment):
    cur = curriculum_for(world)
    plan = plan_for(world)
    with pytest.raises(ValidationError) as err:
        _objective(plan, world, cur, method=method, baseline_value=0, target_value=target)
    assert fragment in str(err.value)
    assert plan.objectives.count() == 0


def test_competency_of_another_school_is_refused(world, other_world):
    other = curriculum_for(other_world)
    plan = plan_for(world)
    with pytest.raises(ValidationError) as err:
        _objective(plan, world, other, competencies=[other.ratio])
    assert "There is no competency with id" in str(err.value)


def test_one_active_plan_per_learner(world):
    plan_for(world)
    with pytest.raises(ValidationError) as err:
        plan_for(world)
    assert "already has an active plan" in str(err.value)


def test_supports_are_planned_and_logged_with_minutes(world):
    plan = plan_for(world)
    support = plans.support_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Aide starts Monday.",
        kind="one_on_one",
        provider="Ms Diaz, aide",
        planned_minutes_per_week=60,
    )
    plans.support_session_log(support=support, logged_by=world.teacher, on=BASELINE, minutes=25)
    with pytest.raises(ValidationError) as err:
        plans.support_session_log(support=support, logged_by=world.teacher, on=BASELINE, minutes=0)
    assert str(MINUTES_POSITIVE) in str(err.value)
    assert list(support.sessions.values_list("minutes", flat=True)) == [25]
    assert plan.versions.count() == 2  # the support changed the plan; the session did not


def test_measurements_only_for_teacher_measured_objectives_and_in_range(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    percent = _objective(plan, world, cur)
    with pytest.raises(ValidationError) as err:
        plans.measurement_record(
            objective=percent, recorded_by=world.teacher, on=BASELINE, value=50
        )
    assert str(MANUAL_ONLY) in str(err.value)
    manual = _objective(
        plan, world, cur, method=METHOD_MANUAL, baseline_value=20, target_value=60, unit="wpm"
    )
    plans.measurement_record(objective=manual, recorded_by=world.teacher, on=BASELINE, value=22)
    with pytest.raises(ValidationError):
        plans.measurement_record(objective=manual, recorded_by=world.teacher, on=BASELINE, value=-1)
    assert manual.measurements.count() == 1


def test_the_versions_table_reads_in_the_readers_language():
    """What changed and the first version's reason are Trellis's words, said
    in the reader's language; a person's own reason stays as they wrote it."""
    from django.utils import translation
    from reversion.models import Revision

    from trellis.individualization.constants import FIRST_VERSION_REASON
    from trellis.individualization.models import IndividualPlanVersion

    def said(reason: str) -> str:
        return IndividualPlanVersion(revision=Revision(comment=reason)).reason_said

    before = {"accommodations": ["read_aloud"], "status": "active", "objectives": []}
    after = {
        "accommodations": [],
        "status": "closed",
        "objectives": [{"id": 1, "statement": "Read 60 wpm"}],
    }
    with translation.override("en"):
        english = plans.describe_changes(before, after)
        first = said(FIRST_VERSION_REASON)
    with translation.override("es"):
        spanish = plans.describe_changes(before, after)
        first_es = said(FIRST_VERSION_REASON)
        own = said("Needs large print too.")
    assert english == [
        "accommodations: − read_aloud",
        "status: Active → Closed",
        "objective added: Read 60 wpm",
    ]
    assert len(spanish) == 3 and all(s != e for s, e in zip(spanish, english, strict=True))
    assert first == "Plan written." and first_es != first
    assert own == "Needs large print too."
