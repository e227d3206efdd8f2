"""Changing or removing one specific objective or one support of a plan:
each makes a new plan version with who and why, through the service, the
pages and the API; bad input is refused with the issue's messages; and only
the learner's teachers may do it (the matrix below, with a second school)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.individualization.helpers import (
    BASELINE,
    TARGET,
    curriculum_for,
    objective_for,
    plan_for,
)
from trellis.individualization.constants import (
    COMPETENCY_ELSEWHERE,
    METHOD_MANUAL,
    METHOD_PERCENT,
    MINUTES_POSITIVE,
    NEEDS_COMPETENCY,
    REASON_REQUIRED,
    TARGET_BEFORE_BASELINE,
)
from trellis.individualization.models import (
    Measurement,
    PlanReadLog,
    SpecificObjective,
    Support,
    SupportSession,
)
from trellis.individualization.services import plans
from trellis.people.access import FORBIDDEN, NOT_FOUND

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _json(client, method: str, url: str, data: dict):
    return getattr(client, method)(url, data=data, content_type="application/json")


def _support(world, plan):
    return plans.support_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Support added.",
        kind="one_on_one",
        provider="Ms Diaz, aide",
        focus="Fluency",
        planned_minutes_per_week=60,
    )


def _setup(world):
    cur = curriculum_for(world)
    plan = plan_for(world)
    objective = objective_for(world, plan, cur)
    support = _support(world, plan)
    return cur, plan, objective, support


# --- Services ------------------------------------------------------------------


def test_changing_an_objective_keeps_a_version_with_who_and_why(world):
    cur, plan, objective, _ = _setup(world)
    plans.objective_update(
        objective=objective,
        changed_by=world.teacher,
        reason="Baseline probe was 25, not 30.",
        baseline_value=25,
        competencies=[cur.ratio, cur.rate],
        target_date=TARGET + dt.timedelta(days=14),
    )
    objective.refresh_from_db()
    assert objective.baseline_value == 25
    assert set(objective.competencies.all()) == {cur.ratio, cur.rate}
    version = plan.versions.order_by("-number").first()
    assert (version.number, version.changed_by, version.reason) == (
        4,
        world.teacher,
        "Baseline probe was 25, not 30.",
    )
    state = version.snapshot["objectives"][0]
    assert state["baseline"] == [BASELINE.isoformat(), 25]
    assert state["target"][0] == (TARGET + dt.timedelta(days=14)).isoformat()
    assert state["competencies"] == sorted([cur.ratio.pk, cur.rate.pk])
    previous = plan.versions.get(number=3).snapshot["objectives"][0]
    assert previous["baseline"] == [BASELINE.isoformat(), 30]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target_date": BASELINE - dt.timedelta(days=1)}, TARGET_BEFORE_BASELINE),
        ({"baseline_date": TARGET}, TARGET_BEFORE_BASELINE),
        (
            {"method": METHOD_PERCENT, "target_value": 150},
            "A target of 150 cannot be measured by percent correct on checks",
        ),
        ({"method": "vibes"}, "Unknown measurement method 'vibes'"),
        ({"competencies": []}, NEEDS_COMPETENCY),
    ],
)
def test_a_bad_objective_change_is_refused_and_changes_nothing(world, change, message):
    _, plan, objective, _ = _setup(world)
    with pytest.raises(ValidationError) as err:
        plans.objective_update(
            objective=objective, changed_by=world.teacher, reason="Try.", **change
        )
    assert str(message) in str(err.value)
    stored = SpecificObjective.objects.get(pk=objective.pk)
    assert (stored.method, stored.baseline_date, stored.target_date, stored.target_value) == (
        METHOD_MANUAL,
        BASELINE,
        TARGET,
        60,
    )
    assert stored.competencies.count() == 1 and plan.versions.count() == 3


def test_a_change_or_removal_needs_a_reason(world):
    _, plan, objective, support = _setup(world)
    for call in (
        lambda: plans.objective_update(
            objective=objective, changed_by=world.teacher, reason=" ", statement="x"
        ),
        lambda: plans.objective_delete(objective=objective, changed_by=world.teacher, reason=""),
        lambda: plans.support_update(
            support=support, changed_by=world.teacher, reason="", provider="x"
        ),
        lambda: plans.support_delete(support=support, changed_by=world.teacher, reason="  "),
    ):
        with pytest.raises(ValidationError) as err:
            call()
        assert str(REASON_REQUIRED) in str(err.value)
    assert SpecificObjective.objects.get(pk=objective.pk).statement == "Read 60 words a minute"
    assert Support.objects.get(pk=support.pk).provider == "Ms Diaz, aide"
    assert plan.versions.count() == 3


def test_a_hand_measured_objective_keeps_its_method(world):
    _, _, objective, _ = _setup(world)
    plans.measurement_record(objective=objective, recorded_by=world.teacher, on=BASELINE, value=31)
    with pytest.raises(ValidationError) as err:
        plans.objective_update(
            objective=objective,
            changed_by=world.teacher,
            reason="Use checks instead.",
            method=METHOD_PERCENT,
            baseline_value=20,
            target_value=80,
        )
    assert "1 measurement(s) entered by hand" in str(err.value)
    assert SpecificObjective.objects.get(pk=objective.pk).method == METHOD_MANUAL


def test_removing_an_objective_keeps_it_and_its_measurements_in_the_version(world):
    _, plan, objective, _ = _setup(world)
    plans.measurement_record(objective=objective, recorded_by=world.teacher, on=BASELINE, value=31)
    number = plans.objective_delete(
        objective=objective, changed_by=world.teacher, reason="Goal met early."
    )
    assert number == 4 and not plan.objectives.exists() and not Measurement.objects.exists()
    version = plan.versions.get(number=4)
    assert version.reason == "Goal met early." and version.changed_by == world.teacher
    assert version.snapshot["objectives"] == []
    removed = version.snapshot["removed"]["objective"]
    assert removed["statement"] == "Read 60 words a minute"
    assert removed["measurements"] == [[BASELINE.isoformat(), 31.0, ""]]


def test_changing_and_removing_a_support(world):
    _, plan, _, support = _setup(world)
    plans.support_session_log(support=support, logged_by=world.teacher, on=BASELINE, minutes=25)
    with pytest.raises(ValidationError) as err:
        plans.support_update(
            support=support, changed_by=world.teacher, reason="x", planned_minutes_per_week=0
        )
    assert str(MINUTES_POSITIVE) in str(err.value)
    with pytest.raises(ValidationError) as err:
        plans.support_update(support=support, changed_by=world.teacher, reason="x", kind="magic")
    assert "Unknown kind of support 'magic'" in str(err.value)
    plans.support_update(
        support=support,
        changed_by=world.teacher,
        reason="Aide has more time.",
        kind="small_group",
        planned_minutes_per_week=90,
    )
    assert plan.versions.get(number=4).snapshot["supports"][0]["planned_minutes_per_week"] == 90
    assert support.sessions.count() == 1  # sessions stay with a changed support
    number = plans.support_delete(support=support, changed_by=world.teacher, reason="Aide left.")
    version = plan.versions.get(number=number)
    assert number == 5 and version.snapshot["supports"] == []
    assert version.snapshot["removed"]["support"]["sessions"] == [[BASELINE.isoformat(), 25, ""]]
    assert not SupportSession.objects.exists()


# --- Pages ---------------------------------------------------------------------


def test_teacher_changes_and_removes_through_the_pages(world):
    cur, plan, objective, support = _setup(world)
    teacher = _client(world.teacher)
    detail = teacher.get(f"/plans/{plan.pk}/").content.decode()
    for url in (
        f"/objectives/{objective.pk}/edit/",
        f"/objectives/{objective.pk}/delete/",
        f"/supports/{support.pk}/edit/",
        f"/supports/{support.pk}/delete/",
    ):
        assert f'href="{url}"' in detail
    form = teacher.get(f"/objectives/{objective.pk}/edit/").content.decode()
    assert "Read 60 words a minute" in form and 'value="30.0"' in form
    fields = {
        "statement": "Read 70 words a minute",
        "competencies": [cur.ratio.pk],
        "method": METHOD_MANUAL,
        "unit": "wpm",
        "baseline_value": "30",
        "baseline_date": BASELINE.isoformat(),
        "target_value": "70",
        "target_date": TARGET.isoformat(),
    }
    bad = teacher.post(
        f"/objectives/{objective.pk}/edit/",
        fields | {"target_date": "2026-08-01", "reason": "Higher goal."},
    )
    assert bad.status_code == 200 and str(TARGET_BEFORE_BASELINE) in bad.content.decode()
    no_reason = teacher.post(f"/objectives/{objective.pk}/edit/", fields | {"reason": ""})
    assert no_reason.status_code == 200 and "This field is required" in no_reason.content.decode()
    ok = teacher.post(f"/objectives/{objective.pk}/edit/", fields | {"reason": "Higher goal."})
    assert ok.status_code == 302 and ok["Location"] == f"/plans/{plan.pk}/"
    objective.refresh_from_db()
    assert objective.target_value == 70 and plan.versions.first().reason == "Higher goal."

    ok = teacher.post(
        f"/supports/{support.pk}/edit/",
        {
            "kind": "small_group",
            "provider": "Mr Lee, specialist",
            "focus": "",
            "planned_minutes_per_week": "45",
            "reason": "New specialist.",
        },
    )
    assert ok.status_code == 302
    assert Support.objects.get(pk=support.pk).provider == "Mr Lee, specialist"

    plans.support_session_log(support=support, logged_by=world.teacher, on=BASELINE, minutes=20)
    confirm = teacher.get(f"/supports/{support.pk}/delete/").content.decode()
    assert "Mr Lee, specialist" in confirm and "1 logged session" in confirm
    assert teacher.post(f"/supports/{support.pk}/delete/", {"reason": ""}).status_code == 200
    assert Support.objects.filter(pk=support.pk).exists()
    gone = teacher.post(f"/supports/{support.pk}/delete/", {"reason": "Sessions ended."})
    assert gone.status_code == 302 and not Support.objects.filter(pk=support.pk).exists()
    gone = teacher.post(f"/objectives/{objective.pk}/delete/", {"reason": "Goal met."})
    assert gone.status_code == 302 and not plan.objectives.exists()
    page = teacher.get(f"/plans/{plan.pk}/").content.decode()
    assert "Sessions ended." in page and "Goal met." in page and "New specialist." in page


def test_edit_pages_are_plan_reads_in_the_log(world):
    _, plan, objective, support = _setup(world)
    teacher = _client(world.teacher)
    for url in (
        f"/plans/{plan.pk}/edit/",
        f"/objectives/{objective.pk}/edit/",
        f"/supports/{support.pk}/delete/",
    ):
        assert teacher.get(url).status_code == 200
    assert PlanReadLog.objects.filter(plan=plan, reader=world.teacher, via="page").count() == 3


# --- API -----------------------------------------------------------------------


def test_api_changes_and_removes_an_objective_and_a_support(world):
    cur, plan, objective, support = _setup(world)
    teacher = _client(world.teacher)
    url = f"/api/v1/individual-plans/objectives/{objective.pk}"
    bad = _json(teacher, "patch", url, {"reason": "x", "target_date": "2026-01-01"})
    assert bad.status_code == 400 and str(TARGET_BEFORE_BASELINE) in bad.json()["detail"]
    bad = _json(teacher, "patch", url, {"reason": "x", "competency_ids": [999999]})
    assert bad.status_code == 400 and COMPETENCY_ELSEWHERE.format(id=999999) in bad.json()["detail"]
    bad = _json(teacher, "patch", url, {"reason": "", "target_value": 70})
    assert bad.status_code == 400 and str(REASON_REQUIRED) in bad.json()["detail"]
    changed = _json(
        teacher, "patch", url, {"reason": "Higher goal.", "target_value": 70, "unit": "words/min"}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["target_value"] == 70 and changed.json()["unit"] == "words/min"

    surl = f"/api/v1/individual-plans/supports/{support.pk}"
    changed = _json(
        teacher, "patch", surl, {"reason": "More time.", "planned_minutes_per_week": 90}
    )
    assert changed.status_code == 200 and changed.json()["planned_minutes_per_week"] == 90

    removed = _json(teacher, "delete", surl, {"reason": "Aide left."})
    assert removed.status_code == 200 and removed.json() == {"plan_id": plan.pk, "version": 6}
    assert _json(teacher, "delete", url, {"reason": ""}).status_code == 400
    removed = _json(teacher, "delete", url, {"reason": "Goal met."})
    assert removed.json() == {"plan_id": plan.pk, "version": 7}
    versions = teacher.get(f"/api/v1/individual-plans/{plan.pk}/versions").json()
    assert [v["reason"] for v in versions[:4]] == [
        "Goal met.",
        "Aide left.",
        "More time.",
        "Higher goal.",
    ]
    assert versions[0]["snapshot"]["removed"]["objective"]["target"][1] == 70
    assert _json(teacher, "delete", url, {"reason": "again"}).status_code == 404


# --- Who may -------------------------------------------------------------------

VIEWERS = [
    "admin",
    "teacher",
    "teacher_b",
    "dual",
    "learner",
    "sibling",
    "other_learner",
    "guardian",
    "stranger",
]
#: May read the plan, so a refused change is 403; everyone else gets 404.
READERS = {"admin", "learner", "guardian"}


@pytest.mark.privacy
@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_learners_teachers_change_or_remove(viewer, world, other_world):
    mine = _setup(world)
    theirs = _setup(other_world)
    me = world.people()[viewer]
    client = _client(me)
    for same, (_, plan, objective, support) in ((True, mine), (False, theirs)):
        attempts = {
            "objective page": client.get(f"/objectives/{objective.pk}/edit/"),
            "objective post": client.post(
                f"/objectives/{objective.pk}/edit/", {"statement": "hacked", "reason": "x"}
            ),
            "objective remove page": client.post(
                f"/objectives/{objective.pk}/delete/", {"reason": "x"}
            ),
            "support page": client.get(f"/supports/{support.pk}/edit/"),
            "support remove page": client.post(f"/supports/{support.pk}/delete/", {"reason": "x"}),
            "objective api": _json(
                client,
                "patch",
                f"/api/v1/individual-plans/objectives/{objective.pk}",
                {"reason": "x", "statement": "hacked"},
            ),
            "objective api delete": _json(
                client,
                "delete",
                f"/api/v1/individual-plans/objectives/{objective.pk}",
                {"reason": "x"},
            ),
            "support api": _json(
                client,
                "patch",
                f"/api/v1/individual-plans/supports/{support.pk}",
                {"reason": "x", "provider": "hacked"},
            ),
            "support api delete": _json(
                client,
                "delete",
                f"/api/v1/individual-plans/supports/{support.pk}",
                {"reason": "x"},
            ),
        }
        if same and viewer == "teacher":
            continue  # the teacher's own changes are tested above
        want = 403 if (same and viewer in READERS) else 404
        for name, response in attempts.items():
            assert response.status_code == want, (viewer, same, name)
            if name.endswith("api") or name.endswith("api delete"):
                assert response.json() == {"detail": FORBIDDEN if want == 403 else NOT_FOUND}
            assert "Read 60 words a minute" not in response.content.decode()
        assert SpecificObjective.objects.get(pk=objective.pk).statement == "Read 60 words a minute"
        assert Support.objects.get(pk=support.pk).provider == "Ms Diaz, aide"
        assert plan.versions.count() == 3
