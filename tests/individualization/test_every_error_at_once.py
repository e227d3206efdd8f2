"""One submission of a plan or objective with several problems shows every
one of them, each next to its field, and keeps what was typed; the API
lists them all in its 400 answer (issue #20, item 6)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.individualization.helpers import BASELINE, TARGET, curriculum_for, plan_for
from trellis.individualization.constants import (
    COMPETENCY_ELSEWHERE,
    MAX_TIME_MULTIPLIER,
    METHOD_PERCENT,
    MULTIPLIER_RANGE,
    REASON_REQUIRED,
    REVIEW_DATE_FORMAT,
    TARGET_BEFORE_BASELINE,
)
from trellis.individualization.models import SpecificObjective
from trellis.individualization.services import plans

pytestmark = pytest.mark.django_db

#: Three problems in one objective: a blank reason, a target date before the
#: baseline date, and a percent-correct target above 100.
EARLY_TARGET = BASELINE - dt.timedelta(days=10)
TOO_HIGH = 150


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_service_collects_every_objective_problem(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    with pytest.raises(ValidationError) as err:
        plans.objective_add(
            plan=plan,
            changed_by=world.teacher,
            reason="   ",
            statement="Reach 90% on ratio checks",
            competencies=[cur.ratio],
            method=METHOD_PERCENT,
            baseline_value=40,
            baseline_date=BASELINE,
            target_value=TOO_HIGH,
            target_date=EARLY_TARGET,
        )
    assert set(err.value.message_dict) == {"reason", "target_date", "target_value"}
    assert err.value.message_dict["reason"] == [str(REASON_REQUIRED)]
    assert err.value.message_dict["target_date"] == [str(TARGET_BEFORE_BASELINE)]
    assert not SpecificObjective.objects.filter(plan=plan).exists()


def test_the_objective_page_shows_three_errors_at_once_and_keeps_the_values(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    typed = {
        "statement": "Reach 90% on ratio checks",
        "competencies": [cur.ratio.pk],
        "method": METHOD_PERCENT,
        "unit": "",
        "baseline_value": "40",
        "baseline_date": BASELINE.isoformat(),
        "target_value": str(TOO_HIGH),
        "target_date": EARLY_TARGET.isoformat(),
        "reason": "",
    }
    response = _client(world.teacher).post(f"/plans/{plan.pk}/objectives/new/", typed)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"reason", "target_date", "target_value"}
    assert errors["target_date"] == [str(TARGET_BEFORE_BASELINE)]
    html = response.content.decode()
    assert str(TARGET_BEFORE_BASELINE) in html
    assert (
        'value="Reach 90% on ratio checks"' in html
        or "Reach 90% on ratio checks</textarea>" in html
    )
    assert f'value="{TOO_HIGH}"' in html and f'value="{EARLY_TARGET.isoformat()}"' in html
    assert not SpecificObjective.objects.filter(plan=plan).exists()


def test_the_api_lists_all_three_problems(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    response = _client(world.teacher).post(
        f"/api/v1/individual-plans/{plan.pk}/objectives",
        data={
            "reason": " ",
            "statement": "Reach 90% on ratio checks",
            "competency_ids": [cur.ratio.pk],
            "method": METHOD_PERCENT,
            "baseline_value": 40,
            "baseline_date": BASELINE.isoformat(),
            "target_value": TOO_HIGH,
            "target_date": EARLY_TARGET.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert str(REASON_REQUIRED) in detail and str(TARGET_BEFORE_BASELINE) in detail
    assert "target_value:" in detail and str(TOO_HIGH) in detail
    assert not SpecificObjective.objects.filter(plan=plan).exists()


def test_the_plan_change_page_shows_every_problem_with_the_typed_values(world):
    plan = plan_for(world)
    typed = {
        "title": "Reading plan, second term",
        "summary": "",
        "time_multiplier": "9",
        "review_dates": "2026-13-40, soon",
        "responsible": world.teacher.pk,
        "responsible_note": "",
        "reason": "",
    }
    response = _client(world.teacher).post(f"/plans/{plan.pk}/edit/", typed)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["time_multiplier"] == [MULTIPLIER_RANGE.format(high=MAX_TIME_MULTIPLIER)]
    assert errors["review_dates"] == [
        REVIEW_DATE_FORMAT.format(value="2026-13-40"),
        REVIEW_DATE_FORMAT.format(value="soon"),
    ]
    assert "reason" in errors
    html = response.content.decode()
    assert 'value="Reading plan, second term"' in html and 'value="2026-13-40, soon"' in html
    plan.refresh_from_db()
    assert plan.title != typed["title"]


def test_a_good_objective_still_saves(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    response = _client(world.teacher).post(
        f"/plans/{plan.pk}/objectives/new/",
        {
            "statement": "Reach 90% on ratio checks",
            "competencies": [cur.ratio.pk],
            "method": METHOD_PERCENT,
            "baseline_value": "40",
            "baseline_date": BASELINE.isoformat(),
            "target_value": "90",
            "target_date": TARGET.isoformat(),
            "reason": "Objective added.",
        },
    )
    assert response.status_code == 302
    assert SpecificObjective.objects.get(plan=plan).target_value == 90


def test_the_api_lists_an_unknown_competency_with_the_other_problems(world, other_world):
    plan = plan_for(world)
    elsewhere = curriculum_for(other_world).ratio
    response = _client(world.teacher).post(
        f"/api/v1/individual-plans/{plan.pk}/objectives",
        data={
            "reason": "",
            "statement": "Reach 90% on ratio checks",
            "competency_ids": [elsewhere.pk + 100000],
            "method": METHOD_PERCENT,
            "baseline_value": 40,
            "baseline_date": BASELINE.isoformat(),
            "target_value": 50,
            "target_date": EARLY_TARGET.isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert str(REASON_REQUIRED) in detail and str(TARGET_BEFORE_BASELINE) in detail
    assert str(COMPETENCY_ELSEWHERE.format(id=elsewhere.pk + 100000)) in detail
    assert not SpecificObjective.objects.filter(plan=plan).exists()
