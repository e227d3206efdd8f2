"""Goals: the learner sets them (with benchmarks), the teacher reviews them,
the learner checks in. Editing a goal sends it back for review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from trellis.personalization import selectors
from trellis.personalization.models import Benchmark, BenchmarkCheck, CheckIn, Goal, GoalReview
from trellis.personalization.models.goals import (
    APPROVE,
    APPROVED,
    ASK_CHANGES,
    CHANGES,
    COMMENT,
    DECISIONS,
    FROM_MASTERY,
    PENDING,
)
from trellis.personalization.services.notify import notification_send

if TYPE_CHECKING:
    from trellis.people.models import User

NEEDS_BENCHMARK = _("A goal needs at least one benchmark.")
BENCHMARK_FIELDS = _("Benchmark {n} needs {what}.")
BENCHMARK_DATE = _("Benchmark {n}'s date {value!r} is not a date (use YYYY-MM-DD).")
UNKNOWN_COMPETENCY = _("Competency {value} is not one you can link to.")
UNKNOWN_DECISION = _("Unknown decision {value!r}; use approve, comment or changes.")
SELF_APPROVAL = _("A learner cannot approve or review their own goal.")
CHANGES_NEED_COMMENT = _("Say what to change when asking for changes.")
CHECKIN_FUTURE = _("A check-in cannot be dated in the future ({on}).")
CHECKIN_RATING = _("Your rating for benchmark {n} must be between 0 and 100 percent.")
CHECKIN_NOT_BENCHMARK = _("Benchmark {value} is not part of this goal, or is measured by mastery.")


def _date(value: object, n: int) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(BENCHMARK_DATE.format(n=n, value=value)) from None


def _competencies(learner: User, ids: Sequence[object]) -> list:
    allowed = {
        c.pk: c
        for c in selectors.competencies_for(learner).filter(
            pk__in=[int(i) for i in ids if str(i).isdigit()]
        )
    }
    for i in ids:
        if not str(i).isdigit() or int(i) not in allowed:
            raise ValidationError(UNKNOWN_COMPETENCY.format(value=i))
    return [allowed[int(i)] for i in ids]


def _benchmarks(goal: Goal, learner: User, rows: Sequence[Mapping[str, object]]) -> None:
    """Write benchmarks in order, updating the existing ones by position so
    that a changed goal keeps the learner's earlier self-ratings."""
    if not rows:
        raise ValidationError(NEEDS_BENCHMARK)
    existing = list(goal.benchmarks.all())
    for n, row in enumerate(rows, start=1):
        description = str(row.get("description") or "").strip()
        success = str(row.get("success_looks_like") or "").strip()
        if not description:
            raise ValidationError(BENCHMARK_FIELDS.format(n=n, what="a description"))
        if not success:
            raise ValidationError(BENCHMARK_FIELDS.format(n=n, what="how you'll know you met it"))
        if not row.get("due_on"):
            raise ValidationError(BENCHMARK_FIELDS.format(n=n, what="a date"))
        competency = row.get("competency_id")
        benchmark = existing[n - 1] if n <= len(existing) else Benchmark(goal=goal)
        benchmark.description = description
        benchmark.success_looks_like = success
        benchmark.due_on = _date(row["due_on"], n)
        benchmark.competency = _competencies(learner, [competency])[0] if competency else None
        benchmark.position = n
        benchmark.full_clean()
        benchmark.save()
    for extra in existing[len(rows) :]:
        extra.delete()


def _tell_teachers(goal: Goal, text: Promise) -> None:
    notification_send(
        recipients=selectors.teachers_of(goal.learner),
        text=text,
        params={"learner": goal.learner, "title": goal.title},
        url=reverse("personalization:goal-detail", args=[goal.pk]),
    )


@transaction.atomic
def goal_create(
    *,
    learner: User,
    title: str,
    benchmarks: Sequence[Mapping[str, object]],
    description: str = "",
    competency_ids: Sequence[object] = (),
    target_date: dt.date | None = None,
) -> Goal:
    goal = Goal(
        learner=learner,
        title=title.strip(),
        description=description.strip(),
        target_date=target_date,
        set_by=learner,
    )
    goal.full_clean()
    goal.save()
    goal.competencies.set(_competencies(learner, competency_ids))
    _benchmarks(goal, learner, benchmarks)
    _tell_teachers(goal, _("%(learner)s set a new goal: %(title)s"))
    return goal


NOT_THEIR_TEACHER = _("Only a teacher of {learner} can set a goal for them.")


