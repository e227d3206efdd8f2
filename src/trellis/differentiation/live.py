"""The live lesson view: which learners to go to now (intuitive
differentiation). The rules are the engine's (``trellis.engine.flags``); this
module fetches the recent evidence cheaply and hides flags a teacher has
already handled.

Queries per refresh: the roster, the recent responses (one query, each with
its item's competencies), the handled flags, and the learners who have
mastered the objective.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from trellis.differentiation.flag_words import flag_reason
from trellis.differentiation.models import FlagAction
from trellis.engine.flags import IDLE, RACING_AHEAD, STUCK_ERRORS, Flag, LessonEvent, flag_learners
from trellis.evidence.selectors.answers import first_answer_at, lesson_answer_rows
from trellis.evidence.selectors.records import mastered_at
from trellis.people.selectors import roster_of

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency
    from trellis.people.models import SchoolClass, User

#: Responses older than this are not looked at by the live view.
WINDOW = dt.timedelta(hours=3)
KIND_LABELS = {
    STUCK_ERRORS: gettext_noop("Stuck"),
    IDLE: gettext_noop("Idle"),
    RACING_AHEAD: gettext_noop("Racing ahead"),
}
BAD_THRESHOLD = _("{name} must be a whole number from 1 to {top}.")
ALREADY_MASTERED = _("Had already mastered {objective} before this lesson: ready for a challenge")
#: How long before a mastery record's time an answer must be for the mastery
#: to count as reached in this lesson (the record is refitted on each answer).
JUST_BEFORE = dt.timedelta(minutes=2)


#: With no lesson start given, the lesson is taken to have started at the
#: class's first answer in this long before now (or now, with none), so a
#: teacher who opens the page mid-lesson sees who is already stuck.
LOOKBACK = dt.timedelta(minutes=60)


def lesson_start_default(school_class: SchoolClass, now: dt.datetime | None = None) -> dt.datetime:
    """The class's first answer in the last ``LOOKBACK``, else now (one query)."""
    now = now or timezone.now()
    first = first_answer_at([u.pk for u in roster_of(school_class)], now - LOOKBACK, now)
    return (first or now).replace(microsecond=0)


@dataclass(frozen=True)
class LiveFlag:
    learner: User
    flag: Flag
    #: What the flag is based on, for the teacher ("Based on the last 3
    #: answers since the lesson started at 10:02; threshold 3 wrong in a row").
    basis: str = ""

    @property
    def kind(self) -> str:
        return self.flag.kind

    @property
    def kind_label(self) -> str:
        return gettext(KIND_LABELS[self.flag.kind])


@dataclass(frozen=True)
class LiveView:
    flags: list[LiveFlag]
    learners: int
    responses: int
    as_of: dt.datetime
    handled: list[FlagAction]
    since: dt.datetime | None = None

    @property
    def go_now(self) -> list[LiveFlag]:
        """Stuck first, then idle: the learners to go to now."""
        return [f for f in self.flags if f.kind != RACING_AHEAD]

    @property
    def ahead(self) -> list[LiveFlag]:
        """Racing ahead: ready for a challenge, after the others."""
        return [f for f in self.flags if f.kind == RACING_AHEAD]


def _basis(
    flag: Flag,
    *,
    since: dt.datetime,
    errors_in_a_row: int,
    idle_minutes: int,
    correct_in_a_row: int,
    before: set[str],
) -> str:
    clock = {"time": f"{timezone.localtime(since):%H:%M}"}
    if flag.kind == STUCK_ERRORS:
        return gettext(
            "Based on answers since %(time)s; flagged from %(n)s wrong answers in a row on one "
            "competency."
        ) % {**clock, "n": errors_in_a_row}
    if flag.kind == IDLE:
        return gettext(
            "Based on activity since %(time)s; flagged after %(n)s minutes without any."
        ) % {**clock, "n": idle_minutes}
    if flag.learner_id in before and flag.competency:
        return gettext(
            "Based on the mastery record of %(competency)s (mastered before this lesson), "
            "not on answers in this lesson."
        ) % {"competency": flag.competency}
    if flag.competency and flag.reason.startswith("mastered"):
        return gettext(
            "Based on the mastery record of %(competency)s, reached with answers since %(time)s."
        ) % {**clock, "competency": flag.competency}
    return gettext(
        "Based on answers since %(time)s; flagged from %(n)s right answers in a row on one "
        "competency."
    ) % {**clock, "n": correct_in_a_row}


