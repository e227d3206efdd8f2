"""Who may see and do what with assessments, evidence and mastery.

A learner's evidence and mastery follow ``can_view_learner`` (the learner,
their guardians, their teachers, their school's admins). Managing an
assessment and scoring its work follow ``can_teach_class`` on the
assessment's class. Taking it requires being assigned to it. A class's heat
map follows ``can_view_class_roster``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from trellis.people.rules import (
    administers_class,
    administers_learner,
    authenticated,
    can_teach_class,
    can_view_class_roster,
    can_view_learner,
    is_guardian_of,
    is_learner,
    is_operator,
    is_self,
    teaches_learner,
)

if TYPE_CHECKING:
    from trellis.people.models import User


@rules.predicate
def teaches_assessment_class(user: User, assessment) -> bool:
    return can_teach_class(user, assessment.school_class)


@rules.predicate
def administers_assessment_class(user: User, assessment) -> bool:
    return administers_class(user, assessment.school_class)


@rules.predicate
def assigned_to(user: User, assessment) -> bool:
    from trellis.evidence.selectors import is_assigned

    return is_assigned(assessment, user)


@rules.predicate
def learns_at_item_school(user: User, item) -> bool:
    """Practice outside an assessment: items of a school where you are a
    learner. An item read with :func:`evidence.selectors.item_for_answer`
    carries the answer already (same query)."""
    from trellis.people.selectors import is_learner_at

    known = getattr(item, "may_practise", None)
    if known is not None:
        return bool(known)

    return is_learner_at(user, item.school_id)


@rules.predicate
def may_view_responder(user: User, response) -> bool:
    return can_view_learner(user, response.learner)


@rules.predicate
def may_score_response(user: User, response) -> bool:
    if response.attempt_id is not None:
        return can_teach_class(user, response.attempt.assessment.school_class)
    return teaches_learner(user, response.learner)


@rules.predicate
def own_response(user: User, response) -> bool:
    return response.learner_id == user.pk


can_manage_assessment = authenticated & (is_operator | teaches_assessment_class)
can_view_assessment = authenticated & (
    is_operator | teaches_assessment_class | administers_assessment_class | assigned_to
)
can_take_assessment = authenticated & assigned_to
can_practise_item = authenticated & learns_at_item_school
can_view_response = authenticated & may_view_responder
#: A file attached to a performance task: the learner, their guardians,
#: their teachers and their school's admins; not operators (a product is
#: the learner's own work, with their name and face on it as often as not).
sees_learners_work = is_learner & (is_self | is_guardian_of | teaches_learner | administers_learner)


@rules.predicate
def may_see_product(user: User, response) -> bool:
    return sees_learners_work.test(user, response.learner)


can_view_product = authenticated & may_see_product
can_score_response = authenticated & (is_operator | may_score_response)
can_self_rate_response = authenticated & own_response
can_view_mastery_of = can_view_learner
can_view_class_mastery = can_view_class_roster

rules.add_perm("evidence.manage_assessment", can_manage_assessment)
rules.add_perm("evidence.view_assessment", can_view_assessment)
rules.add_perm("evidence.take_assessment", can_take_assessment)
rules.add_perm("evidence.practise_item", can_practise_item)
rules.add_perm("evidence.view_response", can_view_response)
rules.add_perm("evidence.view_product", can_view_product)
rules.add_perm("evidence.score_response", can_score_response)
rules.add_perm("evidence.self_rate_response", can_self_rate_response)
rules.add_perm("evidence.view_mastery_of", can_view_mastery_of)
rules.add_perm("evidence.view_class_mastery", can_view_class_mastery)
