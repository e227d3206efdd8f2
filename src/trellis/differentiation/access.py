"""Fetching groupings and plans on someone's behalf: 404 for anyone with no
reason to see the record, 403 for a reader (an admin) asked to change it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from trellis.differentiation.models import Grouping, GroupPlan, GroupPlanEntry
from trellis.people.access import FORBIDDEN, NOT_FOUND, NotVisible, get_or_not_visible

if TYPE_CHECKING:
    from trellis.people.models import User


def access_grouping(user: User, grouping_id: object) -> Grouping:
    grouping = get_or_not_visible(Grouping, grouping_id)
    if not user.has_perm("differentiation.view_grouping", grouping):
        raise NotVisible(NOT_FOUND)
    return grouping


def access_grouping_to_change(user: User, grouping_id: object) -> Grouping:
    grouping = access_grouping(user, grouping_id)
    if not user.has_perm("differentiation.change_grouping", grouping):
        raise PermissionDenied(FORBIDDEN)
    return grouping


def access_plan(user: User, plan_id: object) -> GroupPlan:
    plan = get_or_not_visible(GroupPlan, plan_id)
    if not user.has_perm("differentiation.view_plan", plan):
        raise NotVisible(NOT_FOUND)
    return plan


def access_plan_to_change(user: User, plan_id: object) -> GroupPlan:
    plan = access_plan(user, plan_id)
    if not user.has_perm("differentiation.change_plan", plan):
        raise PermissionDenied(FORBIDDEN)
    return plan


def visible_entries(user: User, plan: GroupPlan) -> list[GroupPlanEntry]:
    """The entries of a plan this person may read: all of them for the class's
    teachers and admins; for a learner or guardian only their own group's.
    None at all is reported as not found."""
    entries = list(plan.entries.all())
    if user.has_perm("differentiation.view_plan", plan):
        return entries
    mine = [e for e in entries if user.has_perm("differentiation.view_plan_entry", e)]
    if not mine:
        raise NotVisible(NOT_FOUND)
    return mine