def parse_threshold(raw: object, default: int, name: str, top: int) -> int:
    from django.core.exceptions import ValidationError

    if raw in (None, ""):
        return default
    try:
        value = int(str(raw))
    except ValueError:
        raise ValidationError(BAD_THRESHOLD.format(name=name, top=top)) from None
    if not 1 <= value <= top:
        raise ValidationError(BAD_THRESHOLD.format(name=name, top=top))
    return value


def _already_mastered(flag: Flag, objective: Competency | None, since: dt.datetime) -> Flag:
    assert objective is not None
    return dataclasses.replace(
        flag, evidence=ALREADY_MASTERED.format(objective=objective.label), since=since
    )


def _in_words(flag: Flag) -> Flag:
    """The flag with its evidence in the reader's language."""
    return dataclasses.replace(flag, evidence=flag_reason(flag))


def live_flags(
    school_class: SchoolClass,
    *,
    objective: Competency | None = None,
    lesson_start: dt.datetime | None = None,
    now: dt.datetime | None = None,
    errors_in_a_row: int = 3,
    idle_minutes: int = 5,
    correct_in_a_row: int = 5,
) -> LiveView:
    now = now or timezone.now()
    since = max(lesson_start, now - WINDOW) if lesson_start else now - WINDOW
    learners = {u.pk: u for u in roster_of(school_class)}
    rows = lesson_answer_rows(list(learners), since, now)
    events: dict[str, list[LessonEvent]] = {str(pk): [] for pk in learners}
    seen: set[int] = set()
    for pk, learner_id, at, correct, code, cid in rows:
        if pk in seen:  # an item on several competencies: its first one names the run
            continue
        seen.add(pk)
        label = code or (str(cid) if cid else None)
        events[str(learner_id)].append(LessonEvent(timestamp=at, competency=label, correct=correct))
    mastered: dict[str, dt.datetime] = {}
    if objective is not None:
        mastered = {str(lid): at for lid, at in mastered_at(learners, objective.pk).items()}
    # A mastery record is refitted right after an answer, so mastery reached
    # in this lesson has an answer just before it; otherwise (mastered in an
    # earlier lesson, or the record refitted in bulk, as the demo data is)
    # the record's time says nothing about this lesson and is not shown.
    before = {
        lid
        for lid, at in mastered.items()
        if at < since or not any(at - JUST_BEFORE <= e.timestamp <= at for e in events.get(lid, ()))
    }
    flags = [
        _already_mastered(f, objective, since)
        if f.kind == RACING_AHEAD and f.learner_id in before and f.competency == objective.label
        else _in_words(f)
        for f in flag_learners(
            events,
            now,
            errors_in_a_row=errors_in_a_row,
            idle_minutes=idle_minutes,
            correct_in_a_row=correct_in_a_row,
            lesson_start=lesson_start,
            objective=objective.label if objective else None,
            mastered_objective_at=mastered,
        )
    ]
    handled = list(
        FlagAction.objects.filter(school_class=school_class, at__gte=since)
        .select_related("learner", "handled_by")
        .order_by("-at", "-pk")
    )
    latest: dict[tuple[int, str], dt.datetime] = {}
    for action in handled:
        key = (action.learner_id, action.kind)
        latest.setdefault(key, action.at)
    shown = [
        LiveFlag(
            learners[int(f.learner_id)],
            f,
            _basis(
                f,
                since=since,
                errors_in_a_row=errors_in_a_row,
                idle_minutes=idle_minutes,
                correct_in_a_row=correct_in_a_row,
                before=before,
            ),
        )
        for f in flags
        if latest.get((int(f.learner_id), f.kind)) is None
        or latest[(int(f.learner_id), f.kind)] < f.since
    ]
    return LiveView(
        flags=shown,
        learners=len(learners),
        responses=len(seen),
        as_of=now,
        handled=handled[:10],
        since=since,
    )
