"""Reads for the curriculum: what a person may list, and the prerequisite
graph in the shapes the mastery pages need."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from trellis.curriculum.models import Competency, CompetencyLink, Framework, Item, Resource
from trellis.people.selectors import school_ids_of_member, staff_school_ids

if TYPE_CHECKING:
    from trellis.people.models import School, User


def _member_school_ids(user: User):
    return school_ids_of_member(user)


def _staff_school_ids(user: User):
    return staff_school_ids(user)


def frameworks_visible_to(user: User) -> QuerySet[Framework]:
    if not user.is_authenticated or not user.is_active:
        return Framework.objects.none()
    qs = Framework.objects.annotate(competency_count=Count("competencies"))
    if user.is_superuser:
        return qs
    return qs.filter(Q(school__isnull=True) | Q(school__in=_member_school_ids(user)))


def frameworks_for_school(school: School) -> QuerySet[Framework]:
    return Framework.objects.filter(Q(school=school) | Q(school__isnull=True)).order_by("title")


def competencies_visible_to(user: User) -> QuerySet[Competency]:
    return Competency.objects.filter(
        framework__in=frameworks_visible_to(user).values("pk")
    ).select_related("framework", "parent")


def items_visible_to(user: User) -> QuerySet[Item]:
    if not user.is_authenticated or not user.is_active:
        return Item.objects.none()
    qs = Item.objects.prefetch_related("competencies")
    if user.is_superuser:
        return qs
    return qs.filter(school__in=_staff_school_ids(user))


def resources_visible_to(user: User) -> QuerySet[Resource]:
    if not user.is_authenticated or not user.is_active:
        return Resource.objects.none()
    qs = Resource.objects.prefetch_related("competencies")
    if user.is_superuser:
        return qs
    return qs.filter(school__in=_staff_school_ids(user))


def assessable_competencies(framework: Framework) -> list[Competency]:
    """The competencies learners are assessed on: the leaves of the hierarchy
    (a domain or cluster is summarised by its children, not measured itself)."""
    return list(framework.competencies.filter(children__isnull=True).order_by("position", "code"))


def prerequisites_of(competency_ids: list[int] | None = None) -> dict[int, set[int]]:
    """competency id -> ids of its direct prerequisites (``precedes`` links)."""
    qs = CompetencyLink.objects.filter(kind=CompetencyLink.PRECEDES)
    if competency_ids is not None:
        qs = qs.filter(destination_id__in=competency_ids)
    out: dict[int, set[int]] = {}
    for origin, destination in qs.values_list("origin_id", "destination_id"):
        out.setdefault(destination, set()).add(origin)
    return out
