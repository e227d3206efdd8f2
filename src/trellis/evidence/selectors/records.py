"""Reads of mastery records that the apps above evidence need (issue #21:
only evidence queries its tables). Each is the query its caller used to
write itself, so the query counts the tests pin do not move; most return
plain values, not model objects, as their callers only need those."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from trellis.evidence.constants import MASTERED
from trellis.evidence.models import MasteryRecord

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency
    from trellis.people.models import User


def mastered_at(learner_ids: Iterable[int], competency_id: int) -> dict[int, datetime]:
    """learner id -> when their record of the competency was last refitted,
    for those who have mastered it (one query): the live view tells mastery
    reached in this lesson from mastery reached before."""
    return dict(
        MasteryRecord.objects.filter(
            learner_id__in=list(learner_ids), competency_id=competency_id, level=MASTERED
        ).values_list("learner_id", "updated_at")
    )


def records_by_learner_and_competency(
    learner_ids: Iterable[int], competency_ids: Iterable[int]
) -> dict[tuple[int, int], MasteryRecord]:
    """(learner id, competency id) -> record (one query): a learner's
    readiness for an objective reads its own and its prerequisites' records."""
    return {
        (r.learner_id, r.competency_id): r
        for r in MasteryRecord.objects.filter(
            learner__in=list(learner_ids), competency_id__in=list(competency_ids)
        )
    }


def mastery_probabilities(learner_id: int, competency_ids: Iterable[int]) -> dict[int, float]:
    """competency id -> the learner's probability of mastery, for those with
    a record (one query): a goal's benchmarks, a module's check."""
    return dict(
        MasteryRecord.objects.filter(
            learner_id=learner_id, competency_id__in=competency_ids
        ).values_list("competency_id", "probability")
    )


def mastery_levels(learner_id: int, competency_ids: Iterable[int]) -> dict[int, str]:
    """competency id -> the learner's level, for those with a record (one
    query): what a summative report states beside each competency's tally."""
    return dict(
        MasteryRecord.objects.filter(
            learner_id=learner_id, competency_id__in=competency_ids
        ).values_list("competency_id", "level")
    )


def mastery_states(learner_id: int, competency_ids: Iterable[int]) -> list[tuple[int, float, str]]:
    """(competency id, probability, level) of the learner's records among
    the competencies (one query): which resources to offer and which as
    review; whether a module without a check is passed."""
    return list(
        MasteryRecord.objects.filter(
            learner_id=learner_id, competency_id__in=list(competency_ids)
        ).values_list("competency_id", "probability", "level")
    )


def records_at_levels_sql(
    *, learner: str, competencies: str, levels: Iterable[str]
) -> tuple[str, str, list[str]]:
    """Two SQL expressions for a caller's own statement, and the parameters
    each of them takes: how many of the learner's records among the
    competencies are at one of ``levels``, and the lowest probability among
    those records. ``learner`` is an SQL expression of the learner's id (a
    column of the caller's statement), ``competencies`` a subquery of
    competency ids.

    The pace check after each answer asks this of the module the learner is
    on, in the statement that reads the learner's paces: one round trip
    instead of three (decision 0020)."""
    # In a fixed order: the statement stays the same from answer to answer
    # and is kept prepared on the server.
    ordered = sorted(levels)
    where = (
        f" FROM {MasteryRecord._meta.db_table} r WHERE r.learner_id = {learner}"
        f" AND r.competency_id IN ({competencies})"
        f" AND r.level IN ({', '.join(['%s'] * len(ordered))})"
    )
    return f"(SELECT COUNT(*){where})", f"(SELECT MIN(r.probability){where})", ordered


def competency_ids_reached(
    learners: Iterable[User], competencies: Iterable[Competency], levels: Iterable[str]
) -> list[int]:
    """One competency id per record of these learners at one of the levels
    (repeated: count them to know how many learners reached each; the demo
    puts first what most learners are ready for)."""
    return list(
        MasteryRecord.objects.filter(
            learner__in=learners, competency__in=competencies, level__in=levels
        ).values_list("competency_id", flat=True)
    )


def learners_who_mastered(competency_id: int, learner_ids: QuerySet) -> QuerySet:
    """The ids (a subquery, no query of its own) of those among the learners
    who have mastered the competency: peers who could help."""
    return MasteryRecord.objects.filter(
        competency_id=competency_id, level=MASTERED, learner__in=learner_ids
    ).values("learner_id")


def mastery_export_rows(learner_ids: QuerySet) -> QuerySet:
    """The learners' records as rows (no model objects: a school's table is
    learners × competencies), by learner name then competency: the mastery
    table of a data export."""
    return (
        MasteryRecord.objects.filter(learner_id__in=learner_ids)
        .order_by("learner__username", "competency_id")
        .values_list(
            "learner_id", "learner__username", "competency_id", "competency__code",
            "competency__statement", "level", "probability", "attempts", "correct", "updated_at",
        )
    )  # fmt: skip


def record_count_of_framework(framework_id: int) -> int:
    """How many mastery records the framework's competencies have (an
    imported data set's summary)."""
    return MasteryRecord.objects.filter(competency__framework_id=framework_id).count()


def records_for_items(learner_id: int, item_ids: Iterable[int]) -> QuerySet[MasteryRecord]:
    """The learner's records of the competencies these items assess, each
    once, with its competency, in competency order: the mastery comment sent
    with an LMS score."""
    return (
        MasteryRecord.objects.filter(learner_id=learner_id, competency__items__in=list(item_ids))
        .select_related("competency")
        .distinct()
        .order_by("competency_id")
    )