@transaction.atomic
def goal_set_for_learner(
    *,
    teacher: User,
    learner: User,
    title: str,
    benchmarks: Sequence[Mapping[str, object]],
    description: str = "",
    competency_ids: Sequence[object] = (),
    target_date: dt.date | None = None,
) -> Goal:
    """A teacher sets a goal for one of their learners: it needs no approval
    (the teacher set it) and the learner is told."""
    if teacher.pk == learner.pk or not teacher.has_perm("personalization.guide_learner", learner):
        raise PermissionDenied(NOT_THEIR_TEACHER.format(learner=learner))
    goal = Goal(
        learner=learner,
        title=title.strip(),
        description=description.strip(),
        target_date=target_date,
        set_by=teacher,
        status=APPROVED,
    )
    goal.full_clean()
    goal.save()
    goal.competencies.set(_competencies(learner, competency_ids))
    _benchmarks(goal, learner, benchmarks)
    notification_send(
        recipients=[learner],
        text=_("%(teacher)s set a goal for you: %(title)s"),
        params={"teacher": teacher, "title": goal.title},
        url=reverse("personalization:goal-detail", args=[goal.pk]),
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    title: str,
    benchmarks: Sequence[Mapping[str, object]],
    description: str = "",
    competency_ids: Sequence[object] = (),
    target_date: dt.date | None = None,
) -> Goal:
    goal.title, goal.description, goal.target_date = title.strip(), description.strip(), target_date
    goal.status = PENDING
    goal.full_clean()
    goal.save()
    goal.competencies.set(_competencies(goal.learner, competency_ids))
    _benchmarks(goal, goal.learner, benchmarks)
    _tell_teachers(goal, _("%(learner)s changed their goal: %(title)s"))
    return goal


@transaction.atomic
def goal_review(*, goal: Goal, reviewer: User, decision: str, comment: str = "") -> GoalReview:
    if reviewer.pk == goal.learner_id:
        raise PermissionDenied(SELF_APPROVAL)
    if decision not in dict(DECISIONS):
        raise ValidationError({"decision": UNKNOWN_DECISION.format(value=decision)})
    if decision in (ASK_CHANGES, COMMENT) and not comment.strip():
        raise ValidationError({"comment": CHANGES_NEED_COMMENT})
    review = GoalReview(goal=goal, reviewer=reviewer, decision=decision, comment=comment.strip())
    review.full_clean()
    review.save()
    if decision == APPROVE:
        goal.status = APPROVED
    elif decision == ASK_CHANGES:
        goal.status = CHANGES
    goal.save(update_fields=["status", "updated_at"])
    sentences = {
        APPROVE: _("%(reviewer)s approved your goal: %(title)s"),
        COMMENT: _("%(reviewer)s commented on your goal: %(title)s"),
        ASK_CHANGES: _("%(reviewer)s asked for changes to your goal: %(title)s"),
    }
    notification_send(
        recipients=[goal.learner],
        text=sentences[decision],
        params={"reviewer": reviewer, "title": goal.title},
        url=reverse("personalization:goal-detail", args=[goal.pk]),
    )
    return review


@transaction.atomic
def checkin_record(
    *,
    goal: Goal,
    recorded_by: User,
    ratings: Mapping[int, float] | None = None,
    note: str = "",
    on: dt.date | None = None,
) -> CheckIn:
    """Record the learner's own ratings (0..1) of benchmarks without a
    competency and store the goal's progress as of now, with the mastery of
    each linked benchmark at this moment (mastery keeps no history)."""
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": CHECKIN_FUTURE.format(on=on)})
    own = {b.pk: n for n, b in enumerate(goal.benchmarks.all(), start=1) if not b.competency_id}
    checkin = CheckIn(goal=goal, on=on, note=note.strip(), progress=0.0, recorded_by=recorded_by)
    checkin.save()
    for bid, value in (ratings or {}).items():
        if not str(bid).isdigit() or int(bid) not in own:
            raise ValidationError(CHECKIN_NOT_BENCHMARK.format(value=bid))
        if not 0.0 <= float(value) <= 1.0:
            raise ValidationError(CHECKIN_RATING.format(n=own[int(bid)]))
        BenchmarkCheck.objects.create(checkin=checkin, benchmark_id=int(bid), progress=float(value))
    rows = selectors.benchmark_progress(goal)
    BenchmarkCheck.objects.bulk_create(
        BenchmarkCheck(
            checkin=checkin, benchmark=row.benchmark, progress=row.progress, source=FROM_MASTERY
        )
        for row in rows
        if row.source == "mastery"
    )
    checkin.progress = round(selectors.goal_progress(rows), 6)
    checkin.full_clean()
    checkin.save()
    return checkin
