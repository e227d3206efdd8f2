"""A learner's network: members, invitations, experts and helpers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import (
    ApprovalOut,
    ExpertIn,
    ExpertRequestOut,
    InvitationOut,
    MemberIn,
    MemberOut,
)
from trellis.people.access import NOT_FOUND, NotVisible
from trellis.personalization import access, selectors
from trellis.personalization.services import network as net_svc

router = Router()


def _member_out(m) -> MemberOut:
    return MemberOut(member_id=m.member_id, name=str(m.member), kind=m.kind, status=m.status)


@router.get("/network", response=list[MemberOut], summary="Your network (learners)")
def network_list(request: HttpRequest):
    access.require_learner_writes(request.user)
    return [_member_out(m) for m in selectors.network_of(request.user)]


@router.post(
    "/network",
    response={201: MemberOut},
    summary="Invite someone of your school to your network (learners); they must accept",
)
def network_add(request: HttpRequest, payload: MemberIn):
    access.require_learner_writes(request.user)
    m = net_svc.network_add(learner=request.user, username=payload.username, kind=payload.kind)
    return Status(201, _member_out(m))


@router.get(
    "/network/invitations",
    response=list[InvitationOut],
    summary="Invitations to other learners' networks you have not answered",
)
def invitations(request: HttpRequest):
    return [
        InvitationOut(id=i.pk, learner_id=i.learner_id, learner_name=str(i.learner), kind=i.kind)
        for i in selectors.invitations_for(request.user)
    ]


@router.post(
    "/network/invitations/{link_id}/accept",
    response=InvitationOut,
    summary="Accept an invitation to a learner's network",
)
def invitation_accept(request: HttpRequest, link_id: int):
    link = net_svc.network_accept(link=access.access_invitation(request.user, link_id))
    return InvitationOut(
        id=link.pk, learner_id=link.learner_id, learner_name=str(link.learner), kind=link.kind
    )


@router.post(
    "/network/invitations/{link_id}/decline",
    response={204: None},
    summary="Decline an invitation, or leave a learner's network",
)
def invitation_decline(request: HttpRequest, link_id: int):
    net_svc.network_decline(link=access.access_invitation(request.user, link_id))
    return Status(204, None)


def _expert_request_out(r) -> ExpertRequestOut:
    return ExpertRequestOut(
        id=r.pk,
        learner_id=r.learner_id,
        email=r.email,
        display_name=r.display_name,
        reason=r.reason,
        status=r.status,
    )


@router.post(
    "/network/experts",
    response={201: ExpertRequestOut},
    summary="Ask for an outside expert (learners); a teacher approves",
)
def expert_request(request: HttpRequest, payload: ExpertIn):
    access.require_learner_writes(request.user)
    req = net_svc.expert_request(learner=request.user, **payload.dict())
    return Status(201, _expert_request_out(req))


@router.get(
    "/network/experts",
    response=list[ExpertRequestOut],
    summary="Your outside-expert requests (learners) or those waiting for you (teachers)",
)
def expert_requests(request: HttpRequest):
    mine = list(request.user.expert_requests.all())
    return [
        _expert_request_out(r)
        for r in mine + list(selectors.expert_requests_to_decide(request.user))
    ]


@router.post(
    "/network/experts/{request_id}/approve",
    response=ApprovalOut,
    summary="Approve an outside expert and invite them (the learner's teachers)",
)
def expert_approve(request: HttpRequest, request_id: int):
    req = access.access_expert_request_to_decide(request.user, request_id)
    inv = net_svc.expert_approve(request=req, teacher=request.user)
    req.refresh_from_db()
    return ApprovalOut(
        **_expert_request_out(req).dict(),
        member_id=inv.link.member_id,
        set_password_url=request.build_absolute_uri(inv.set_password_path)
        if inv.set_password_path
        else None,
    )


@router.post(
    "/network/experts/{request_id}/decline",
    response=ExpertRequestOut,
    summary="Decline an outside-expert request (the learner's teachers)",
)
def expert_decline(request: HttpRequest, request_id: int):
    req = access.access_expert_request_to_decide(request.user, request_id)
    return _expert_request_out(net_svc.expert_decline(request=req, teacher=request.user))


@router.delete(
    "/network/members/{member_id}",
    response={204: None},
    summary="Remove someone from your network (learners); they lose what you shared with it",
)
def network_remove(request: HttpRequest, member_id: int):
    access.require_learner_writes(request.user)
    if not net_svc.network_remove(learner=request.user, member_id=member_id):
        raise NotVisible(NOT_FOUND)
    return Status(204, None)


@router.get(
    "/network/helpers/{competency_id}",
    response=list[MemberOut],
    summary="Peers in your network who mastered a competency",
)
def network_helpers(request: HttpRequest, competency_id: int):
    access.require_learner_writes(request.user)
    competency = selectors.competency_for(request.user, competency_id)
    if competency is None:
        raise NotVisible(NOT_FOUND)
    return [
        MemberOut(member_id=u.pk, name=str(u), kind="peer", status="accepted")
        for u in selectors.suggested_helpers(request.user, competency)
    ]
