"""Fetching plans, reports and module sequences on someone's behalf: 404
for a record the person has no reason to see, 403 for one they may see but
not change. Reading a plan through here is what writes the read log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from trellis.individualization.models import (
    IndividualPlan,
    Module,
    ModuleSequence,
    SpecificObjective,
    SummativeReport,
    Support,
)
from trellis.individualization.readlog import plan_read_record
from trellis.people.access import (
    FORBIDDEN,
    NOT_FOUND,
    NotVisible,
    access_learner,
    get_or_not_visible,
)
from trellis.people.rules import is_operator, learner_ids_taught_by

if TYPE_CHECKING:
    from trellis.people.models import User


def access_plan(user: User, plan_id: object, *, via: str | None = None) -> IndividualPlan:
    """A plan the person may read; ``via`` ("page" or "api") logs the read."""
    plan = get_or_not_visible(IndividualPlan, plan_id)
    if not user.has_perm("individualization.view_plan", plan):
        raise NotVisible(NOT_FOUND)
    if via is not None:
        plan_read_record(plan=plan, reader=user, via=via)
    return plan


def plans_changeable_by(user: User, plans) -> list[IndividualPlan]:
    """Those of ``plans`` the person may change (``can_change_plan``: an
    operator, or a teacher of the plan's learner), in one query however
    many plans: the list of decisions waiting asks this of every plan."""
    plans = list(plans)
    if is_operator(user):
        return plans
    taught = learner_ids_taught_by(user, {plan.learner_id for plan in plans})
    return [plan for plan in plans if plan.learner_id in taught]


def access_plan_to_change(user: User, plan_id: object, *, via: str | None = None) -> IndividualPlan:
    """A plan the person may change; ``via`` logs the read when the page or
    endpoint shows the plan's contents (an edit form, a changed plan)."""
    plan = access_plan(user, plan_id)
    if not user.has_perm("individualization.change_plan", plan):
        raise PermissionDenied(FORBIDDEN)
    if via is not None:
        plan_read_record(plan=plan, reader=user, via=via)
    return plan


def access_plan_reads(user: User, plan_id: object) -> IndividualPlan:
    """The read log: the school's admins (and operators) only."""
    plan = access_plan(user, plan_id)
    if not user.has_perm("individualization.view_plan_reads", plan):
        raise PermissionDenied(FORBIDDEN)
    return plan


def may_see_plan_reads(user: User, plan: IndividualPlan) -> bool:
    """Whether a page showing this plan offers the link to its read log."""
    return user.has_perm("individualization.view_plan_reads", plan)


def access_learner_to_write_for(
    user: User, learner_id: object, *, refusal: str = FORBIDDEN
) -> User:
    """A learner the person may write a plan or a report for (their
    teacher): 404 for a learner they may not see, 403 with ``refusal`` for
    one they see but do not teach."""
    learner = access_learner(user, learner_id)
    if not user.has_perm("individualization.write_for_learner", learner):
        raise PermissionDenied(refusal)
    return learner


def access_objective(
    user: User, objective_id: object, *, change: bool = False, via: str | None = None
) -> SpecificObjective:
    objective = get_or_not_visible(SpecificObjective, objective_id)
    if change:
        access_plan_to_change(user, objective.plan_id, via=via)
    else:
        access_plan(user, objective.plan_id, via=via)
    return objective


def access_support_to_change(user: User, support_id: object, *, via: str | None = None) -> Support:
    """A support the person may change, delete or log sessions of."""
    support = get_or_not_visible(Support, support_id)
    access_plan_to_change(user, support.plan_id, via=via)
    return support


access_support_to_log = access_support_to_change


def access_report(user: User, report_id: object) -> SummativeReport:
    report = get_or_not_visible(SummativeReport, report_id)
    if not user.has_perm("individualization.view_report", report):
        raise NotVisible(NOT_FOUND)
    return report


def access_report_to_share(user: User, report_id: object) -> SummativeReport:
    report = access_report(user, report_id)
    if not user.has_perm("individualization.share_report", report):
        raise PermissionDenied(FORBIDDEN)
    return report


def access_sequence_to_arrange(user: User, sequence_id: object) -> ModuleSequence:
    from trellis.people.access import access_class_as_teacher

    sequence = get_or_not_visible(ModuleSequence, sequence_id)
    access_class_as_teacher(user, sequence.school_class_id)
    return sequence


def access_module_to_arrange(user: User, module_id: object) -> Module:
    module = get_or_not_visible(Module, module_id)
    access_sequence_to_arrange(user, module.sequence_id)
    return module
