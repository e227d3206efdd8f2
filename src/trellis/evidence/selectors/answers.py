"""Reads of learners' answers, attempts and rubric scores that the apps
above evidence need (issue #21: only evidence queries its tables). Each
returns what the caller used to build itself, with the same query, so that
the query counts the tests pin do not move."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max, QuerySet

from trellis.curriculum.kinds import RUBRIC
from trellis.evidence.constants import FOR_LEARNING, OF_LEARNING
from trellis.evidence.models import Attempt, Response, RubricScore

if TYPE_CHECKING:
    from trellis.people.models import School, User


def first_answer_at(
    learner_ids: Sequence[int], since: datetime, until: datetime
) -> datetime | None:
    """When the first of these learners answered between ``since`` and
    ``until`` (one query): the live view's lesson start when none is given."""
    return (
        Response.objects.filter(
            learner_id__in=learner_ids, recorded_at__gte=since, recorded_at__lte=until
        )
        .order_by("recorded_at")
        .values_list("recorded_at", flat=True)
        .first()
    )


def lesson_answer_rows(learner_ids: Sequence[int], since: datetime, until: datetime) -> QuerySet:
    """The lesson's answers, oldest first, as (response id, learner id, time,
    correct, competency code, competency id) rows; an item on several
    competencies gives one row per competency, its first one first. Rows,
    not objects: the live view is polled during the lesson."""
    return (
        Response.objects.filter(
            learner_id__in=learner_ids, recorded_at__gte=since, recorded_at__lte=until
        )
        .order_by("recorded_at", "pk", "item__competencies__position")
        .values_list(
            "pk",
            "learner_id",
            "recorded_at",
            "correct",
            "item__competencies__code",
            "item__competencies__id",
        )
    )


def newest_answer_times(
    learner_ids: Sequence[int], competency_ids: Sequence[int]
) -> dict[int, datetime]:
    """Each learner's newest answer on any of the competencies (one query):
    how fresh the evidence behind a readiness is."""
    return dict(
        Response.objects.filter(learner_id__in=learner_ids, item__competencies__in=competency_ids)
        .values("learner_id")
        .annotate(last=Max("recorded_at"))
        .values_list("learner_id", "last")
    )


def answers_of_learners(learner_ids: Iterable[int]) -> QuerySet[Response]:
    """All of these learners' answers, to replay through the school's model
    (progress monitoring charts an objective's estimate day by day)."""
    return Response.objects.filter(learner_id__in=learner_ids)


def check_answer_rows(learner_ids: Iterable[int]) -> list[tuple]:
    """The learners' scored answers in FOR- and OF-learning assessments
    (corrected ones left out), oldest first, as (learner id, item id,
    attempt id, correct, time) rows: each attempt's share right is a point
    on an objective's chart."""
    return list(
        Response.objects.filter(
            learner_id__in=learner_ids,
            attempt__isnull=False,
            attempt__assessment__purpose__in=[FOR_LEARNING, OF_LEARNING],
            corrections__isnull=True,
            correct__isnull=False,
        )
        .order_by("recorded_at", "pk")
        .values_list("learner_id", "item_id", "attempt_id", "correct", "recorded_at")
    )


def attempt_of(assessment_id: int, learner_id: int) -> Attempt | None:
    """The learner's attempt at the assessment, or None (not started)."""
    return Attempt.objects.filter(assessment_id=assessment_id, learner_id=learner_id).first()


def attempts_by_learner_and_assessment(
    learner_ids: Iterable[int], assessment_ids: Iterable[int]
) -> dict[tuple[int, int], Attempt]:
    """(learner id, assessment id) -> attempt, for a board of learners each
    facing their own mastery check (one query)."""
    return {
        (a.learner_id, a.assessment_id): a
        for a in Attempt.objects.filter(
            learner_id__in=learner_ids, assessment_id__in=assessment_ids
        )
    }


def standing_answers(attempt: Attempt) -> list[tuple[int, bool | None]]:
    """The attempt's answers that stand (not corrected since) as (item id,
    correct): what a mastery check is scored on."""
    return list(
        Response.objects.filter(attempt=attempt, corrections__isnull=True).values_list(
            "item_id", "correct"
        )
    )


def standing_answers_by_attempt(attempt_ids: Iterable[int]) -> dict[int, dict[int, bool]]:
    """attempt id -> {item id: correct} for the answers that stand (one
    query however many attempts)."""
    answers: dict[int, dict[int, bool]] = {}
    for attempt_id, item_id, correct in Response.objects.filter(
        attempt_id__in=list(attempt_ids), corrections__isnull=True
    ).values_list("attempt_id", "item_id", "correct"):
        answers.setdefault(attempt_id, {})[item_id] = bool(correct)
    return answers


def standing_answers_with_competencies(attempt: Attempt) -> list[Response]:
    """The attempt's answers that stand, in the order given, with each item's
    competencies: a summative report tallies them per competency."""
    return list(
        Response.objects.filter(attempt=attempt, corrections__isnull=True)
        .prefetch_related("item__competencies")
        .order_by("pk")
    )


def response_of_learner(learner: User, response_id: object) -> Response | None:
    """One of the learner's own responses, or None (a portfolio entry or a
    reflection may only point at the learner's own work)."""
    return Response.objects.filter(pk=response_id, learner=learner).first()


def rubric_work_of(learner: User) -> QuerySet[Response]:
    """The learner's answers to rubric (performance) tasks, with their
    items: the work a learner can put in a portfolio."""
    return Response.objects.filter(learner=learner, item__kind=RUBRIC).select_related("item")


def teacher_scored_work_of(learner: User) -> QuerySet[Response]:
    """The learner's answers to rubric tasks that a teacher scored, newest
    first: what the learner can reflect on."""
    return (
        Response.objects.filter(learner=learner, item__kind=RUBRIC, rubric_scores__kind="teacher")
        .select_related("item")
        .distinct()
        .order_by("-recorded_at")
    )


def rubric_scores_of_learner(learner: User) -> QuerySet[RubricScore]:
    """Every rubric score of the learner's work, oldest first, with the item
    and the assessment (whose feedback may not be released yet)."""
    return (
        RubricScore.objects.filter(response__learner=learner)
        .select_related("response__item", "response__attempt__assessment")
        .order_by("recorded_at", "pk")
    )


def rubric_scores_of(response: Response, kind: str) -> list[RubricScore]:
    """The response's rubric scores of one kind (teacher or self), a
    correction chain included."""
    return list(RubricScore.objects.filter(response=response, kind=kind))


def responses_for_export(learner_ids: QuerySet, school: School) -> QuerySet[Response]:
    """The learners' responses in the school, oldest first, with who answered
    and who recorded them: the evidence table of a data export."""
    return (
        Response.objects.filter(learner_id__in=learner_ids, school=school)
        .select_related("learner", "recorded_by")
        .order_by("recorded_at", "pk")
    )


def answers_of_attempt_in_order(attempt: Attempt) -> QuerySet[Response]:
    """The attempt's answers in the order they were recorded (a correction
    after what it corrects): the LMS score reads the latest of each item."""
    return Response.objects.filter(attempt=attempt).order_by("recorded_at", "pk")


def attempt_with_assessment(attempt_id: int) -> Attempt | None:
    """The attempt with its assessment, or None when it is gone (a score
    queued for an attempt erased since)."""
    return Attempt.objects.select_related("assessment").filter(pk=attempt_id).first()
