"""Choice in assessment. The teacher offers two or more ways; a learner may
propose their own; the teacher accepts it, asks for a revision or sends it
back; after the deadline with nothing accepted the learner picks one of the
teacher's options. Each step is an event and a notification."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from trellis.curriculum import kinds
from trellis.curriculum.selectors import competencies_of_frameworks, frameworks_for_school
from trellis.curriculum.services import item_create, item_retire
from trellis.evidence.constants import AS_LEARNING, TARGET_LEARNER
from trellis.evidence.services import assessment_assign, assessment_create
from trellis.people import selectors as people_selectors
from trellis.personalization.models import AssessmentChoice, OptionPick, Proposal, ProposalEvent
from trellis.personalization.models.proposals import (
    ACCEPTED,
    CLOSED,
    OPEN,
    PURPOSES,
    RETURNED,
    REVISED,
    REVISION,
    SUBMITTED,
)
from trellis.personalization.services.notify import notification_send

if TYPE_CHECKING:
    from trellis.evidence.models import Assessment
    from trellis.people.models import SchoolClass, User

NEEDS_TWO_OPTIONS = _("Offer at least two ways to show mastery (found {count}).")
DEADLINE_PAST = _("The deadline must be in the future.")
COMPETENCY_NOT_AVAILABLE = _("That competency is not in a framework this class can use.")
DEADLINE_PASSED = _("The deadline has passed; pick one of the teacher's options instead.")
PROPOSAL_FIELD = _("Say {what}.")
ALREADY_PROPOSED = _("You already have a proposal for this; revise it instead.")
NOT_REVISABLE = _(
    "Only a proposal the teacher asked you to revise can be revised (it is {status})."
)
NOT_OPEN = _("This proposal is {status}; only one waiting for the teacher can be reviewed.")
UNKNOWN_ACTION = _("Unknown action {value!r}; use accept, revision or return.")
ACTION_NEEDS_COMMENT = _("Say why when asking for a revision or sending a proposal back.")
OPTION_RANGE = _("Choose one of the teacher's options (1 to {count}).")
ALREADY_ACCEPTED = _("Your own proposal was accepted; there is nothing to pick.")
SELF_REVIEW = _("A learner cannot review their own proposal.")
DEFAULT_RANGE = _("The default option must be one of the options (1 to {count}).")
ALREADY_PICKED = _("You picked “{option}”; it is your task now (ask your teacher to change it).")
PICKED_INSTEAD = _("The learner picked one of the teacher's options instead: “{option}”.")
CLOSED_AT_DEADLINE = _(
    "The deadline ({deadline}) passed before this proposal was accepted; "
    "the teacher's default option, “{option}”, was assigned instead."
)
CLOSED_AT_DEADLINE_PICKED = _(
    "The deadline ({deadline}) passed before this proposal was accepted; "
    "the learner's pick, “{option}”, stands."
)
UNKNOWN_PURPOSE = _("Unknown purpose {value!r}; use as (AS learning) or of (OF learning).")
RUBRIC_EMPTY = _("Say which rubric or criteria it should be judged against.")
RUBRIC_TOO_MANY = _("A rubric can have at most {max} criteria (found {count}).")
RUBRIC_LEVELS = _(
    "Criterion {n} (“{name}”) needs at least two levels, lowest first, separated by “/”."
)
RUBRIC_TOO_MANY_LEVELS = _("Criterion {n} (“{name}”) can have at most {max} levels.")
RUBRIC_NAME_LONG = _("Criterion {n} is longer than {max} characters; keep each one short.")
#: Levels of a criterion written without its own (``Name: a / b / c``).
DEFAULT_LEVELS = (_("Not yet"), _("Partly"), _("Fully"))
MAX_CRITERIA = 10
MAX_LEVELS = 8
MAX_CRITERION_CHARS = 200


def parse_rubric(text: str) -> list[dict[str, object]]:
    """The learner's rubric as evidence scores it: ``[{"name", "levels"}]``.

    Criteria are separated by new lines or semicolons. A criterion may give
    its own levels after a colon, lowest first, separated by slashes
    (``Accuracy: some errors / a few slips / all correct``); without them it
    gets the standard levels Not yet / Partly / Fully. A colon with no slash
    after it is part of the criterion's name."""
    parts = [part.strip() for line in text.splitlines() for part in line.split(";")]
    parts = [part for part in parts if part]
    if not parts:
        raise ValidationError({"rubric": RUBRIC_EMPTY})
    if len(parts) > MAX_CRITERIA:
        raise ValidationError(
            {"rubric": RUBRIC_TOO_MANY.format(max=MAX_CRITERIA, count=len(parts))}
        )
    criteria: list[dict[str, object]] = []
    for n, part in enumerate(parts, start=1):
        name, levels = part, [str(level) for level in DEFAULT_LEVELS]
        head, sep, tail = part.partition(":")
        if sep and "/" in tail:
            name = head.strip() or f"Criterion {n}"
            levels = [lv.strip() for lv in tail.split("/") if lv.strip()]
            if len(levels) < 2:
                raise ValidationError({"rubric": RUBRIC_LEVELS.format(n=n, name=name)})
            if len(levels) > MAX_LEVELS:
                raise ValidationError(
                    {"rubric": RUBRIC_TOO_MANY_LEVELS.format(n=n, name=name, max=MAX_LEVELS)}
                )
        if len(name) > MAX_CRITERION_CHARS or any(len(lv) > MAX_CRITERION_CHARS for lv in levels):
            raise ValidationError({"rubric": RUBRIC_NAME_LONG.format(n=n, max=MAX_CRITERION_CHARS)})
        criteria.append({"name": name, "levels": levels})
    return criteria


