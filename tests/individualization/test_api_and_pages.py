"""The API under /api/v1/individual-plans and /api/v1/modules, its error
messages, pinned query counts on lists, and the plan pages' forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.individualization.helpers import BASELINE, TARGET, curriculum_for, plan_for
from trellis.individualization.constants import (
    COMPETENCY_ELSEWHERE,
    EXTENDED_TIME,
    METHOD_MANUAL,
    METHOD_PERCENT,
    METHOD_PROBABILITY,
    READ_ALOUD,
    TARGET_BEFORE_BASELINE,
)
from trellis.individualization.models import IndividualPlan

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, data):
    return client.post(url, data=data, content_type="application/json")


def test_plan_lifecycle_through_the_api(world):
    cur = curriculum_for(world)
    teacher = _client(world.teacher)
    created = _post(
        teacher,
        "/api/v1/individual-plans",
        {
            "learner_id": world.learner.pk,
            "title": "Plan",
            "accommodations": [EXTENDED_TIME],
            "review_dates": ["2026-10-01"],
        },
    )
    assert created.status_code == 201, created.content
    plan_id = created.json()["id"]
    objective = _post(
        teacher,
        f"/api/v1/individual-plans/{plan_id}/objectives",
        {
            "statement": "Read 60 wpm",
            "competency_ids": [cur.ratio.pk],
            "method": METHOD_MANUAL,
            "unit": "wpm",
            "baseline_value": 30,
            "baseline_date": str(BASELINE),
            "target_value": 60,
            "target_date": str(TARGET),
        },
    )
    assert objective.status_code == 201, objective.content
    oid = objective.json()["id"]
    point = _post(
        teacher,
        f"/api/v1/individual-plans/objectives/{oid}/measurements",
        {"on": "2026-09-15", "value": 33},
    )
    assert point.status_code == 201 and point.json()["value"] == 33
    progress = teacher.get(f"/api/v1/individual-plans/objectives/{oid}/progress").json()
    assert [p["value"] for p in progress["points"]] == [33] and progress[
        "decision"
    ] == "insufficient_data"
    assert progress["svg"].startswith("<svg")
    support = _post(
        teacher,
        f"/api/v1/individual-plans/{plan_id}/supports",
        {"kind": "one_on_one", "provider": "Aide", "planned_minutes_per_week": 30},
    )
    assert support.status_code == 201
    session = _post(
        teacher,
        f"/api/v1/individual-plans/supports/{support.json()['id']}/sessions",
        {"on": "2026-09-16", "minutes": 20},
    )
    assert session.status_code == 201
    changed = teacher.patch(
        f"/api/v1/individual-plans/{plan_id}",
        data={"reason": "Add read aloud", "accommodations": [EXTENDED_TIME, READ_ALOUD]},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["version"] == 4
    versions = teacher.get(f"/api/v1/individual-plans/{plan_id}/versions").json()
    assert [v["reason"] for v in versions] == [
        "Add read aloud",
        "Support added.",
        "Objective added.",
        "Plan written.",
    ]
    detail = teacher.get(f"/api/v1/individual-plans/{plan_id}").json()
    assert detail["supports"][0]["sessions"][0]["minutes"] == 20


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"accommodations": ["mind-reading"]}, "Unknown accommodation 'mind-reading'"),
        ({"review_dates": ["next week"]}, "Review date 'next week' is not a date"),
        ({"time_multiplier": 9}, "The extended-time multiplier must be between 1 and 4"),
    ],
)
def test_bad_plan_input_is_refused_with_a_clear_message(world, payload, message):
    response = _post(
        _client(world.teacher),
        "/api/v1/individual-plans",
        {"learner_id": world.learner.pk, "title": "Plan", **payload},
    )
    assert response.status_code == 400 and message in response.json()["detail"]
    assert not IndividualPlan.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target_date": str(BASELINE - dt.timedelta(days=1))}, TARGET_BEFORE_BASELINE),
        (
            {"method": METHOD_PROBABILITY, "target_value": 150, "baseline_value": 0.2},
            "A target of 150 cannot be measured by mastery probability: it must lie between 0 and 1",
        ),
    ],
)
def test_bad_objective_input_is_refused_with_a_clear_message(world, change, message):
    cur = curriculum_for(world)
    plan = plan_for(world)
    body = {
        "statement": "x",
        "competency_ids": [cur.ratio.pk],
        "method": METHOD_PERCENT,
        "baseline_value": 20,
        "baseline_date": str(BASELINE),
        "target_value": 80,
        "target_date": str(TARGET),
        **change,
    }
    response = _post(_client(world.teacher), f"/api/v1/individual-plans/{plan.pk}/objectives", body)
    assert response.status_code == 400 and str(message) in response.json()["detail"]
    assert plan.objectives.count() == 0


def test_plan_list_query_count_is_pinned(world, django_assert_num_queries):
    plan_for(world)
    for learner in (world.sibling,):
        from trellis.individualization.services import plans

        plans.plan_create(learner=learner, author=world.teacher, title="Sibling plan")
    client = _client(world.admin)
    client.get("/api/v1/individual-plans")
    # The session, the admin, and the plans with their learners in one query:
    # the same for two plans as for twenty.
    with django_assert_num_queries(3):
        rows = client.get("/api/v1/individual-plans").json()
    assert len(rows) == 2


def test_modules_api_arranges_and_reports_pacing(world, django_assert_num_queries):
    cur = curriculum_for(world)
    teacher = _client(world.teacher)
    seq = _post(
        teacher, "/api/v1/modules/sequences", {"class_id": world.class_a.pk, "title": "Unit"}
    )
    assert seq.status_code == 201
    for title in ("One", "Two"):
        module = _post(
            teacher,
            "/api/v1/modules",
            {"sequence_id": seq.json()["id"], "title": title, "competency_ids": [cur.ratio.pk]},
        )
        assert module.status_code == 201
    bad = _post(
        teacher,
        "/api/v1/modules",
        {
            "sequence_id": seq.json()["id"],
            "title": "x",
            "competency_ids": [cur.ratio.pk],
            "threshold": 5,
        },
    )
    assert bad.status_code == 400 and "threshold" in bad.json()["detail"]
    listing = teacher.get(f"/api/v1/modules?class_id={world.class_a.pk}").json()
    assert [m["title"] for m in listing[0]["modules"]] == ["One", "Two"]
    # 9: the session, the teacher, the class, the caller's active roles (a
    # deactivated role gives no access), the class's two teaching lookups,
    # the roster, the paces and the modules: none per learner.
    with django_assert_num_queries(9):
        board = teacher.get(f"/api/v1/modules/pacing/{world.class_a.pk}").json()
    assert {(r["learner_id"], r["position"], r["of"]) for r in board} == {
        (world.learner.pk, 1, 2),
        (world.sibling.pk, 1, 2),
    }
    later = _post(
        teacher,
        "/api/v1/modules/paces",
        {
            "class_id": world.class_a.pk,
            "learner_id": world.learner.pk,
            "sequence_id": seq.json()["id"],
            "start_after": str(dt.date.today() + dt.timedelta(days=3)),
        },
    )
    assert later.status_code == 201 and later.json()["status"] == "not started"


def test_teacher_writes_a_plan_through_the_page_and_bad_dates_are_explained(world):
    cur = curriculum_for(world)
    teacher = _client(world.teacher)
    response = teacher.post(
        f"/learners/{world.learner.pk}/plans/new/",
        {
            "title": "Own pace in maths",
            "accommodations": [EXTENDED_TIME, READ_ALOUD],
            "time_multiplier": "2",
            "review_dates": "2026-10-01, 2026-12-01",
            "summary": "",
            "responsible_note": "Ms Diaz (aide)",
        },
    )
    plan = IndividualPlan.objects.get(learner=world.learner)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"
    assert plan.accommodations == [EXTENDED_TIME, READ_ALOUD] and plan.time_multiplier == 2
    bad = teacher.post(
        f"/plans/{plan.pk}/objectives/new/",
        {
            "statement": "Ratios",
            "competencies": [cur.ratio.pk],
            "method": METHOD_PROBABILITY,
            "baseline_value": "0.2",
            "baseline_date": "2026-09-01",
            "target_value": "150",
            "target_date": "2026-08-01",
            "reason": "Objective added.",
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and str(TARGET_BEFORE_BASELINE) in body
    page = teacher.get(f"/plans/{plan.pk}/").content.decode()
    assert "Extended time" in page and "Time limits are multiplied by 2.0" in page
    no_reason = teacher.post(
        f"/plans/{plan.pk}/edit/", {"title": "X", "time_multiplier": "2", "reason": ""}
    )
    assert no_reason.status_code == 200 and "This field is required" in no_reason.content.decode()
    assert (
        _client(world.guardian).get(f"/learners/{world.learner.pk}/plans/new/").status_code == 403
    )
    assert (
        _client(world.teacher_b).get(f"/learners/{world.learner.pk}/plans/new/").status_code == 404
    )


def test_teacher_arranges_modules_and_places_a_learner_through_the_pages(world):
    from trellis.individualization.models import LearnerPace, ModuleSequence

    cur = curriculum_for(world)
    teacher = _client(world.teacher)
    board = f"/classes/{world.class_a.pk}/modules/"
    assert (
        teacher.post(f"{board}sequences/", {"title": "Unit", "is_default": "on"}).status_code == 302
    )
    seq = ModuleSequence.objects.get(school_class=world.class_a)
    bad = teacher.post(
        f"/sequences/{seq.pk}/modules/new/", {"title": "M", "competencies": [], "threshold": "0.8"}
    )
    assert bad.status_code == 200 and "This field is required" in bad.content.decode()
    added = teacher.post(
        f"/sequences/{seq.pk}/modules/new/",
        {
            "title": "Ratio language",
            "competencies": [cur.ratio.pk],
            "threshold": "0.7",
            "practice": "10 items",
        },
    )
    assert added.status_code == 302
    assert LearnerPace.objects.filter(school_class=world.class_a).count() == 2
    later = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    placed = teacher.post(
        f"{board}place/", {"learner": world.learner.pk, "sequence": seq.pk, "start_after": later}
    )
    assert placed.status_code == 302
    page = teacher.get(board).content.decode()
    assert "Ratio language" in page and "starts after" in page
    mine = _client(world.sibling).get("/modules/mine/").content.decode()
    assert "Now: <strong>Ratio language</strong>" in mine and "10 items" in mine
    assert _client(world.admin).post(f"{board}sequences/", {"title": "X"}).status_code == 403
    assert ModuleSequence.objects.count() == 1


def test_unknown_accommodation_is_refused_by_name_on_the_page_and_in_a_change(world):
    teacher = _client(world.teacher)
    page = teacher.post(
        f"/learners/{world.learner.pk}/plans/new/",
        {"title": "Plan", "time_multiplier": "1.5", "accommodations": ["telepathy"]},
    )
    assert page.status_code == 200
    assert "Unknown accommodation &#x27;telepathy&#x27;; use one of: extended-time" in (
        page.content.decode()
    )
    assert not IndividualPlan.objects.exists()
    plan = plan_for(world)
    response = teacher.patch(
        f"/api/v1/individual-plans/{plan.pk}",
        data={"reason": "More help.", "accommodations": [READ_ALOUD, "telepathy"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Unknown accommodation 'telepathy'" in response.json()["detail"]
    plan.refresh_from_db()
    assert plan.accommodations == [EXTENDED_TIME] and plan.version == 1


def test_api_lists_decisions_and_reports_as_the_pages_do(world):
    from django.utils import timezone

    from tests.individualization.helpers import answer_all, check_for
    from trellis.individualization.services import plans, reports

    cur = curriculum_for(world)
    plan = plan_for(world)
    start = timezone.localdate() - dt.timedelta(days=40)
    objective = plans.objective_add(
        plan=plan,
        changed_by=world.teacher,
        reason="Objective added.",
        statement="Read 50 wpm",
        competencies=[cur.ratio],
        method=METHOD_MANUAL,
        baseline_value=10,
        baseline_date=start,
        target_value=50,
        target_date=start + dt.timedelta(days=80),
    )
    for week in range(1, 5):
        plans.measurement_record(
            objective=objective,
            recorded_by=world.teacher,
            on=start + dt.timedelta(days=7 * week),
            value=11,
        )
    got = _client(world.teacher).get("/api/v1/individual-plans/decisions").json()
    assert [(d["objective_id"], d["decision"]) for d in got] == [(objective.pk, "change_plan")]
    assert "consider changing it" in got[0]["message"]
    for who in ("admin", "guardian", "learner", "teacher_b"):  # prompts are for the changers
        assert _client(world.people()[who]).get("/api/v1/individual-plans/decisions").json() == []

    summative = check_for(world.class_a, cur.items, purpose="of", title="Unit test")
    answer_all(world.learner, summative, right=2)
    made = _post(
        _client(world.teacher),
        "/api/v1/individual-plans/reports",
        {"learner_id": world.learner.pk, "assessment_id": summative.pk},
    )
    assert made.status_code == 201, made.content
    report_id = made.json()["id"]

    def listed(who: str) -> list[int]:
        rows = _client(world.people()[who]).get("/api/v1/individual-plans/reports").json()
        return [r["id"] for r in rows]

    assert listed("teacher") == listed("learner") == listed("admin") == [report_id]
    assert listed("guardian") == [] and listed("teacher_b") == []
    reports.summative_report_share(report=reports.SummativeReport.objects.get(pk=report_id))
    assert listed("guardian") == [report_id]


def test_api_changes_a_module_and_tells_a_learner_where_they_are(
    world, django_capture_on_commit_callbacks
):
    from tests.individualization.helpers import answer_all, check_for
    from trellis.individualization.services import pacing

    cur = curriculum_for(world)
    first = check_for(world.class_a, cur.items[:2], title="c1")
    retake = check_for(world.class_a, cur.items[2:], title="c1 again")
    seq = pacing.sequence_create(school_class=world.class_a, title="Unit", created_by=world.teacher)
    one = pacing.module_add(
        sequence=seq, title="One", competencies=[cur.ratio], mastery_check=first
    )
    two = pacing.module_add(sequence=seq, title="Two", competencies=[cur.rate])
    answer_all(world.learner, first, right=0)
    mine = _client(world.learner).get("/api/v1/modules/mine").json()
    assert [(m["sequence_id"], m["module"]["id"], m["position"], m["of"]) for m in mine] == [
        (seq.pk, one.pk, 1, 2)
    ]
    assert mine[0]["passed_module_ids"] == []
    board = _client(world.teacher).get(f"/api/v1/modules/pacing/{world.class_a.pk}").json()
    stuck = next(r for r in board if r["learner_id"] == world.learner.pk)
    assert stuck["check"].startswith("check not passed: 0 %")

    url = f"/api/v1/modules/{one.pk}"
    for who, status in (("admin", 403), ("learner", 403), ("teacher_b", 404), ("stranger", 404)):
        response = _client(world.people()[who]).patch(
            url, data={"title": "hacked"}, content_type="application/json"
        )
        assert response.status_code == status, who
    bad = _client(world.teacher).patch(
        url, data={"competency_ids": [424242]}, content_type="application/json"
    )
    assert bad.status_code == 400 and COMPETENCY_ELSEWHERE.format(id=424242) in bad.json()["detail"]
    changed = _client(world.teacher).patch(
        url, data={"mastery_check_id": retake.pk, "threshold": 1.0}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["mastery_check_id"] == retake.pk and changed.json()["title"] == "One"
    with django_capture_on_commit_callbacks(execute=True):  # as after a real request
        answer_all(world.learner, retake, right=1)
    mine = _client(world.learner).get("/api/v1/modules/mine").json()
    assert mine[0]["module"]["id"] == two.pk and mine[0]["passed_module_ids"] == [one.pk]


def test_module_change_page(world):
    from tests.individualization.helpers import check_for
    from trellis.individualization.services import pacing

    cur = curriculum_for(world)
    chk = check_for(world.class_a, cur.items, title="c1")
    seq = pacing.sequence_create(school_class=world.class_a, title="Unit", created_by=world.teacher)
    module = pacing.module_add(sequence=seq, title="One", competencies=[cur.ratio])
    teacher = _client(world.teacher)
    board = teacher.get(f"/classes/{world.class_a.pk}/modules/").content.decode()
    assert f'href="/modules/{module.pk}/edit/"' in board
    response = teacher.post(
        f"/modules/{module.pk}/edit/",
        {
            "title": "One, revised",
            "competencies": [cur.ratio.pk],
            "mastery_check": chk.pk,
            "threshold": "0.7",
        },
    )
    assert response.status_code == 302
    module.refresh_from_db()
    assert (module.title, module.mastery_check, module.threshold) == ("One, revised", chk, 0.7)
    assert _client(world.admin).get(f"/modules/{module.pk}/edit/").status_code == 403
    assert _client(world.teacher_b).get(f"/modules/{module.pk}/edit/").status_code == 404


def test_the_person_responsible_can_change_to_staff_of_the_school_only(world, other_world):
    from trellis.individualization.services.plans import RESPONSIBLE_STAFF

    plan = plan_for(world)
    teacher = _client(world.teacher)
    url = f"/api/v1/individual-plans/{plan.pk}"
    for outsider in (world.learner, other_world.teacher):
        refused = teacher.patch(
            url,
            data={"reason": "Handover.", "responsible_id": outsider.pk},
            content_type="application/json",
        )
        assert refused.status_code == 400 and str(RESPONSIBLE_STAFF) in refused.json()["detail"]
    plan.refresh_from_db()
    assert plan.responsible == world.teacher and plan.version == 1
    moved = teacher.patch(
        url,
        data={"reason": "Ms B leads from January.", "responsible_id": world.teacher_b.pk},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["responsible"] == str(world.teacher_b)
    versions = teacher.get(f"{url}/versions").json()
    assert versions[0]["changes"] == ["person responsible changed"]
    page = teacher.post(
        f"/plans/{plan.pk}/edit/",
        {
            "title": plan.title,
            "time_multiplier": "1.5",
            "accommodations": [EXTENDED_TIME],
            "responsible": world.admin.pk,
            "reason": "The admin coordinates.",
        },
    )
    assert page.status_code == 302
    plan.refresh_from_db()
    assert plan.responsible == world.admin and plan.version == 3


def test_the_apis_decision_message_follows_the_requests_language(world):
    """The progress endpoint's ``message`` is the decision rebuilt in the
    reader's language (issue #20), not the engine's English sentence."""
    from django.utils import translation

    from trellis.individualization.progress import objective_progress

    cur = curriculum_for(world)
    plan = plan_for(world)
    teacher = _client(world.teacher)
    oid = _post(
        teacher,
        f"/api/v1/individual-plans/{plan.pk}/objectives",
        {
            "statement": "Read 60 wpm",
            "competency_ids": [cur.ratio.pk],
            "method": METHOD_MANUAL,
            "unit": "wpm",
            "baseline_value": 30,
            "baseline_date": str(BASELINE),
            "target_value": 60,
            "target_date": str(TARGET),
        },
    ).json()["id"]
    url = f"/api/v1/individual-plans/objectives/{oid}/progress"
    spanish = teacher.get(url, HTTP_ACCEPT_LANGUAGE="es").json()
    english = teacher.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    progress = objective_progress(plan.objectives.get(pk=oid))
    with translation.override("es"):
        expected = progress.decision_message
    assert spanish["decision"] == "insufficient_data"
    assert spanish["message"] == expected
    assert "datos" in expected and "regla de decisión" in expected
    assert english["message"] == progress.decision.message
    assert spanish["message"] != english["message"]
