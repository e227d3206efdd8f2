"""Everything a guardian sees about one child, read from the other apps'
records. Each function is a few indexed queries: the live fragment polls
``mastery_of`` and ``recent_evidence_of`` every few seconds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from trellis.evidence import selectors as evidence_selectors
from trellis.evidence.selectors import LevelChange, assessments_for_learner, level_changes
from trellis.individualization import selectors as individualization_selectors
from trellis.individualization.selectors import active_plan_for
from trellis.personalization import selectors as personalization_selectors

if TYPE_CHECKING:  # other apps' records are read through their selectors
    from trellis.evidence.models import Assessment, Attempt, MasteryRecord, RubricScore
    from trellis.individualization.models import IndividualPlan
    from trellis.people.models import User
    from trellis.personalization.models import Goal, GoalReview, PortfolioEntry

RECENT_DAYS = 7


def children_of(guardian: User) -> QuerySet[User]:
    """The guardian's children, and nobody else."""
    from trellis.people.selectors import children_of as active_children_of

    return active_children_of(guardian)


@dataclass(frozen=True)
class MasteryRow:
    code: str
    statement: str
    level: str
    percent: int
    new_evidence: int  # responses on this competency in the last week


def mastery_of(child: User, *, now: dt.datetime | None = None) -> list[MasteryRow]:
    """Mastery by competency, with the evidence added in the last week (the
    "recent change"). Two queries."""
    since = (now or timezone.now()) - dt.timedelta(days=RECENT_DAYS)
    recent = evidence_selectors.recent_response_counts([child.pk], since)
    return _mastery_rows(
        child.pk, evidence_selectors.mastery_records_by_learner([child.pk]), recent
    )


def _mastery_rows(
    child_id: int, records: dict[int, list[MasteryRecord]], recent: dict[tuple[int, int], int]
) -> list[MasteryRow]:
    return [
        MasteryRow(
            r.competency.code,
            r.competency.statement,
            r.get_level_display(),
            r.percent,
            recent.get((child_id, r.competency_id), 0),
        )
        for r in records[child_id]
    ]


def recent_evidence_count(child: User, *, now: dt.datetime | None = None) -> int:
    since = (now or timezone.now()) - dt.timedelta(days=RECENT_DAYS)
    return evidence_selectors.responses_since(child, since).count()


def goals_of(child: User) -> QuerySet[Goal]:
    return personalization_selectors.goals_of_learner(child)


@dataclass(frozen=True)
class Feedback:
    at: dt.datetime
    author: str
    about: str
    text: str


def feedback_for(child: User, limit: int = 10) -> list[Feedback]:
    """Teachers' comments on the child's work and on their goals, newest first."""
    return _feedback(
        evidence_selectors.teacher_comments_by_learner([child.pk], limit)[child.pk],
        personalization_selectors.goal_comments_by_learner([child.pk], limit)[child.pk],
        limit,
    )


def _feedback(scores: list[RubricScore], reviews: list[GoalReview], limit: int) -> list[Feedback]:
    rows = [
        Feedback(s.recorded_at, str(s.recorded_by), str(s.response.item), s.comment) for s in scores
    ]
    rows += [Feedback(r.at, str(r.reviewer), r.goal.title, r.comment) for r in reviews]
    return sorted(rows, key=lambda f: f.at, reverse=True)[:limit]


@dataclass(frozen=True)
class Work:
    title: str
    class_name: str
    purpose: str
    due: dt.datetime | None
    overdue: bool


def work_for(child: User, *, now: dt.datetime | None = None) -> tuple[list[Work], list[Work]]:
    """(upcoming, overdue): assigned assessments the child has not handed in."""
    return _sorted_work(assessments_for_learner(child), now or timezone.now())


def plan_of(child: User) -> IndividualPlan | None:
    """The child's active plan with its objectives and supports (three
    queries). Read-only: a caller that shows the plan's contents records the
    read with ``individualization.services.plans.plan_read_record``."""
    plan = active_plan_for(child)
    if plan is not None:
        prefetch_related_objects([plan], "objectives", "supports")
    return plan


