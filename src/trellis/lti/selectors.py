"""Reads: the registrations someone may manage, a class's LMS courses, and
what a teacher may place in a course by deep linking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from trellis.curriculum.selectors import practisable_competencies
from trellis.evidence.selectors.class_assessments import assessments_of_class_by_title
from trellis.individualization.selectors import class_has_modules
from trellis.lti.models import Context, Platform
from trellis.people import roles

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency
    from trellis.evidence.models import Assessment


def platforms_for(user: User) -> QuerySet[Platform]:
    """The registrations of the schools ``user`` administers (all, for an operator)."""
    platforms = Platform.objects.select_related("school").order_by("school__name", "name")
    if user.is_active and user.is_superuser:
        return platforms
    return platforms.filter(
        school__memberships__user=user,
        school__memberships__role=roles.ADMIN,
        school__memberships__active=True,
    )


def contexts_of_class(school_class: SchoolClass) -> QuerySet[Context]:
    return Context.objects.filter(school_class=school_class, platform__active=True).select_related(
        "platform"
    )


def placeable_assessments(school_class: SchoolClass) -> QuerySet[Assessment]:
    return assessments_of_class_by_title(school_class)


def placeable_competencies(school_class: SchoolClass) -> QuerySet[Competency]:
    """Competencies the school has active auto-scored items for: what
    adaptive practice can serve."""
    return practisable_competencies(school_class.school_id)


def has_modules(school_class: SchoolClass) -> bool:
    return class_has_modules(school_class)