def _snapshot(proposal: Proposal) -> dict[str, object]:
    return {
        "what": proposal.what,
        "how": proposal.how,
        "rubric": proposal.rubric,
        "version": proposal.version,
        "assessment_id": proposal.assessment_id,
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
    purpose: str = AS_LEARNING,
    default_option: int = 1,
) -> AssessmentChoice:
    """``default_option`` counts from 1, as the page shows it: the option a
    learner gets at the deadline with nothing accepted and nothing picked."""
    if purpose not in dict(PURPOSES):
        raise ValidationError({"purpose": UNKNOWN_PURPOSE.format(value=purpose)})
    cleaned = [str(o).strip() for o in options if str(o).strip()]
    if len(cleaned) < 2:
        raise ValidationError({"options": NEEDS_TWO_OPTIONS.format(count=len(cleaned))})
    if not 1 <= int(default_option) <= len(cleaned):
        raise ValidationError({"default_option": DEFAULT_RANGE.format(count=len(cleaned))})
    if deadline <= timezone.now():
        raise ValidationError({"deadline": DEADLINE_PAST})
    competency = (
        competencies_of_frameworks(frameworks_for_school(school_class.school))
        .filter(pk=competency_id)
        .first()
    )
    if competency is None:
        raise ValidationError({"competency": COMPETENCY_NOT_AVAILABLE})
    choice = AssessmentChoice(
        school_class=school_class,
        competency=competency,
        title=title.strip(),
        options=cleaned,
        deadline=deadline,
        purpose=purpose,
        default_option=int(default_option) - 1,
        created_by=created_by,
    )
    choice.full_clean()
    choice.save()
    notification_send(
        recipients=people_selectors.roster_of(school_class),
        text=_("Choose how to show %(competency)s: %(title)s"),
        params={"competency": competency.label, "title": choice.title},
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
    parse_rubric(rubric)


@transaction.atomic
def proposal_submit(
    *, choice: AssessmentChoice, learner: User, what: str, how: str, rubric: str
) -> Proposal:
    if choice.deadline <= timezone.now():
        raise ValidationError(DEADLINE_PASSED)
    _check_fields(what, how, rubric)
    pick = OptionPick.objects.filter(choice=choice, learner=learner).first()
    if pick is not None:
        raise ValidationError(ALREADY_PICKED.format(option=choice.options[pick.option]))
    if (
        Proposal.objects.filter(choice=choice, learner=learner)
        .exclude(status__in=(RETURNED, CLOSED))
        .exists()
    ):
        raise ValidationError(ALREADY_PROPOSED)
    proposal = Proposal(
        choice=choice, learner=learner, what=what.strip(), how=how.strip(), rubric=rubric.strip()
    )
    proposal.full_clean()
    proposal.save()
    _event(proposal, learner, SUBMITTED)
    notification_send(
        recipients=choice.school_class.teachers.all(),
        text=_("%(learner)s proposed their own way to show %(competency)s."),
        params={"learner": learner, "competency": choice.competency.label},
        url=_url(proposal),
    )
    return proposal


@transaction.atomic
def proposal_revise(*, proposal: Proposal, what: str, how: str, rubric: str) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != REVISION:
        raise ValidationError(NOT_REVISABLE.format(status=proposal.get_status_display().lower()))
    if proposal.choice.deadline <= timezone.now():
        raise ValidationError(DEADLINE_PASSED)
    _check_fields(what, how, rubric)
    proposal.what, proposal.how, proposal.rubric = what.strip(), how.strip(), rubric.strip()
    proposal.version += 1
    proposal.status = SUBMITTED
    proposal.full_clean()
    proposal.save()
    _event(proposal, proposal.learner, REVISED)
    notification_send(
        recipients=proposal.choice.school_class.teachers.all(),
        text=_("%(learner)s revised their proposal for %(title)s."),
        params={"learner": proposal.learner, "title": proposal.choice.title},
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
    if action not in (ACCEPTED, REVISION, RETURNED):
        raise ValidationError({"action": UNKNOWN_ACTION.format(value=action)})
    if proposal.status != SUBMITTED:
        raise ValidationError(NOT_OPEN.format(status=proposal.get_status_display().lower()))
    if action == ACCEPTED and proposal.choice.deadline <= timezone.now():
        raise ValidationError(DEADLINE_PASSED)
    if action != ACCEPTED and not comment.strip():
        raise ValidationError({"comment": ACTION_NEEDS_COMMENT})
    proposal.status = action
    if action == ACCEPTED:
        proposal.assessment = _evidence_for(proposal, reviewer)
    proposal.save(update_fields=["status", "assessment", "updated_at"])
    _event(proposal, reviewer, action, comment.strip())
    sentences = {
        ACCEPTED: _(
            "%(reviewer)s accepted your proposal for %(title)s. "
            "Hand in your work in the assessment it became."
        ),
        REVISION: _("%(reviewer)s asked you to revise your proposal for %(title)s."),
        RETURNED: _("%(reviewer)s sent back your proposal for %(title)s."),
    }
    notification_send(
        recipients=[proposal.learner],
        text=sentences[action],
        params={"reviewer": reviewer, "title": proposal.choice.title},
        url=_url(proposal),
    )
    return proposal


def _evidence_for(proposal: Proposal, teacher: User) -> Assessment:
    """Turn an accepted proposal into evidence the normal flow can score: a
    performance task scored with the proposal's rubric, tagged with the
    competency, in an assessment of the choice's purpose assigned to this
    learner alone. The task is kept out of the item bank (inactive) so that
    draw rules and practice never hand one learner's task to others."""
    with translation.override(proposal.learner.language or settings.LANGUAGE_CODE):
        choice = proposal.choice
        competency = choice.competency
        item = item_create(
            school=choice.school_class.school,
            kind=kinds.RUBRIC,
            prompt=_("{what}. How it shows {competency}: {how}").format(
                what=proposal.what.rstrip("."), competency=competency.label, how=proposal.how
            ),
            competencies=[competency],
            created_by=teacher,
            rubric=parse_rubric(proposal.rubric),
        )
        item_retire(item=item)
        assessment = assessment_create(
            school_class=choice.school_class,
            title=_("{title}: {learner}’s own way").format(
                title=choice.title, learner=proposal.learner
            )[:200],
            purpose=choice.purpose,
            created_by=teacher,
            items=[item],
            instructions=_(
                "Your own way to show {competency}, accepted by {teacher}. "
                "Describe your work and say where to find it; your teacher scores it "
                "with your rubric."
            ).format(competency=competency.label, teacher=teacher),
            assign_class=False,
        )
        assessment_assign(assessment=assessment, target=TARGET_LEARNER, learner=proposal.learner)
        return assessment


def must_pick(choice: AssessmentChoice, learner: User, now: dt.datetime | None = None) -> bool:
    """Past the deadline, nothing accepted and nothing picked yet."""
    now = now or timezone.now()
    accepted = Proposal.objects.filter(choice=choice, learner=learner, status=ACCEPTED).exists()
    picked = OptionPick.objects.filter(choice=choice, learner=learner).exists()
    return choice.deadline <= now and not accepted and not picked


def _option_evidence(choice: AssessmentChoice, learner: User, option: int) -> Assessment:
    """A picked (or assigned) teacher option as evidence the normal flow can
    score: a performance task whose prompt is the option, scored on one
    criterion -- does the work show the competency -- tagged with the
    competency, in an assessment of the choice's purpose assigned to this
    learner alone (inactive task, as for an accepted proposal)."""
    with translation.override(learner.language or settings.LANGUAGE_CODE):
        competency = choice.competency
        teacher = choice.created_by
        item = item_create(
            school=choice.school_class.school,
            kind=kinds.RUBRIC,
            prompt=_("{option}. Show {competency}.").format(
                option=choice.options[option].rstrip("."), competency=competency.label
            ),
            competencies=[competency],
            created_by=teacher,
            rubric=[
                {
                    "name": _("Shows {competency}").format(competency=competency.label),
                    "levels": [str(level) for level in DEFAULT_LEVELS],
                }
            ],
        )
        item_retire(item=item)
        assessment = assessment_create(
            school_class=choice.school_class,
            title=f"{choice.title}: {choice.options[option]}"[:200],  # the teacher's own words
            purpose=choice.purpose,
            created_by=teacher,
            items=[item],
            instructions=_(
                "Your way to show {competency}: {option}. "
                "Describe your work and say where to find it; your teacher scores it."
            ).format(competency=competency.label, option=choice.options[option]),
            assign_class=False,
        )
        assessment_assign(assessment=assessment, target=TARGET_LEARNER, learner=learner)
        return assessment


def _close(proposal: Proposal, reason: str) -> None:
    proposal.status = CLOSED
    proposal.save(update_fields=["status", "updated_at"])
    ProposalEvent.objects.create(
        proposal=proposal, actor=None, action=CLOSED, comment=reason, snapshot=_snapshot(proposal)
    )


@transaction.atomic
def option_pick(*, choice: AssessmentChoice, learner: User, option: int) -> OptionPick:
    """``option`` counts from 1, as the page shows it. The pick is final: it
    becomes the learner's own assessable task at once, and a proposal of
    theirs still waiting is closed with the reason."""
    if not 1 <= int(option) <= len(choice.options):
        raise ValidationError({"option": OPTION_RANGE.format(count=len(choice.options))})
    choice = AssessmentChoice.objects.select_for_update().get(pk=choice.pk)
    if Proposal.objects.filter(choice=choice, learner=learner, status=ACCEPTED).exists():
        raise ValidationError(ALREADY_ACCEPTED)
    existing = OptionPick.objects.filter(choice=choice, learner=learner).first()
    if existing is not None:
        raise ValidationError(ALREADY_PICKED.format(option=choice.options[existing.option]))
    index = int(option) - 1
    pick = OptionPick.objects.create(
        choice=choice,
        learner=learner,
        option=index,
        assessment=_option_evidence(choice, learner, index),
    )
    for proposal in Proposal.objects.filter(choice=choice, learner=learner, status__in=OPEN):
        _close(proposal, PICKED_INSTEAD.format(option=choice.options[index]))
    notification_send(
        recipients=choice.school_class.teachers.all(),
        text=_("%(learner)s picked “%(option)s” for %(title)s."),
        params={"learner": learner, "option": choice.options[pick.option], "title": choice.title},
        url=reverse("personalization:choice-detail", args=[choice.pk]),
    )
    return pick


@transaction.atomic
def choice_deadline_apply(*, choice: AssessmentChoice, now: dt.datetime | None = None) -> int:
    """Apply the deadline rule to one choice whose deadline has passed: every
    learner of the class with neither an accepted proposal nor a pick gets
    the teacher's default option as their own assessable task and is told;
    every proposal still waiting is closed with the reason; the teachers get
    one summary. Runs once per choice (idempotent, safe to run concurrently);
    returns the number of learners the default was assigned to."""
    now = now or timezone.now()
    choice = AssessmentChoice.objects.select_for_update().get(pk=choice.pk)
    if choice.deadline > now or choice.deadline_applied_at is not None:
        return 0
    default = choice.default_option if choice.default_option < len(choice.options) else 0
    deadline = date_format(timezone.localtime(choice.deadline), "DATETIME_FORMAT")
    accepted = set(
        Proposal.objects.filter(choice=choice, status=ACCEPTED).values_list("learner_id", flat=True)
    )
    picks = dict(OptionPick.objects.filter(choice=choice).values_list("learner_id", "option"))
    assigned = 0
    for learner in people_selectors.roster_of(choice.school_class):
        if learner.pk in accepted or learner.pk in picks:
            continue
        OptionPick.objects.create(
            choice=choice,
            learner=learner,
            option=default,
            by_default=True,
            assessment=_option_evidence(choice, learner, default),
        )
        picks[learner.pk] = default
        assigned += 1
        notification_send(
            recipients=[learner],
            text=_(
                "The deadline for %(title)s passed: your teacher's default, "
                "“%(option)s”, is now your task."
            ),
            params={"title": choice.title, "option": choice.options[default]},
            url=reverse("personalization:choice-detail", args=[choice.pk]),
        )
    closed = 0
    for proposal in Proposal.objects.filter(choice=choice, status__in=OPEN).select_related(
        "learner"
    ):
        option = choice.options[picks.get(proposal.learner_id, default)]
        template = (
            CLOSED_AT_DEADLINE
            if proposal.learner_id in picks and picks[proposal.learner_id] == default
            else CLOSED_AT_DEADLINE_PICKED
        )
        _close(proposal, template.format(deadline=deadline, option=option))
        closed += 1
        notification_send(
            recipients=[proposal.learner],
            text=_("Your proposal for %(title)s was closed: the deadline passed."),
            params={"title": choice.title},
            url=_url(proposal),
        )
    choice.deadline_applied_at = now
    choice.save(update_fields=["deadline_applied_at"])
    if assigned or closed:
        notification_send(
            recipients=choice.school_class.teachers.all(),
            text=_(
                "The deadline for %(title)s passed: your default, "
                "“%(option)s”, was assigned to %(assigned)s learner(s); "
                "%(closed)s proposal(s) still waiting were closed."
            ),
            params={
                "title": choice.title,
                "option": choice.options[default],
                "assigned": assigned,
                "closed": closed,
            },
            url=reverse("personalization:choice-detail", args=[choice.pk]),
        )
    return assigned


def choice_deadlines_apply(
    *, choices: QuerySet[AssessmentChoice] | None = None, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Apply the deadline rule to every choice (or those given) whose
    deadline has passed and has not been applied; (choices, learners)."""
    now = now or timezone.now()
    qs = AssessmentChoice.objects.all() if choices is None else choices
    due = list(
        qs.filter(deadline__lte=now, deadline_applied_at__isnull=True).values_list("pk", flat=True)
    )
    learners = 0
    for pk in due:
        learners += choice_deadline_apply(choice=AssessmentChoice(pk=pk), now=now)
    return len(due), learners
