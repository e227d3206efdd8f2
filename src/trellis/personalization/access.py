"""Fetching personalization records on someone's behalf: 404 when the
person has no reason to see the record, 403 when they may see it but not do
what they asked (as ``trellis.people.access``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy

from trellis.people.access import (
    FORBIDDEN,
    NOT_FOUND,
    NotVisible,
    access_learner,
    get_or_not_visible,
)
from trellis.people.selectors import person_by_id
from trellis.personalization.models import (
    AssessmentChoice,
    ExpertRequest,
    Goal,
    HelpReply,
    HelpRequest,
    NetworkMember,
    PortfolioEntry,
    Proposal,
)

if TYPE_CHECKING:
    from trellis.people.models import User

__all__ = ["access_learner"]

ONLY_THE_LEARNER = gettext_lazy(
    "Only the learner can change this; teachers comment or review instead."
)
TEACHERS_ONLY = gettext_lazy("Only the learner’s teachers can do that.")
REPLY_FORBIDDEN = gettext_lazy(
    "Only the learner, the people the request went to and their teachers reply."
)
FEEDBACK_FORBIDDEN = gettext_lazy(
    "Feedback on shared work comes from the learner's network: "
    "members who accepted, on entries shared with the network."
)


def _check(user: User, perm: str, record, *, forbidden: str = FORBIDDEN) -> None:
    if not user.has_perm(perm, record):
        raise PermissionDenied(forbidden)


def access_learner_to_guide(user: User, learner_id: object) -> User:
    learner = access_learner(user, learner_id)
    _check(user, "personalization.guide_learner", learner, forbidden=TEACHERS_ONLY)
    return learner


def access_goal(user: User, goal_id: object) -> Goal:
    goal = get_or_not_visible(Goal, goal_id)
    if not user.has_perm("personalization.view_record", goal):
        raise NotVisible(NOT_FOUND)
    return goal


def access_goal_to_change(user: User, goal_id: object) -> Goal:
    goal = access_goal(user, goal_id)
    _check(user, "personalization.change_record", goal, forbidden=ONLY_THE_LEARNER)
    return goal


def access_goal_to_review(user: User, goal_id: object) -> Goal:
    goal = access_goal(user, goal_id)
    _check(user, "personalization.review_record", goal, forbidden=TEACHERS_ONLY)
    return goal


def access_choice(user: User, choice_id: object) -> AssessmentChoice:
    choice = get_or_not_visible(AssessmentChoice, choice_id)
    if not user.has_perm("personalization.view_choice", choice):
        raise NotVisible(NOT_FOUND)
    return choice


def access_choice_to_answer(user: User, choice_id: object) -> AssessmentChoice:
    choice = access_choice(user, choice_id)
    _check(user, "personalization.answer_choice", choice)
    return choice


def access_proposal(user: User, proposal_id: object) -> Proposal:
    proposal = get_or_not_visible(Proposal, proposal_id)
    if not (
        user.has_perm("personalization.view_record", proposal)
        or user.has_perm("personalization.manage_choice", proposal.choice)
    ):
        raise NotVisible(NOT_FOUND)
    return proposal


def access_proposal_to_revise(user: User, proposal_id: object) -> Proposal:
    proposal = access_proposal(user, proposal_id)
    _check(user, "personalization.change_record", proposal, forbidden=ONLY_THE_LEARNER)
    return proposal


def access_proposal_to_review(user: User, proposal_id: object) -> Proposal:
    proposal = access_proposal(user, proposal_id)
    _check(user, "personalization.review_proposal", proposal, forbidden=TEACHERS_ONLY)
    return proposal


def access_entry(user: User, entry_id: object) -> PortfolioEntry:
    entry = get_or_not_visible(PortfolioEntry, entry_id)
    if not user.has_perm("personalization.view_entry", entry):
        raise NotVisible(NOT_FOUND)
    return entry


def access_entry_to_change(user: User, entry_id: object) -> PortfolioEntry:
    entry = access_entry(user, entry_id)
    _check(user, "personalization.change_record", entry, forbidden=ONLY_THE_LEARNER)
    return entry


def access_invitation(user: User, link_id: object) -> NetworkMember:
    """An invitation to someone's network, for the invited person only."""
    link = get_or_not_visible(NetworkMember, link_id)
    if link.member_id != user.pk or not user.is_active:
        raise NotVisible(NOT_FOUND)
    return link


def access_expert_request_to_decide(user: User, request_id: object) -> ExpertRequest:
    """Seen by whoever may see the learner; decided by their teachers only."""
    request = get_or_not_visible(ExpertRequest, request_id)
    if not user.has_perm("people.view_learner", request.learner):
        raise NotVisible(NOT_FOUND)
    _check(user, "personalization.guide_learner", request.learner, forbidden=TEACHERS_ONLY)
    return request


def access_help_request(user: User, request_id: object) -> HelpRequest:
    request = get_or_not_visible(HelpRequest, request_id)
    if not user.has_perm("personalization.view_help", request):
        raise NotVisible(NOT_FOUND)
    return request


def access_help_request_to_reply(user: User, request_id: object) -> HelpRequest:
    request = access_help_request(user, request_id)
    _check(user, "personalization.reply_help", request, forbidden=REPLY_FORBIDDEN)
    return request


def access_help_request_to_resolve(user: User, request_id: object) -> HelpRequest:
    request = access_help_request(user, request_id)
    _check(user, "personalization.change_record", request, forbidden=ONLY_THE_LEARNER)
    return request


def access_help_reply_to_thank(user: User, request_id: object, reply_id: object) -> HelpReply:
    request = access_help_request_to_resolve(user, request_id)
    reply = request.replies.filter(pk=int(reply_id) if str(reply_id).isdigit() else 0).first()
    if reply is None:
        raise NotVisible(NOT_FOUND)
    return reply


def access_entry_to_give_feedback(user: User, entry_id: object) -> PortfolioEntry:
    entry = access_entry(user, entry_id)
    _check(user, "personalization.give_feedback", entry, forbidden=FEEDBACK_FORBIDDEN)
    return entry


def require_learner_writes(user: User) -> None:
    """Only a learner writes their own personal records (profile, goals,
    network, portfolio); anyone else is refused (403)."""
    _check(user, "personalization.write_personal", user, forbidden=ONLY_THE_LEARNER)


def access_learner_to_choose_path_for(user: User, learner_id: object) -> User:
    """The learner whose next step the person may choose: the learner
    themself, or one of their teachers."""
    learner = access_learner(user, learner_id)
    if user.pk != learner.pk:
        access_learner_to_guide(user, learner_id)
    else:
        _check(user, "personalization.write_personal", learner, forbidden=ONLY_THE_LEARNER)
    return learner


def access_portfolio(user: User, learner_id: object):
    """The learner's portfolio entries the person may see. Someone who may
    not see the learner, and is shown none of their entries, is told there
    is no such portfolio."""
    from trellis.personalization import selectors

    learner = person_by_id(learner_id)
    if learner is None:
        raise NotVisible(NOT_FOUND)
    entries = selectors.entries_visible_to(user, learner)
    if not user.has_perm("people.view_learner", learner) and not entries.exists():
        raise NotVisible(NOT_FOUND)
    return entries


def may_manage_choice(user: User, choice: AssessmentChoice) -> bool:
    """Whether the person manages the choice (sees every learner's standing)."""
    return user.has_perm("personalization.manage_choice", choice)
