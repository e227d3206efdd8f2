"""Reads of a class's assessments and their assignments that the apps
above evidence need (issue #21: only evidence queries its tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from trellis.evidence.constants import FOR_LEARNING, OF_LEARNING, TARGET_GROUP
from trellis.evidence.models import Assessment, AssessmentAssignment

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User


def assessment_of_class(school_class_id: int, assessment_id: object) -> Assessment | None:
    """An assessment of the class, or None: a group plan's FOR assessment or
    a module's mastery check must be one of the class's own."""
    return Assessment.objects.filter(pk=assessment_id, school_class_id=school_class_id).first()


def for_learning_assessments_of(school_class: SchoolClass) -> QuerySet[Assessment]:
    """The class's FOR-learning (formative) assessments, by title: those a
    group plan can give a group."""
    return Assessment.objects.filter(school_class=school_class, purpose=FOR_LEARNING).order_by(
        "title"
    )


def mastery_checks_of(school_class: SchoolClass) -> QuerySet[Assessment]:
    """The class's FOR- and OF-learning assessments: those a module of a
    sequence can use as its mastery check."""
    return Assessment.objects.filter(
        school_class=school_class, purpose__in=[FOR_LEARNING, OF_LEARNING]
    )


def summative_taken_by(learner: User, teacher: User) -> QuerySet[Assessment]:
    """The OF-learning assessments the learner attempted in the teacher's
    classes: those a summative report can be written on."""
    return Assessment.objects.filter(
        purpose=OF_LEARNING,
        attempts__learner=learner,
        school_class__teaching_assignments__teacher=teacher,
    ).distinct()


def is_assigned_to_group(assessment: Assessment, group_id: int) -> bool:
    """Whether the assessment is already assigned to the group (a plan saved
    twice assigns it once)."""
    return AssessmentAssignment.objects.filter(
        assessment=assessment, target=TARGET_GROUP, assigned_group_id=group_id
    ).exists()


def assessments_of_class_by_title(school_class: SchoolClass) -> QuerySet[Assessment]:
    """Every assessment of the class, by title: what a teacher may place in
    an LMS course."""
    return Assessment.objects.filter(school_class=school_class).order_by("title")
