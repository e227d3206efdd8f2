"""Who may see and do what in personalization: every rule in one place.

The learner drives: only they write their profile, goals, proposals,
reflections, path, portfolio and network. Their teachers guide (comment,
review, accept). Viewing follows ``can_view_learner`` (the learner, their
guardians, teachers and school admins). Portfolio entries are the one place
where others can see more: classmates see what is shared with the class and
network members (peers, mentors, outside experts) what is shared with the
network -- and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from trellis.people.rules import (
    administers_learner,
    attends_class,
    authenticated,
    can_teach_class,
    can_view_class,
    can_view_learner,
    is_guardian_of,
    is_learner,
    is_operator,
    is_self,
    teaches_learner,
)
from trellis.people.selectors import share_a_class

if TYPE_CHECKING:
    from trellis.people.models import User


@rules.predicate
def is_learner_self(user: User, learner: User) -> bool:
    return is_self(user, learner) and is_learner(user, learner)


#: Profiles, goals, reflections, path: the learner, guardians, teachers, admins.
can_view_personal = can_view_learner
#: Only the learner writes their own records.
can_write_personal = authenticated & is_learner_self
#: Teachers comment on profiles and review goals; never the learner themselves.
can_guide_learner = authenticated & ~is_self & (is_operator | teaches_learner)


@rules.predicate
def _owns(user: User, record) -> bool:
    return record.learner_id == user.pk


@rules.predicate
def _views_owner(user: User, record) -> bool:
    return can_view_learner(user, record.learner)


@rules.predicate
def _guides_owner(user: User, record) -> bool:
    return can_guide_learner(user, record.learner)


can_view_record = authenticated & _views_owner
can_change_record = authenticated & _owns
can_review_record = authenticated & _guides_owner


@rules.predicate
def _teaches_choice_class(user: User, choice) -> bool:
    return can_teach_class(user, choice.school_class)


@rules.predicate
def _sees_choice_class(user: User, choice) -> bool:
    return can_view_class(user, choice.school_class)


@rules.predicate
def _attends_choice_class(user: User, choice) -> bool:
    return attends_class(user, choice.school_class)


can_view_choice = authenticated & (is_operator | _sees_choice_class)
can_manage_choice = authenticated & (is_operator | _teaches_choice_class)
can_answer_choice = authenticated & _attends_choice_class


@rules.predicate
def _reviews_proposal(user: User, proposal) -> bool:
    return can_manage_choice(user, proposal.choice) and user.pk != proposal.learner_id


can_review_proposal = authenticated & _reviews_proposal


@rules.predicate
def _entry_teacher_or_admin(user: User, entry) -> bool:
    return teaches_learner(user, entry.learner) or administers_learner(user, entry.learner)


@rules.predicate
def _entry_guardian(user: User, entry) -> bool:
    return entry.share_guardians and is_guardian_of(user, entry.learner)


@rules.predicate
def _entry_classmate(user: User, entry) -> bool:
    if not entry.share_class:
        return False
    return share_a_class(user, entry.learner_id)


@rules.predicate
def _entry_network(user: User, entry) -> bool:
    from trellis.personalization.models import NetworkMember

    return (
        entry.share_network
        and NetworkMember.objects.filter(
            learner_id=entry.learner_id, member=user, status="accepted"
        ).exists()
    )


can_view_entry = authenticated & (
    is_operator
    | _owns
    | _entry_teacher_or_admin
    | _entry_guardian
    | _entry_classmate
    | _entry_network
)


@rules.predicate
def _teaches_or_administers_owner(user: User, record) -> bool:
    return teaches_learner(user, record.learner) or administers_learner(user, record.learner)


@rules.predicate
def _help_recipient(user: User, help_request) -> bool:
    return help_request.recipients.filter(pk=user.pk).exists()


#: A help request and its thread: the learner, the people it was sent to, and
#: the learner's teachers and school admins.
can_view_help = authenticated & (
    is_operator | _owns | _help_recipient | _teaches_or_administers_owner
)


@rules.predicate
def _still_in_network(user: User, help_request) -> bool:
    from trellis.personalization.models import NetworkMember

    return NetworkMember.objects.filter(
        learner_id=help_request.learner_id, member=user, status="accepted"
    ).exists()


#: Replying: the learner, those it was sent to while they stay in the
#: learner's network, and the learner's teachers.
can_reply_help = authenticated & (_owns | (_help_recipient & _still_in_network) | _guides_owner)


#: Peer feedback: members of the learner's network who accepted, on an entry
#: the learner shares with the network.
can_give_feedback = authenticated & ~_owns & _entry_network


@rules.predicate
def _feedback_author(user: User, feedback) -> bool:
    return feedback.author_id == user.pk


_sees_all_of_owner = is_operator | _owns | _teaches_or_administers_owner


@rules.predicate
def _feedback_on_own_or_taught(user: User, feedback) -> bool:
    return _sees_all_of_owner(user, feedback.entry)


#: Feedback is read by the learner, its author and the learner's teachers.
can_view_feedback = authenticated & (_feedback_author | _feedback_on_own_or_taught)

rules.add_perm("personalization.view_personal", can_view_personal)
rules.add_perm("personalization.write_personal", can_write_personal)
rules.add_perm("personalization.guide_learner", can_guide_learner)
rules.add_perm("personalization.view_record", can_view_record)
rules.add_perm("personalization.change_record", can_change_record)
rules.add_perm("personalization.review_record", can_review_record)
rules.add_perm("personalization.view_choice", can_view_choice)
rules.add_perm("personalization.manage_choice", can_manage_choice)
rules.add_perm("personalization.answer_choice", can_answer_choice)
rules.add_perm("personalization.review_proposal", can_review_proposal)
rules.add_perm("personalization.view_entry", can_view_entry)
rules.add_perm("personalization.view_help", can_view_help)
rules.add_perm("personalization.reply_help", can_reply_help)
rules.add_perm("personalization.give_feedback", can_give_feedback)
rules.add_perm("personalization.view_feedback", can_view_feedback)
