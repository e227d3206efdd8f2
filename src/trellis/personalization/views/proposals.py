from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trellis.curriculum.selectors import competencies_of_frameworks, frameworks_for_school
from trellis.evidence.constants import AS_LEARNING
from trellis.people.access import access_class_as_teacher
from trellis.people.selectors import classes_taught_by
from trellis.personalization import access, selectors
from trellis.personalization.models import AssessmentChoice, OptionPick, Proposal
from trellis.personalization.models.proposals import PURPOSES
from trellis.personalization.services import proposals as svc
from trellis.personalization.views import error_list

BAD_DEADLINE = gettext_lazy("The deadline {value!r} is not a date and time.")
NO_DEADLINE = gettext_lazy("Give a deadline for proposals.")


def _deadline(value: str) -> dt.datetime:
    if not value.strip():
        raise ValidationError({"deadline": NO_DEADLINE})
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({"deadline": BAD_DEADLINE.format(value=value)}) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _my_state(choice, proposals: dict[int, Proposal], picks: dict[int, OptionPick], now) -> str:
    """One line for a learner about where they stand on a choice."""
    proposal = proposals.get(choice.pk)
    if proposal is not None and proposal.status == "accepted":
        return _("Your own proposal was accepted.")
    if choice.pk in picks:
        pick = picks[choice.pk]
        if pick.by_default:
            return _("The deadline passed: your teacher’s default, %(option)s.") % {
                "option": choice.options[pick.option]
            }
        return _("You picked: %(option)s.") % {"option": choice.options[pick.option]}
    if choice.deadline <= now:
        return _("The deadline has passed: pick one of your teacher’s options.")
    if proposal is not None and proposal.status != "returned":
        return _("Your proposal: %(status)s.") % {"status": proposal.get_status_display().lower()}
    return _("Pick an option or propose your own.")


@login_required
def choice_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    svc.choice_deadlines_apply(choices=selectors.choices_for(user))
    choices = list(selectors.choices_for(user).order_by("deadline"))
    proposals = {
        p.choice_id: p for p in Proposal.objects.filter(learner=user).order_by("created_at", "pk")
    }
    picks = {pick.choice_id: pick for pick in OptionPick.objects.filter(learner=user)}
    now = timezone.now()
    attends = {c.pk for c in choices if user.has_perm("personalization.answer_choice", c)}
    return render(
        request,
        "personalization/choices.html",
        {
            "choices": [
                (c, _my_state(c, proposals, picks, now) if c.pk in attends else None)
                for c in choices
            ],
            "taught": list(classes_taught_by(user)),
        },
    )


OPTION_ROWS = 4


