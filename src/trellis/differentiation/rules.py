"""Who may see and change groupings, group plans and the live view.

* A class's teachers (``can_teach_class``) make groupings, write plans, set
  stations and handle live flags.
* The school's admins read all of that (``can_view_class_roster``), change
  nothing.
* A learner sees only their own group's plan entry: not the other groups,
  not the grouping's explanations, not who else is in which group.
* A guardian sees their child's group plan entry, as the learner does (the
  spec's guardian sees "upcoming work" of their own child, nothing about
  other children).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from trellis.people.rules import (
    attends_class,
    authenticated,
    can_teach_class,
    can_view_class_roster,
    guardian_of_any,
)

if TYPE_CHECKING:
    from trellis.people.models import User


@rules.predicate
def reads_grouping_class(user: User, grouping) -> bool:
    return can_view_class_roster(user, grouping.school_class)


@rules.predicate
def teaches_grouping_class(user: User, grouping) -> bool:
    return can_teach_class(user, grouping.school_class)


@rules.predicate
def reads_plan_class(user: User, plan) -> bool:
    return can_view_class_roster(user, plan.grouping.school_class)


@rules.predicate
def teaches_plan_class(user: User, plan) -> bool:
    return can_teach_class(user, plan.grouping.school_class)


@rules.predicate
def in_entry_group(user: User, entry) -> bool:
    return attends_class(user, entry.plan.grouping.school_class) and (
        entry.group.memberships.filter(learner=user).exists()
    )


@rules.predicate
def guardian_of_entry_member(user: User, entry) -> bool:
    return guardian_of_any(user, entry.group.memberships.values("learner_id"))


@rules.predicate
def reads_entry_class(user: User, entry) -> bool:
    return can_view_class_roster(user, entry.plan.grouping.school_class)


can_view_grouping = authenticated & reads_grouping_class
can_change_grouping = authenticated & teaches_grouping_class
can_view_plan = authenticated & reads_plan_class
can_change_plan = authenticated & teaches_plan_class
can_view_plan_entry = authenticated & (
    reads_entry_class | in_entry_group | guardian_of_entry_member
)

rules.add_perm("differentiation.view_grouping", can_view_grouping)
rules.add_perm("differentiation.change_grouping", can_change_grouping)
rules.add_perm("differentiation.view_plan", can_view_plan)
rules.add_perm("differentiation.change_plan", can_change_plan)
rules.add_perm("differentiation.view_plan_entry", can_view_plan_entry)
