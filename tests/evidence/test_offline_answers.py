"""Issue 23, the server side of answers sent late from an offline device:
mastery counts them in the order they were given, the time limit is judged
by when they were given (within bounds), refusals are kept for the teacher
with their reason, and retries record once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from trellis.api.models import ApiToken
from trellis.curriculum.models import item as kinds
from trellis.evidence import services
from trellis.evidence.models import MasteryRecord, RefusedAnswer, Response
from trellis.evidence.services import assessments as assessment_services
from trellis.evidence.services import responses as response_services

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)
# (kind, answer, right?) — the three auto-scored kinds of ``make_items``.
RIGHT_CHOICE = (kinds.CHOICE, "1")
WRONG_NUMBER = (kinds.NUMERIC, "2.6")
WRONG_TEXT = (kinds.TEXT, "denominator")


def _practise(setup, learner, given, key, *, answered_at=None, offline=False):
    kind, answer = given
    return services.response_record(
        learner=learner,
        item=setup.items[kind],
        answer=answer,
        idempotency_key=key,
        source="practice",
        answered_at=answered_at,
        offline=offline,
    )


def _probability(setup, learner) -> float:
    return MasteryRecord.objects.get(learner=learner, competency=setup.competency).probability


def test_a_late_answer_counts_when_it_was_given_not_when_it_arrived(setup):
    world = setup.world
    now = timezone.now()
    # Sent late: right online now, then two wrong answers given earlier offline.
    late = world.learner
    _practise(setup, late, RIGHT_CHOICE, "l1")
    _practise(setup, late, WRONG_NUMBER, "l2", answered_at=now - 2 * MINUTE, offline=True)
    _practise(setup, late, WRONG_TEXT, "l3", answered_at=now - MINUTE, offline=True)
    # The same three answers recorded online as they were given ...
    in_order = world.sibling
    for n, given in enumerate([WRONG_NUMBER, WRONG_TEXT, RIGHT_CHOICE]):
        _practise(setup, in_order, given, f"o{n}")
    # ... and in the order they arrived.
    arrival = world.other_learner
    for n, given in enumerate([RIGHT_CHOICE, WRONG_NUMBER, WRONG_TEXT]):
        _practise(setup, arrival, given, f"a{n}")

    assert _probability(setup, late) == pytest.approx(_probability(setup, in_order))
    assert _probability(setup, late) != pytest.approx(_probability(setup, arrival))
    record = MasteryRecord.objects.get(learner=late, competency=setup.competency)
    assert (record.attempts, record.correct) == (3, 1)


def test_answers_sent_in_the_order_given_update_mastery_one_by_one(setup):
    now = timezone.now()
    learner, reference = setup.world.learner, setup.world.sibling
    answers = [WRONG_NUMBER, RIGHT_CHOICE, WRONG_TEXT]
    for n, given in enumerate(answers):
        result = _practise(
            setup, learner, given, f"q{n}", answered_at=now - (3 - n) * MINUTE, offline=True
        )
        _practise(setup, reference, given, f"r{n}")
        assert result.created
        assert result.estimates[setup.competency.pk].probability == pytest.approx(
            _probability(setup, reference)
        )
    stored = list(Response.objects.filter(learner=learner).order_by("answered_at"))
    assert [r.item.kind for r in stored] == [kind for kind, _ in answers]
    assert all(r.offline for r in stored)


def test_a_retried_offline_answer_is_recorded_once(setup):
    now = timezone.now()
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    results = [
        services.response_record(
            learner=learner,
            item=setup.items[kinds.CHOICE],
            answer="1",
            idempotency_key="same",
            attempt=attempt,
            answered_at=now,
            offline=True,
        )
        for _ in range(3)
    ]
    assert [r.created for r in results] == [True, False, False]
    assert Response.objects.filter(learner=learner).count() == 1
    record = MasteryRecord.objects.get(learner=learner, competency=setup.competency)
    assert record.attempts == 1


def _timed_attempt(setup, *, started_ago, limit_minutes=10):
    setup.assessment.time_limit_minutes = limit_minutes
    setup.assessment.save()
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    attempt.started_at = timezone.now() - started_ago
    attempt.due_at = attempt.started_at + dt.timedelta(minutes=limit_minutes)
    attempt.save()
    return learner, attempt


def _offline_answer(setup, learner, attempt, key, answered_at, kind=kinds.CHOICE, answer="1"):
    return services.response_record(
        learner=learner,
        item=setup.items[kind],
        answer=answer,
        idempotency_key=key,
        attempt=attempt,
        answered_at=answered_at,
        offline=True,
    )


def test_time_limit_is_judged_by_when_the_answer_was_given(setup):
    learner, attempt = _timed_attempt(setup, started_ago=dt.timedelta(minutes=30))
    # Given 5 minutes into a 10-minute limit, received 25 minutes later: counts.
    given = attempt.started_at + 5 * MINUTE
    result = _offline_answer(setup, learner, attempt, "in-time", given)
    assert result.created and result.response.answered_at == given
    # Given 12 minutes in: refused, with the reason, and kept for the teacher.
    with pytest.raises(ValidationError) as refused:
        _offline_answer(
            setup, learner, attempt, "too-late", attempt.started_at + 12 * MINUTE, kinds.TEXT
        )
    assert refused.value.messages == [str(response_services.ANSWERED_AFTER_TIME_LIMIT)]
    kept = RefusedAnswer.objects.get(learner=learner)
    assert kept.reason == str(response_services.ANSWERED_AFTER_TIME_LIMIT)
    assert (kept.item, kept.attempt, kept.answer) == (setup.items[kinds.TEXT], attempt, "1")
    assert Response.objects.filter(learner=learner).count() == 1


def test_a_refused_answer_retried_is_refused_again_and_kept_once(setup):
    learner, attempt = _timed_attempt(setup, started_ago=dt.timedelta(minutes=30))
    late = attempt.started_at + 15 * MINUTE
    for _ in range(3):
        with pytest.raises(ValidationError):
            _offline_answer(setup, learner, attempt, "k", late)
    assert RefusedAnswer.objects.filter(learner=learner).count() == 1
    assert not Response.objects.filter(learner=learner).exists()


def test_device_time_is_kept_between_the_attempt_start_and_arrival(setup):
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    before_start = attempt.started_at - dt.timedelta(days=3)
    early = _offline_answer(setup, learner, attempt, "early", before_start).response
    assert early.answered_at == attempt.started_at
    future = timezone.now() + dt.timedelta(hours=5)
    late = _offline_answer(setup, learner, attempt, "future", future, kinds.TEXT, "numerator")
    assert attempt.started_at <= late.response.answered_at <= late.response.recorded_at


def test_a_learner_claiming_an_early_time_cannot_stretch_the_limit_forever(setup):
    """The trust bound: a device may say it answered in time, but not more
    than ``OFFLINE_GRACE`` after the deadline has passed."""
    grace = response_services.OFFLINE_GRACE
    learner, attempt = _timed_attempt(setup, started_ago=grace + dt.timedelta(minutes=20))
    claimed = attempt.started_at + MINUTE
    with pytest.raises(ValidationError) as refused:
        _offline_answer(setup, learner, attempt, "claimed", claimed)
    assert refused.value.messages == [str(response_services.SENT_TOO_LONG_AFTER_TIME_LIMIT)]
    assert RefusedAnswer.objects.filter(learner=learner, idempotency_key="claimed").exists()


def test_an_answer_reaching_a_closed_assessment_is_refused_and_kept(setup):
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    given = timezone.now()
    assessment_services.assessment_close(assessment=setup.assessment)
    with pytest.raises(ValidationError) as refused:
        _offline_answer(setup, learner, attempt, "closed", given)
    assert refused.value.messages == [assessment_services.CLOSED]
    kept = RefusedAnswer.objects.get(learner=learner)
    assert kept.reason == assessment_services.CLOSED and kept.answered_at == given


def test_an_online_refusal_is_not_kept(setup):
    """Online, the learner sees the refusal at once and can answer again:
    nothing is kept; only answers from the offline queue are."""
    learner = setup.world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    assessment_services.assessment_close(assessment=setup.assessment)
    with pytest.raises(ValidationError):
        services.response_record(
            learner=learner,
            item=setup.items[kinds.CHOICE],
            answer="1",
            idempotency_key="online",
            attempt=attempt,
        )
    assert not RefusedAnswer.objects.exists()


# The API: answered_at and offline, a refusal's status and reason, retries.


def _session(user) -> Client:
    client = Client(enforce_csrf_checks=False)
    client.force_login(user)
    return client


def _bearer(user) -> dict:
    _, raw = ApiToken.issue(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("auth", ["session", "bearer"])
def test_api_records_an_offline_answer_once_and_refuses_with_the_reason(setup, auth):
    learner = setup.world.learner
    client, extra = (_session(learner), {}) if auth == "session" else (Client(), _bearer(learner))
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    given = timezone.now() - MINUTE
    body = {
        "item_id": setup.items[kinds.CHOICE].pk,
        "attempt_id": attempt.pk,
        "answer": "1",
        "answered_at": given.isoformat(),
        "offline": True,
    }
    sent = [
        client.post(
            "/api/v1/responses",
            body,
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="api-key",
            **extra,
        )
        for _ in range(2)
    ]
    assert [s.status_code for s in sent] == [201, 200]
    assert sent[0].json()["offline"] is True
    assert sent[0].json()["answered_at"] is not None
    assert Response.objects.filter(learner=learner).count() == 1

    assessment_services.assessment_close(assessment=setup.assessment)
    refused = client.post(
        "/api/v1/responses",
        {**body, "item_id": setup.items[kinds.TEXT].pk, "answer": "numerator"},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-late",
        **extra,
    )
    assert refused.status_code == 400
    assert refused.json() == {"detail": assessment_services.CLOSED}
    assert RefusedAnswer.objects.filter(learner=learner, idempotency_key="api-late").count() == 1


# What the teacher sees.


def test_teacher_sees_late_and_refused_answers_and_others_do_not(setup, other_world):
    world = setup.world
    learner = world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    _offline_answer(setup, learner, attempt, "late", timezone.now() - MINUTE)
    assessment_services.assessment_close(assessment=setup.assessment)
    with pytest.raises(ValidationError):
        _offline_answer(setup, learner, attempt, "refused", timezone.now(), kinds.TEXT, "half")
    url = f"/assessments/{setup.assessment.pk}/"
    page = _session(world.teacher).get(url).content.decode()
    assert "1 answer sent late from an offline device" in page
    assert "data-late-answers" in page and "data-refused-answers" in page
    assert str(assessment_services.CLOSED) in page and "half" in page
    assert _session(other_world.teacher).get(url).status_code == 404
    assert _session(world.teacher_b).get(url).status_code == 404
    # The learner is sent to take it, never to the teacher's page.
    mine = _session(learner).get(url)
    assert mine.status_code == 302 and "half" not in mine.content.decode()


def test_teacher_page_is_in_spanish(setup):
    world = setup.world
    learner = world.learner
    attempt = services.attempt_start(assessment=setup.assessment, learner=learner)
    assessment_services.assessment_close(assessment=setup.assessment)
    with pytest.raises(ValidationError):
        _offline_answer(setup, learner, attempt, "refused", timezone.now())
    client = _session(world.teacher)
    client.cookies["django_language"] = "es"
    page = client.get(f"/assessments/{setup.assessment.pk}/", HTTP_ACCEPT_LANGUAGE="es").content
    assert "Respuestas rechazadas" in page.decode()
