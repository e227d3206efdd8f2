"""Choice in assessment. The teacher offers two or more ways; a learner may
propose their own; the teacher accepts it, asks for a revision or sends it
back; after the deadline with nothing accepted the learner picks one of the
teacher's options. Each step is an event and a notification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from trellis.curriculum.models import Competency
from trellis.curriculum.selectors import frameworks_for_school
from trellis.people import selectors as people_selectors
from trellis.people.models import SchoolClass, User
from trellis.personalization.models import AssessmentChoice, OptionPick, Proposal, ProposalEvent
from trellis.personalization.models import proposals as p
from trellis.personalization.services.notify import notification_send

NEEDS_TWO_OPTIONS = "Offer at least two ways to show mastery (found {count})."
DEADLINE_PAST = "The deadline must be in the future."
COMPETENCY_NOT_AVAILABLE = "That competency is not in a framework this class can use."
DEADLINE_PASSED = "The deadline has passed; pick one of the teacher's options instead."
PROPOSAL_FIELD = "Say {what}."
ALREADY_PROPOSED = "You already have a proposal for this; revise it instead."
NOT_REVISABLE = "Only a proposal the teacher asked you to revise can be revised (it is {status})."
NOT_OPEN = "This proposal is {status}; only one waiting for the teacher can be reviewed."
UNKNOWN_ACTION = "Unknown action {value!r}; use accept, revision or return."
ACTION_NEEDS_COMMENT = "Say why when asking for a revision or sending a proposal back."
OPTION_RANGE = "Choose one of the teacher's options (1 to {count})."
ALREADY_ACCEPTED = "Your own proposal was accepted; there is nothing to pick."
SELF_REVIEW = "A learner cannot review their own proposal."


def _snapshot(proposal: Proposal) -> dict[str, object]:
    return {
        "what": proposal.what,
        "how": proposal.how,
        "rubric": proposal.rubric,
        "version": proposal.version,
    }


def _event(proposal: Proposal, actor: User, action: str, comment: str = "") -> ProposalEvent:
    return ProposalEvent.objects.create(
        proposal=proposal, actor=actor, action=action, comment=comment, snapshot=_snapshot(proposal)
    )


def _url(proposal: Proposal) -> str:
    return reverse("personalization:proposal-detail", args=[proposal.pk])


@transaction.atomic
def choice_create(
    *,
    school_class: SchoolClass,
    competency_id: int,
    title: str,
    options: Sequence[str],
    deadline: dt.datetime,
    created_by: User,
) -> AssessmentChoice:
    cleaned = [str(o).strip() for o in options if str(o).strip()]
    if len(cleaned) < 2:
        raise ValidationError({"options": NEEDS_TWO_OPTIONS.format(count=len(cleaned))})
    if deadline <= timezone.now():
        raise ValidationError({"deadline": DEADLINE_PAST})
    competency = Competency.objects.filter(
        pk=competency_id, framework__in=frameworks_for_school(school_class.school)
    ).first()
    if competency is None:
        raise ValidationError({"competency": COMPETENCY_NOT_AVAILABLE})
    choice = AssessmentChoice(
        school_class=school_class,
        competency=competency,
        title=title.strip(),
        options=cleaned,
        deadline=deadline,
        created_by=created_by,
    )
    choice.full_clean()
    choice.save()
    notification_send(
        recipients=people_selectors.roster_of(school_class),
        text=f"Choose how to show {competency.label}: {choice.title}",
        url=reverse("personalization:choice-detail", args=[choice.pk]),
    )
    return choice


def _check_fields(what: str, how: str, rubric: str) -> None:
    for value, name in (
        (what, "what you'll make"),
        (how, "how it shows the competency"),
        (rubric, "which rubric it should be judged against"),
    ):
        if not value.strip():
            raise ValidationError(PROPOSAL_FIELD.format(what=name))


@transaction.atomic
def proposal_submit(
    *, choice: AssessmentChoice, learner: User, what: str, how: str, rubric: str
) -> Proposal:
    if choice.deadline <= timezone.now():
        raise ValidationError(DEADLINE_PASSED)
    _check_fields(what, how, rubric)
    if Proposal.objects.filter(choice=choice, learner=learner).exclude(status=p.RETURNED).exists():
        raise ValidationError(ALREADY_PROPOSED)
    proposal = Proposal(
        choice=choice, learner=learner, what=what.strip(), how=how.strip(), rubric=rubric.strip()
    )
    proposal.full_clean()
    proposal.save()
    _event(proposal, learner, p.SUBMITTED)
    notification_send(
        recipients=choice.school_class.teachers.all(),
        text=f"{learner} proposed their own way to show {choice.competency.label}.",
        url=_url(proposal),
    )
    return proposal


@transaction.atomic
def proposal_revise(*, proposal: Proposal, what: str, how: str, rubric: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != p.REVISION:
        raise ValidationError(NOT_REVISABLE.format(status=proposal.get_status_display().lower()))
    if proposal.choice.deadline <= timezone.now():
        raise ValidationError(DEADLINE_PASSED)
    _check_fields(what, how, rubric)
    proposal.what, proposal.how, proposal.rubric = what.strip(), how.strip(), rubric.strip()
    proposal.version += 1
    proposal.status = p.SUBMITTED
    proposal.full_clean()
    proposal.save()
    _event(proposal, proposal.learner, p.REVISED)
    notification_send(
        recipients=proposal.choice.school_class.teachers.all(),
        text=f"{proposal.learner} revised their proposal for {proposal.choice.title}.",
        url=_url(proposal),
    )
    return proposal


@transaction.atomic
def proposal_review(
    *, proposal: Proposal, reviewer: User, action: str, comment: str = ""
) -> Proposal:
    if reviewer.pk == proposal.learner_id:
        raise PermissionDenied(SELF_REVIEW)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if action not in (p.ACCEPTED, p.REVISION, p.RETURNED):
        raise ValidationError({"action": UNKNOWN_ACTION.format(value=action)})
    if proposal.status != p.SUBMITTED:
        raise ValidationError(NOT_OPEN.format(status=proposal.get_status_display().lower()))
    if action == p.ACCEPTED and proposal.choice.deadline <= timezone.now():
        raise ValidationError(DEADLINE_PASSED)
    if action != p.ACCEPTED and not comment.strip():
        raise ValidationError({"comment": ACTION_NEEDS_COMMENT})
    proposal.status = action
    proposal.save(update_fields=["status", "updated_at"])
    _event(proposal, reviewer, action, comment.strip())
    words = {p.ACCEPTED: "accepted", p.REVISION: "asked you to revise", p.RETURNED: "sent back"}
    notification_send(
        recipients=[proposal.learner],
        text=f"{reviewer} {words[action]} your proposal for {proposal.choice.title}.",
        url=_url(proposal),
    )
    return proposal


def must_pick(choice: AssessmentChoice, learner: User, now: dt.datetime | None = None) -> bool:
    """Past the deadline, nothing accepted and nothing picked yet."""
    now = now or timezone.now()
    accepted = Proposal.objects.filter(choice=choice, learner=learner, status=p.ACCEPTED).exists()
    picked = OptionPick.objects.filter(choice=choice, learner=learner).exists()
    return choice.deadline <= now and not accepted and not picked


@transaction.atomic
def option_pick(*, choice: AssessmentChoice, learner: User, option: int) -> OptionPick:
    """``option`` counts from 1, as the page shows it."""
    if not 1 <= int(option) <= len(choice.options):
        raise ValidationError({"option": OPTION_RANGE.format(count=len(choice.options))})
    if Proposal.objects.filter(choice=choice, learner=learner, status=p.ACCEPTED).exists():
        raise ValidationError(ALREADY_ACCEPTED)
    pick, _ = OptionPick.objects.update_or_create(
        choice=choice, learner=learner, defaults={"option": int(option) - 1}
    )
    notification_send(
        recipients=choice.school_class.teachers.all(),
        text=f"{learner} picked “{choice.options[pick.option]}” for {choice.title}.",
        url=reverse("personalization:choice-detail", args=[choice.pk]),
    )
    return pick