def shared_portfolio_of(child: User) -> QuerySet[PortfolioEntry]:
    """Only what the child chose to share with guardians."""
    return personalization_selectors.portfolio_shared_with_guardians(child)


def submitted_since(child: User, since: dt.datetime) -> QuerySet[Attempt]:
    return evidence_selectors.attempts_submitted_since(child, since)


def progressed_since(
    child: User, since: dt.datetime, until: dt.datetime | None = None
) -> list[LevelChange]:
    """Competencies whose level rose over the period through the child's
    answers (or a teacher's correction), from the mastery history. A refit
    of the school's model, which rewrites every record, is not progress."""
    return [c for c in level_changes(child, since, until) if c.progressed]


def changes_since(
    child: User, since: dt.datetime, until: dt.datetime | None = None
) -> list[LevelChange]:
    """Every change of level over the period that answers or corrections
    made (up or down); refit-only changes are left out."""
    return [c for c in level_changes(child, since, until) if c.by_evidence]


@dataclass(frozen=True)
class ChildOverview:
    """What the guardian API answers about one child (the family page's
    sections), read for all of a guardian's children at once."""

    child: User
    mastery: list[MasteryRow]
    goals: list[Goal]
    feedback: list[Feedback]
    upcoming: list[Work]
    overdue: list[Work]
    plan: IndividualPlan | None
    shared_portfolio: list[PortfolioEntry]


def _sorted_work(
    pairs: list[tuple[Assessment, Attempt | None]], now: dt.datetime
) -> tuple[list[Work], list[Work]]:
    upcoming: list[Work] = []
    overdue: list[Work] = []
    for assessment, attempt in pairs:
        if attempt is not None and attempt.submitted_at is not None:
            continue
        if assessment.closed_at is not None and assessment.closes_at is None:
            continue
        late = assessment.closes_at is not None and assessment.closes_at < now
        work = Work(
            assessment.title,
            str(assessment.school_class or ""),
            assessment.get_purpose_display(),
            assessment.closes_at,
            late,
        )
        (overdue if late else upcoming).append(work)
    upcoming.sort(key=lambda w: (w.due is None, w.due or now))
    return upcoming, overdue


def children_overview(
    guardian: User,
    *,
    now: dt.datetime | None = None,
    feedback_limit: int = 10,
    portfolio_limit: int = 20,
) -> list[ChildOverview]:
    """``mastery_of``, ``goals_of``, ``feedback_for``, ``work_for``,
    ``plan_of`` and ``shared_portfolio_of`` for every child of the guardian,
    in a number of queries that does not grow with the number of children
    (issue #18). Read-only, like ``plan_of``."""
    now = now or timezone.now()
    children = list(children_of(guardian))
    ids = [child.pk for child in children]
    recent = evidence_selectors.recent_response_counts(ids, now - dt.timedelta(days=RECENT_DAYS))
    records = evidence_selectors.mastery_records_by_learner(ids)
    goals = personalization_selectors.goals_by_learner(ids)
    scores = evidence_selectors.teacher_comments_by_learner(ids, feedback_limit)
    reviews = personalization_selectors.goal_comments_by_learner(ids, feedback_limit)
    work = evidence_selectors.assessments_for_learners(ids)
    plans = individualization_selectors.active_plans_by_learner(ids)
    portfolios = personalization_selectors.shared_portfolios_by_learner(ids, portfolio_limit)
    out = []
    for child in children:
        upcoming, overdue = _sorted_work(work[child.pk], now)
        out.append(
            ChildOverview(
                child=child,
                mastery=_mastery_rows(child.pk, records, recent),
                goals=goals[child.pk],
                feedback=_feedback(scores[child.pk], reviews[child.pk], feedback_limit),
                upcoming=upcoming,
                overdue=overdue,
                plan=plans.get(child.pk),
                shared_portfolio=portfolios[child.pk],
            )
        )
    return out
