"""Who may read and change individual plans and module sequences.

A plan is read by exactly the people who may see the learner (the learner,
their guardians, their teachers, their school's admins: ``can_view_learner``)
and written only by the learner's teachers. Module sequences follow the
class: its teachers arrange them, its roster viewers see the pacing board.
A summative report reaches a guardian only once a teacher has shared it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from trellis.people.rules import (
    administers_learner,
    authenticated,
    can_teach_class,
    can_view_class_roster,
    can_view_learner,
    is_guardian_of,
    is_operator,
    teaches_learner,
)

if TYPE_CHECKING:
    from trellis.people.models import User


@rules.predicate
def may_view_plan_learner(user: User, plan) -> bool:
    return can_view_learner(user, plan.learner)


@rules.predicate
def teaches_plan_learner(user: User, plan) -> bool:
    return teaches_learner(user, plan.learner)


@rules.predicate
def administers_plan_learner(user: User, plan) -> bool:
    return administers_learner(user, plan.learner)


@rules.predicate
def owns_report(user: User, report) -> bool:
    return report.learner_id == user.pk


@rules.predicate
def teaches_report_learner(user: User, report) -> bool:
    return teaches_learner(user, report.learner)


@rules.predicate
def administers_report_learner(user: User, report) -> bool:
    return administers_learner(user, report.learner)


@rules.predicate
def report_shared_with_guardian(user: User, report) -> bool:
    return report.shared_with_guardians_at is not None and is_guardian_of(user, report.learner)


can_view_plan = authenticated & may_view_plan_learner
can_change_plan = authenticated & (is_operator | teaches_plan_learner)
can_view_report = authenticated & (
    is_operator
    | owns_report
    | teaches_report_learner
    | administers_report_learner
    | report_shared_with_guardian
)
#: Writing a plan or a report for a learner (the object is the learner): their teachers.
can_write_for_learner = authenticated & (is_operator | teaches_learner)
#: A plan's read log: the school's admins (and operators).
can_view_plan_reads = authenticated & (is_operator | administers_plan_learner)
can_share_report = authenticated & (is_operator | teaches_report_learner)
#: Arranging modules and placing learners: the class's teachers.
can_arrange_modules = can_teach_class
#: The pacing board (where every learner is): the class's teachers and admins.
can_view_pacing = can_view_class_roster

rules.add_perm("individualization.view_plan", can_view_plan)
rules.add_perm("individualization.change_plan", can_change_plan)
rules.add_perm("individualization.write_for_learner", can_write_for_learner)
rules.add_perm("individualization.view_plan_reads", can_view_plan_reads)
rules.add_perm("individualization.view_report", can_view_report)
rules.add_perm("individualization.share_report", can_share_report)
rules.add_perm("individualization.arrange_modules", can_arrange_modules)
rules.add_perm("individualization.view_pacing", can_view_pacing)