@login_required
def choice_create(request: HttpRequest, class_id: int) -> HttpResponse:
    """A teacher offers two or more ways to show a competency, a deadline for
    learners' own proposals, and the purpose an accepted proposal gets."""
    school_class = access_class_as_teacher(request.user, class_id)
    errors: list[str] = []
    form = {
        "title": request.POST.get("title", ""),
        "competency": request.POST.get("competency", ""),
        "options": request.POST.getlist("option"),
        "deadline": request.POST.get("deadline", ""),
        "purpose": request.POST.get("purpose", AS_LEARNING),
        "default_option": request.POST.get("default_option", "1"),
    }
    if request.method == "POST":
        try:
            choice = svc.choice_create(
                school_class=school_class,
                competency_id=int(form["competency"]) if form["competency"].isdigit() else 0,
                title=form["title"],
                options=form["options"],
                deadline=_deadline(form["deadline"]),
                purpose=form["purpose"],
                default_option=int(form["default_option"])
                if form["default_option"].isdigit()
                else 0,
                created_by=request.user,
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Choices offered to the class."))
            return redirect("personalization:choice-detail", choice_id=choice.pk)
    options = (form["options"] + [""] * OPTION_ROWS)[: max(OPTION_ROWS, len(form["options"]))]
    competencies = competencies_of_frameworks(frameworks_for_school(school_class.school)).order_by(
        "code"
    )
    return render(
        request,
        "personalization/choice_form.html",
        {
            "school_class": school_class,
            "competencies": competencies,
            "form": form,
            "options": list(enumerate(options, start=1)),
            "purposes": PURPOSES,
            "errors": errors,
        },
    )


@login_required
def choice_detail(request: HttpRequest, choice_id: int) -> HttpResponse:
    choice = access.access_choice(request.user, choice_id)
    if svc.choice_deadlines_apply(choices=AssessmentChoice.objects.filter(pk=choice.pk))[0]:
        choice.refresh_from_db()
    errors: list[str] = []
    if request.method == "POST":
        choice = access.access_choice_to_answer(request.user, choice_id)
        try:
            if request.POST.get("action") == "pick":
                svc.option_pick(
                    choice=choice, learner=request.user, option=int(request.POST.get("option") or 0)
                )
                messages.success(request, _("Your choice is recorded."))
                return redirect("personalization:choice-detail", choice_id=choice.pk)
            proposal = svc.proposal_submit(
                choice=choice,
                learner=request.user,
                what=request.POST.get("what", ""),
                how=request.POST.get("how", ""),
                rubric=request.POST.get("rubric", ""),
            )
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            messages.success(request, _("Proposal sent to your teacher."))
            return redirect("personalization:proposal-detail", proposal_id=proposal.pk)
    is_learner = request.user.has_perm("personalization.answer_choice", choice)
    manages = request.user.has_perm("personalization.manage_choice", choice)
    return render(
        request,
        "personalization/choice_detail.html",
        {
            "choice": choice,
            "options": list(enumerate(choice.options, start=1)),
            "is_learner": is_learner,
            "manages": manages,
            "mine": Proposal.objects.filter(choice=choice, learner=request.user).first()
            if is_learner
            else None,
            "pick": OptionPick.objects.filter(choice=choice, learner=request.user).first()
            if is_learner
            else None,
            "must_pick": is_learner and svc.must_pick(choice, request.user),
            "open": choice.deadline > timezone.now(),
            "standing": selectors.choice_standing(choice) if manages else [],
            "errors": errors,
        },
    )


def _criteria(rubric: str) -> list[dict[str, object]] | None:
    """The rubric as it will be scored (None if it cannot be read)."""
    try:
        return svc.parse_rubric(rubric)
    except ValidationError:
        return None


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = access.access_proposal(request.user, proposal_id)
    if svc.choice_deadlines_apply(choices=AssessmentChoice.objects.filter(pk=proposal.choice_id))[
        0
    ]:
        proposal.refresh_from_db()
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "revise":
                proposal = access.access_proposal_to_revise(request.user, proposal_id)
                svc.proposal_revise(
                    proposal=proposal,
                    what=request.POST.get("what", ""),
                    how=request.POST.get("how", ""),
                    rubric=request.POST.get("rubric", ""),
                )
                messages.success(request, _("Revision sent to your teacher."))
            else:
                proposal = access.access_proposal_to_review(request.user, proposal_id)
                svc.proposal_review(
                    proposal=proposal,
                    reviewer=request.user,
                    action=request.POST.get("action", ""),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("Decision recorded."))
        except ValidationError as exc:
            errors = error_list(exc)
        else:
            return redirect("personalization:proposal-detail", proposal_id=proposal.pk)
        proposal.refresh_from_db()
    return render(
        request,
        "personalization/proposal_detail.html",
        {
            "proposal": proposal,
            "criteria": _criteria(proposal.rubric),
            "is_learner": request.user.pk == proposal.learner_id,
            "can_score": proposal.assessment is not None
            and request.user.has_perm("evidence.manage_assessment", proposal.assessment),
            "events": list(proposal.events.select_related("actor")),
            "can_revise": request.user.has_perm("personalization.change_record", proposal)
            and proposal.status == "revision",
            "can_review": request.user.has_perm("personalization.review_proposal", proposal)
            and proposal.status == "submitted",
            "errors": errors,
        },
    )


@login_required
def guidance(request: HttpRequest) -> HttpResponse:
    """The teacher's queue: goals and proposals waiting for them."""
    taught = list(classes_taught_by(request.user))
    if not taught:
        raise PermissionDenied(access.TEACHERS_ONLY)
    svc.choice_deadlines_apply(choices=AssessmentChoice.objects.filter(school_class__in=taught))
    return render(
        request,
        "personalization/guidance.html",
        {**selectors.guidance_queue(request.user), "taught": taught},
    )


@login_required
def family(request: HttpRequest) -> HttpResponse:
    """A guardian's way in to each child's profile, goals, reflections and
    the portfolio entries shared with them."""
    children = list(selectors.children_of(request.user))
    if not children:
        raise PermissionDenied(access.FORBIDDEN)
    return render(request, "personalization/family.html", {"children": children})
