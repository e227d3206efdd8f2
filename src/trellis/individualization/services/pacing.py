"""Own pace through a module sequence.

A learner moves to the next module when the current module's mastery check
is passed, never on a date. *Passed* means

1. for a module with a mastery check: the learner's attempt at that
   assessment has every item answered (or was handed in) and the share of
   right answers is at least the module's threshold. Nothing else opens the
   gate; a learner who fails gets another go when the teacher gives the
   module a new check (``module_update``);
2. for a module without one: every competency of the module is at
   *proficient* or *mastered* in the learner's mastery records (the
   evidence, from practice or any assessment, is the check).

``pace_sync`` applies that rule; it runs after every recorded response (a
signal, see ``signals.py``) and from the "check progress" action.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from trellis.evidence.constants import MASTERED, PROFICIENT
from trellis.evidence.selectors.answers import attempt_of, standing_answers
from trellis.evidence.selectors.records import mastery_states, records_at_levels_sql
from trellis.individualization.models import LearnerPace, Module, ModulePass, ModuleSequence
from trellis.people import handwritten
from trellis.people import selectors as people_selectors

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.evidence.models import Assessment

CHECK_OTHER_CLASS = gettext_lazy("The mastery check must be an assessment of this class.")
CHECK_PURPOSE = gettext_lazy("The mastery check must be a FOR- or OF-learning assessment.")
THRESHOLD_RANGE = gettext_lazy("The pass threshold must be between 0 and 1 (for example 0.8).")
NEEDS_COMPETENCY = gettext_lazy("A module needs at least one competency.")
#: Also the answer for an id that names no sequence at all.
SEQUENCE_OTHER_CLASS = gettext_lazy("There is no sequence with id {id} in this class.")
NOT_ENROLLED = gettext_lazy("There is no learner with id {id} in {school_class}.")
EMPTY_SEQUENCE = gettext_lazy("The sequence has no modules yet.")
COMPETENCY_ELSEWHERE = gettext_lazy(
    "There is no competency with id {id} in this school's frameworks."
)
PASSING_LEVELS = {PROFICIENT, MASTERED}


@transaction.atomic
def sequence_create(
    *, school_class: SchoolClass, title: str, created_by: User, is_default: bool = True
) -> ModuleSequence:
    if is_default:
        ModuleSequence.objects.filter(school_class=school_class, is_default=True).update(
            is_default=False
        )
    sequence = ModuleSequence(
        school_class=school_class, title=title, is_default=is_default, created_by=created_by
    )
    sequence.full_clean()
    sequence.save()
    return sequence


def _check_module(
    sequence: ModuleSequence,
    competencies: Sequence[Competency],
    mastery_check: Assessment | None,
    threshold: float,
) -> None:
    from trellis.curriculum.selectors import frameworks_for_school

    if not competencies:
        raise ValidationError({"competencies": NEEDS_COMPETENCY})
    allowed = set(frameworks_for_school(sequence.school_class.school).values_list("pk", flat=True))
    for competency in competencies:
        if competency.framework_id not in allowed:
            raise ValidationError({"competencies": COMPETENCY_ELSEWHERE.format(id=competency.pk)})
    if threshold is None or not 0.0 < threshold <= 1.0:
        raise ValidationError({"threshold": THRESHOLD_RANGE})
    if mastery_check is not None:
        if mastery_check.school_class_id != sequence.school_class_id:
            raise ValidationError({"mastery_check": CHECK_OTHER_CLASS})
        if mastery_check.purpose not in ("for", "of"):
            raise ValidationError({"mastery_check": CHECK_PURPOSE})


@transaction.atomic
def module_add(
    *,
    sequence: ModuleSequence,
    title: str,
    competencies: Sequence[Competency],
    resources: Sequence[Resource] = (),
    practice: str = "",
    mastery_check: Assessment | None = None,
    threshold: float = 0.8,
) -> Module:
    """Append a module; in the class's default sequence, learners not yet
    placed are placed at its first module."""
    _check_module(sequence, competencies, mastery_check, threshold)
    last = sequence.modules.order_by("-position").values_list("position", flat=True).first()
    module = Module(
        sequence=sequence,
        position=(last or 0) + 1,
        title=title,
        practice=practice,
        mastery_check=mastery_check,
        threshold=threshold,
    )
    module.full_clean()
    module.save()
    module.competencies.set(competencies)
    module.resources.set(resources)
    if sequence.is_default:
        placed = LearnerPace.objects.filter(school_class=sequence.school_class).values("learner_id")
        first = sequence.modules.order_by("position").first()
        for learner in people_selectors.roster_of(sequence.school_class).exclude(pk__in=placed):
            LearnerPace.objects.create(
                school_class=sequence.school_class,
                learner=learner,
                sequence=sequence,
                current_module=first,
            )
    return module


MODULE_FIELDS = ("title", "competencies", "resources", "practice", "mastery_check", "threshold")


@transaction.atomic
def module_update(*, module: Module, **changes: object) -> Module:
    """Change a module (any of ``MODULE_FIELDS``). Giving it a new mastery
    check is how a learner who failed the old one gets another go. Learners
    working on the module are re-checked at once: a lower threshold may
    already let them through."""
    unknown = set(changes) - set(MODULE_FIELDS)
    if unknown:
        raise ValidationError(
            gettext_lazy("Unknown module field(s): {fields}.").format(
                fields=", ".join(sorted(unknown))
            )
        )
    competencies = changes.pop("competencies", None)
    resources = changes.pop("resources", None)
    for name, value in changes.items():
        setattr(module, name, value)
    wanted = list(module.competencies.all()) if competencies is None else list(competencies)  # type: ignore[call-overload]
    _check_module(module.sequence, wanted, module.mastery_check, module.threshold)
    module.full_clean()
    module.save()
    if competencies is not None:
        module.competencies.set(wanted)
    if resources is not None:
        module.resources.set(resources)  # type: ignore[arg-type]
    for pace in LearnerPace.objects.filter(current_module=module, finished_at__isnull=True):
        pace_sync(pace=pace)
    return module


@transaction.atomic
def pace_place(
    *,
    school_class: SchoolClass,
    learner: User,
    sequence: ModuleSequence,
    start_after: dt.date | None = None,
) -> LearnerPace:
    """Put a learner on a sequence (their own or the class's) from its
    first module, optionally starting later than the class."""
    if sequence.school_class_id != school_class.pk:
        raise ValidationError({"sequence": SEQUENCE_OTHER_CLASS.format(id=sequence.pk)})
    if not school_class.enrollments.filter(learner=learner, active=True).exists():
        raise ValidationError(
            {"learner": NOT_ENROLLED.format(id=learner.pk, school_class=school_class)}
        )
    first = sequence.modules.order_by("position").first()
    if first is None:
        raise ValidationError({"sequence": EMPTY_SEQUENCE})
    pace, _ = LearnerPace.objects.update_or_create(
        school_class=school_class,
        learner=learner,
        defaults={
            "sequence": sequence,
            "current_module": first,
            "entered_at": timezone.now(),
            "start_after": start_after,
            "finished_at": None,
        },
    )
    return pace


def check_score(module: Module, learner_id: int) -> float | None:
    """The score that passes ``module`` for this learner, or None if not passed."""
    if module.mastery_check_id:
        attempt = attempt_of(module.mastery_check_id, learner_id)
        if attempt is not None and attempt.item_ids:
            answers = standing_answers(attempt)
            complete = attempt.submitted_at is not None or len({i for i, _ in answers}) >= len(
                attempt.item_ids
            )
            share = sum(1 for _, ok in answers if ok) / len(attempt.item_ids)
            if complete and share >= module.threshold:
                return round(share, 3)
        return None
    wanted = set(module.competencies.values_list("pk", flat=True))
    passing = [p for _, p, level in mastery_states(learner_id, wanted) if level in PASSING_LEVELS]
    return _score_of_records(len(wanted), len(passing), min(passing, default=None))


def _score_of_records(wanted: int, passing: int, lowest: float | None) -> float | None:
    """The score of a module without a mastery check, from how many
    competencies it has, how many of them the learner's records hold at a
    passing level, and the lowest probability among those; None if not
    passed (the rule of case 2 above, in one place for both ways of
    reading it)."""
    if wanted and passing == wanted and lowest is not None:
        return round(lowest, 3)
    return None


@transaction.atomic
def pace_sync(*, pace: LearnerPace) -> list[ModulePass]:
    """Move the learner on past every module whose check is now passed."""
    pace = LearnerPace.objects.select_for_update().get(pk=pace.pk)
    passed: list[ModulePass] = []
    today = timezone.localdate()
    if pace.finished_at or (pace.start_after and pace.start_after > today):
        return passed
    while pace.current_module is not None:
        score = check_score(pace.current_module, pace.learner_id)
        if score is None:
            break
        now = timezone.now()
        passed.append(
            ModulePass.objects.create(
                pace=pace, module=pace.current_module, score=score, passed_at=now
            )
        )
        pace.current_module = (
            pace.sequence.modules.filter(position__gt=pace.current_module.position)
            .order_by("position")
            .first()
        )
        pace.entered_at = now
        if pace.current_module is None:
            pace.finished_at = now
    if passed:
        pace.save(update_fields=["current_module", "entered_at", "finished_at"])
    return passed


def paces_sync_for_learner(learner_id: int) -> int:
    """After new evidence: advance the learner wherever a check is now passed.

    It runs after every recorded response, so it first reads each unfinished
    pace's current check without a lock; only a pace whose check now passes
    is locked and moved on (``pace_sync`` checks again under the lock). An
    answer that passes nothing — nearly every answer — costs no transaction
    and no row lock."""
    # One hand-written read finds the paces under way with their current
    # modules (decision 0016) and, for a module without a mastery check,
    # what its check needs: the learner's records at a passing level among
    # its competencies (decision 0020). A learner on a module is a learner
    # of a class that works at its own pace: every answer of theirs comes
    # here.
    sql, params = _paces_under_way_sql()
    with handwritten.cursor() as cursor:
        cursor.execute(sql, [*params, learner_id])
        rows = cursor.fetchall()
    moved = 0
    today = timezone.localdate()
    after_module = handwritten.width(LearnerPace) + handwritten.width(Module)
    for row in rows:
        pace = handwritten.model_from_row(LearnerPace, row)
        if pace.start_after and pace.start_after > today:
            continue
        module = handwritten.model_from_row(Module, row, start=handwritten.width(LearnerPace))
        if module.mastery_check_id:
            score = check_score(module, learner_id)
        else:
            score = _score_of_records(*row[after_module : after_module + 3])
        if score is not None:
            moved += len(pace_sync(pace=pace))
    return moved


@functools.cache
def _paces_under_way_sql() -> tuple[str, tuple[str, ...]]:
    """The learner's paces neither finished nor at their end, each with its
    current module (the pace's columns, then the module's), then how many
    competencies the module has, how many of them the learner holds at a
    passing level and the lowest probability among those; and the
    parameters that come before the learner's id."""
    through = Module.competencies.through
    module_column = through._meta.get_field("module").column
    competency_column = through._meta.get_field("competency").column
    of_module = f" FROM {through._meta.db_table} mc WHERE mc.{module_column} = m.id"
    passing, lowest, levels = records_at_levels_sql(
        learner="p.learner_id",
        competencies=f"SELECT mc.{competency_column}{of_module}",
        levels=PASSING_LEVELS,
    )
    sql = (
        f"SELECT {handwritten.columns(LearnerPace, 'p')}, {handwritten.columns(Module, 'm')},"
        f" (SELECT COUNT(*){of_module}), {passing}, {lowest}"
        f" FROM {LearnerPace._meta.db_table} p JOIN {Module._meta.db_table} m"
        " ON m.id = p.current_module_id"
        " WHERE p.learner_id = %s AND p.finished_at IS NULL ORDER BY p.id"
    )
    return sql, (*levels, *levels)
