"""Who may see and change frameworks, items and resources.

Built from people's predicates. Frameworks: a global framework (no school) is
readable by every signed-in person and managed by site operators; a school's
framework is readable by that school's members and managed by its admins.
Items and resources hold answer keys and teaching plans, so only the school's
teachers and admins see or write them; learners meet items only as presented
inside an assessment or practice (``presentation.present_item``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from trellis.people import roles
from trellis.people.rules import administers_school, authenticated, is_operator
from trellis.people.selectors import roles_by_school_rows

if TYPE_CHECKING:
    from trellis.people.models import User


def _school_roles(user: User) -> dict[int, set[str]]:
    cached = getattr(user, "_curriculum_school_roles", None)
    if cached is None:
        cached = {}
        for school_id, role in roles_by_school_rows(user):
            cached.setdefault(school_id, set()).add(role)
        user._curriculum_school_roles = cached
    return cached


@rules.predicate
def is_global_framework(user: User, framework) -> bool:
    return framework.school_id is None


@rules.predicate
def member_of_owning_school(user: User, record) -> bool:
    return record.school_id in _school_roles(user)


@rules.predicate
def staff_of_owning_school(user: User, record) -> bool:
    held = _school_roles(user).get(record.school_id, set())
    return bool(held & {roles.TEACHER, roles.ADMIN})


@rules.predicate
def admin_of_owning_school(user: User, record) -> bool:
    return record.school_id is not None and administers_school(user, record.school)


@rules.predicate
def staff_of_school(user: User, school) -> bool:
    return bool(_school_roles(user).get(school.pk, set()) & {roles.TEACHER, roles.ADMIN})


can_view_framework = authenticated & (is_operator | is_global_framework | member_of_owning_school)
can_manage_framework = authenticated & (is_operator | admin_of_owning_school)
#: Items and resources: the owning school's teachers and admins.
can_view_item = authenticated & (is_operator | staff_of_owning_school)
can_change_item = can_view_item
#: Writing items and resources for a school.
can_author_in_school = authenticated & (is_operator | staff_of_school)
can_manage_frameworks_of_school = authenticated & (is_operator | administers_school)

rules.add_perm("curriculum.view_framework", can_view_framework)
rules.add_perm("curriculum.manage_framework", can_manage_framework)
rules.add_perm("curriculum.view_item", can_view_item)
rules.add_perm("curriculum.change_item", can_change_item)
rules.add_perm("curriculum.author_in_school", can_author_in_school)
rules.add_perm("curriculum.manage_frameworks_of_school", can_manage_frameworks_of_school)
#: A framework with no school is every school's: only a site operator adds one.
rules.add_perm("curriculum.import_global_framework", authenticated & is_operator)
