"""Creating, assigning, starting, submitting and closing assessments."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.curriculum import selectors as curriculum_selectors
from trellis.curriculum.accommodations import accommodations_of
from trellis.evidence.groups import group_described
from trellis.evidence.models import Assessment, AssessmentAssignment, AssessmentItem, Attempt
from trellis.evidence.models.assessment import (
    NEEDS_ITEMS_OR_RULE,
    TARGET_CLASS,
    TARGET_GROUP,
    TARGET_LEARNER,
)
from trellis.evidence.selectors import is_assigned

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Item

NOT_ASSIGNED = _("This assessment is not assigned to you.")
NOT_OPEN_YET = _("This assessment opens at {opens}.")
CLOSED = _("This assessment has closed; answers are no longer accepted.")
#: Also the answer for an id that names no item at all.
ITEM_OTHER_SCHOOL = _("There is no item with id {item} in this school.")
LEARNER_NOT_IN_CLASS = _("There is no learner with id {id} in {school_class}.")
GROUP_NOT_IN_CLASS = _("Group {group} is not a group of {school_class}.")
NO_ITEMS_TO_DRAW = _("There are no items to draw from the chosen competencies.")


def effective_time_limit(assessment: Assessment, learner: User) -> dt.timedelta | None:
    """The time this learner has for this assessment. The one place an
    accommodation such as extended time (from the learner's active individual
    plan, trellis.individualization) changes it."""
    if not assessment.time_limit_minutes:
        return None
    multiplier = accommodations_of(learner)[1]
    return dt.timedelta(minutes=assessment.time_limit_minutes * multiplier)


@transaction.atomic
def assessment_create(
    *,
    school_class: SchoolClass,
    title: str,
    purpose: str,
    created_by: User | None,
    items: Sequence[Item] = (),
    draw_count: int | None = None,
    draw_competencies: Sequence[Competency] = (),
    time_limit_minutes: int | None = None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    instructions: str = "",
    assign_class: bool = True,
) -> Assessment:
    assessment = Assessment(
        school=school_class.school,
        school_class=school_class,
        title=title,
        purpose=purpose,
        instructions=instructions,
        draw_count=draw_count,
        time_limit_minutes=time_limit_minutes,
        opens_at=opens_at or timezone.now(),
        closes_at=closes_at,
        created_by=created_by,
    )
    assessment.full_clean()
    if not items and not (draw_count and draw_competencies):
        raise ValidationError(NEEDS_ITEMS_OR_RULE)
    for item in items:
        if item.school_id != school_class.school_id:
            raise ValidationError(ITEM_OTHER_SCHOOL.format(item=item.pk))
    assessment.save()
    AssessmentItem.objects.bulk_create(
        [
            AssessmentItem(assessment=assessment, item=item, position=n)
            for n, item in enumerate(items)
        ]
    )
    if draw_competencies:
        assessment.draw_competencies.set(draw_competencies)
    if assign_class:
        assessment_assign(assessment=assessment, target=TARGET_CLASS)
    return assessment


@transaction.atomic
def assessment_assign(
    *,
    assessment: Assessment,
    target: str,
    learner: User | None = None,
    assigned_group_id: int | None = None,
    group_label: str = "",
) -> AssessmentAssignment:
    """Assign the assessment to its whole class, to one learner of the class,
    or to a differentiation group of the class. Assigning the same thing
    twice returns the first assignment."""
    if (
        target == TARGET_LEARNER
        and learner is not None
        and not assessment.school_class.enrollments.filter(learner=learner, active=True).exists()
    ):
        raise ValidationError(
            LEARNER_NOT_IN_CLASS.format(id=learner.pk, school_class=assessment.school_class)
        )
    if target == TARGET_GROUP and assigned_group_id is not None:
        described = group_described(assigned_group_id)
        if described is None or described[0] != assessment.school_class_id:
            raise ValidationError(
                GROUP_NOT_IN_CLASS.format(
                    group=assigned_group_id, school_class=assessment.school_class
                )
            )
        group_label = group_label or described[1]
    same = AssessmentAssignment.objects.filter(
        assessment=assessment,
        target=target,
        learner=learner,
        assigned_group_id=assigned_group_id,
    ).first()
    if same is not None:
        return same
    assignment = AssessmentAssignment(
        assessment=assessment,
        target=target,
        learner=learner,
        assigned_group_id=assigned_group_id,
        group_label=group_label,
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def _draw(assessment: Assessment, learner: User) -> list[int]:
    fixed = list(assessment.entries.values_list("item_id", flat=True))
    if fixed or not assessment.draw_count:
        return fixed
    pool = sorted(
        curriculum_selectors.items_of_school(assessment.school_id)
        .filter(active=True, competencies__in=assessment.draw_competencies.all())
        .values_list("pk", flat=True)
        .distinct()
    )
    if not pool:
        raise ValidationError(NO_ITEMS_TO_DRAW)
    rng = random.Random(f"{assessment.pk}:{learner.pk}")
    return rng.sample(pool, min(assessment.draw_count, len(pool)))


def check_can_answer(assessment: Assessment, learner: User, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if not is_assigned(assessment, learner):
        raise PermissionDenied(NOT_ASSIGNED)
    if assessment.is_closed(now):
        raise ValidationError(CLOSED)
    if assessment.opens_at > now:
        raise ValidationError(NOT_OPEN_YET.format(opens=timezone.localtime(assessment.opens_at)))


@transaction.atomic
def attempt_start(*, assessment: Assessment, learner: User) -> Attempt:
    """The learner's attempt, started now or resumed where it was left."""
    existing = Attempt.objects.filter(assessment=assessment, learner=learner).first()
    if existing is not None:
        return existing
    check_can_answer(assessment, learner)
    now = timezone.now()
    limit = effective_time_limit(assessment, learner)
    attempt = Attempt(
        assessment=assessment,
        learner=learner,
        item_ids=_draw(assessment, learner),
        started_at=now,
        due_at=now + limit if limit else None,
    )
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError:  # a second tab started it at the same moment
        return Attempt.objects.get(assessment=assessment, learner=learner)
    return attempt


@transaction.atomic
def attempt_submit(*, attempt: Attempt) -> Attempt:
    if attempt.submitted_at is None:
        Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
            submitted_at=timezone.now()
        )
        attempt.refresh_from_db(fields=["submitted_at"])
    return attempt


@transaction.atomic
def assessment_close(*, assessment: Assessment) -> Assessment:
    """Close now: no more answers, and OF-learning feedback is released."""
    if assessment.closed_at is None:
        assessment.closed_at = timezone.now()
        assessment.save(update_fields=["closed_at"])
    return assessment
