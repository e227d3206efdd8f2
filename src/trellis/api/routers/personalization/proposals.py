"""Choices of ways to show mastery, learners' proposals and their reviews."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import (
    ChoiceDetailOut,
    ChoiceIn,
    ChoiceOut,
    PickIn,
    ProposalIn,
    ProposalOut,
    ProposalReviewIn,
    StandingOut,
)
from trellis.personalization import access, selectors
from trellis.personalization.services import proposals as prop_svc

router = Router()


def _choice_out(c) -> ChoiceOut:
    return ChoiceOut(
        id=c.pk,
        class_id=c.school_class_id,
        competency_id=c.competency_id,
        title=c.title,
        options=c.options,
        deadline=c.deadline,
        purpose=c.purpose,
        default_option=c.default_option + 1,
        deadline_applied_at=c.deadline_applied_at,
    )


def _criteria(rubric: str) -> list[dict[str, object]]:
    try:
        return prop_svc.parse_rubric(rubric)
    except ValidationError:
        return []


def _proposal_out(p) -> ProposalOut:
    return ProposalOut(
        id=p.pk,
        choice_id=p.choice_id,
        learner_id=p.learner_id,
        what=p.what,
        how=p.how,
        rubric=p.rubric,
        status=p.status,
        version=p.version,
        criteria=_criteria(p.rubric),
        assessment_id=p.assessment_id,
        events=[
            {
                "action": e.action,
                "actor_id": e.actor_id,
                "comment": e.comment,
                "at": e.at.isoformat(),
            }
            for e in p.events.all()
        ],
    )


@router.get(
    "/proposals/choices",
    response=list[ChoiceOut],
    summary="Assessment choices in the caller's classes",
)
def choice_list(request: HttpRequest):
    prop_svc.choice_deadlines_apply(choices=selectors.choices_for(request.user))
    return [_choice_out(c) for c in selectors.choices_for(request.user)]


@router.post(
    "/proposals/choices", response={201: ChoiceOut}, summary="Offer ways to show mastery (teachers)"
)
def choice_create(request: HttpRequest, payload: ChoiceIn):
    from trellis.people.access import access_class_as_teacher

    school_class = access_class_as_teacher(request.user, payload.class_id)
    choice = prop_svc.choice_create(
        school_class=school_class,
        competency_id=payload.competency_id,
        title=payload.title,
        options=payload.options,
        deadline=payload.deadline,
        purpose=payload.purpose,
        default_option=payload.default_option,
        created_by=request.user,
    )
    return Status(201, _choice_out(choice))


@router.get(
    "/proposals/choices/{choice_id}",
    response=ChoiceDetailOut,
    summary="One assessment choice with where each learner stands",
)
def choice_get(request: HttpRequest, choice_id: int):
    choice = access.access_choice(request.user, choice_id)
    if prop_svc.choice_deadlines_apply(choices=selectors.choices_by_id(choice.pk))[0]:
        choice.refresh_from_db()
    manages = access.may_manage_choice(request.user, choice)
    rows = [
        StandingOut(
            learner_id=s.learner.pk,
            proposal_id=s.proposal.pk if s.proposal else None,
            proposal_status=s.proposal.status if s.proposal else None,
            option=s.option_number,
            must_pick=s.must_pick,
            by_default=s.by_default,
            assessment_id=s.assessment_id,
        )
        for s in selectors.choice_standing(choice)
        if manages or s.learner.pk == request.user.pk
    ]
    return ChoiceDetailOut(**_choice_out(choice).dict(), standing=rows)


@router.post(
    "/proposals/choices/{choice_id}/proposals",
    response={201: ProposalOut},
    summary="Propose your own way (learners)",
)
def proposal_submit(request: HttpRequest, choice_id: int, payload: ProposalIn):
    choice = access.access_choice_to_answer(request.user, choice_id)
    proposal = prop_svc.proposal_submit(choice=choice, learner=request.user, **payload.dict())
    return Status(201, _proposal_out(proposal))


@router.post(
    "/proposals/choices/{choice_id}/pick",
    response={201: dict},
    summary="Pick one of the teacher's options (learners)",
)
def option_pick(request: HttpRequest, choice_id: int, payload: PickIn):
    choice = access.access_choice_to_answer(request.user, choice_id)
    pick = prop_svc.option_pick(choice=choice, learner=request.user, option=payload.option)
    return Status(
        201,
        {"choice_id": choice.pk, "option": pick.option + 1, "assessment_id": pick.assessment_id},
    )


@router.get("/proposals", response=list[ProposalOut], summary="Proposals the caller may see")
def proposal_list(request: HttpRequest, status: str | None = None):
    prop_svc.choice_deadlines_apply(choices=selectors.choices_for(request.user))
    return [_proposal_out(p) for p in selectors.proposals_for_api(request.user, status=status)]


@router.get(
    "/proposals/{proposal_id}", response=ProposalOut, summary="One proposal with its history"
)
def proposal_get(request: HttpRequest, proposal_id: int):
    proposal = access.access_proposal(request.user, proposal_id)
    if prop_svc.choice_deadlines_apply(choices=selectors.choices_by_id(proposal.choice_id))[0]:
        proposal.refresh_from_db()
    return _proposal_out(proposal)


@router.put(
    "/proposals/{proposal_id}", response=ProposalOut, summary="Revise a proposal (learners)"
)
def proposal_revise(request: HttpRequest, proposal_id: int, payload: ProposalIn):
    proposal = access.access_proposal_to_revise(request.user, proposal_id)
    return _proposal_out(prop_svc.proposal_revise(proposal=proposal, **payload.dict()))


@router.post(
    "/proposals/{proposal_id}/reviews",
    response=ProposalOut,
    summary="Accept, ask for a revision or send back (teachers)",
)
def proposal_review(request: HttpRequest, proposal_id: int, payload: ProposalReviewIn):
    proposal = access.access_proposal_to_review(request.user, proposal_id)
    return _proposal_out(
        prop_svc.proposal_review(proposal=proposal, reviewer=request.user, **payload.dict())
    )
