"""Help requests to the network: ask, list, reply, resolve, thank."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import HelpIn, HelpRequestOut, ReplyIn, ReplyOut
from trellis.people.access import NOT_FOUND, NotVisible
from trellis.personalization import access, selectors
from trellis.personalization.services import network as net_svc

router = Router()


@router.post(
    "/network/help-requests", response={201: dict}, summary="Ask your network for help (learners)"
)
def help_request(request: HttpRequest, payload: HelpIn):
    access.require_learner_writes(request.user)
    competency = None
    if payload.competency_id:
        competency = selectors.competency_for(request.user, payload.competency_id)
        if competency is None:
            raise NotVisible(NOT_FOUND)
    req = net_svc.help_request_send(
        learner=request.user,
        message=payload.message,
        competency=competency,
        recipient_ids=payload.recipient_ids,
    )
    return Status(201, {"id": req.pk, "recipients": [u.pk for u in req.recipients.all()]})


def _reply_out(r) -> ReplyOut:
    return ReplyOut(
        id=r.pk,
        author_id=r.author_id,
        author_name=str(r.author),
        text=r.text,
        created_at=r.created_at,
        thanked=r.thanked_at is not None,
    )


def _help_out(h, replies=None) -> HelpRequestOut:
    """``replies``: the thread when the caller fetched it with the request
    (the list prefetches every thread at once); else it is read here."""
    return HelpRequestOut(
        id=h.pk,
        learner_id=h.learner_id,
        learner_name=str(h.learner),
        competency_id=h.competency_id,
        message=h.message,
        recipient_ids=sorted(u.pk for u in h.recipients.all()),
        created_at=h.created_at,
        resolved_at=h.resolved_at,
        replies=[_reply_out(r) for r in (selectors.help_thread(h) if replies is None else replies)],
    )


@router.get(
    "/network/help-requests",
    response=list[HelpRequestOut],
    summary="Help requests you asked, received, or (teachers) your learners asked",
)
def help_request_list(request: HttpRequest, learner_id: int | None = None):
    return [
        _help_out(h, list(h.replies.all()))
        for h in selectors.help_requests_for_api(request.user, learner_id=learner_id)
    ]


@router.get(
    "/network/help-requests/{request_id}",
    response=HelpRequestOut,
    summary="One help request with its thread",
)
def help_request_get(request: HttpRequest, request_id: int):
    return _help_out(access.access_help_request(request.user, request_id))


@router.post(
    "/network/help-requests/{request_id}/replies",
    response={201: ReplyOut},
    summary="Reply in a help request's thread (the learner, its recipients, their teachers)",
)
def help_reply(request: HttpRequest, request_id: int, payload: ReplyIn):
    help_request = access.access_help_request_to_reply(request.user, request_id)
    reply = net_svc.help_reply(request=help_request, author=request.user, text=payload.text)
    return Status(201, _reply_out(reply))


@router.post(
    "/network/help-requests/{request_id}/resolve",
    response=HelpRequestOut,
    summary="Mark your help request resolved (the learner)",
)
def help_resolve(request: HttpRequest, request_id: int):
    help_request = access.access_help_request_to_resolve(request.user, request_id)
    return _help_out(net_svc.help_resolve(request=help_request))


@router.post(
    "/network/help-requests/{request_id}/replies/{reply_id}/thank",
    response=ReplyOut,
    summary="Thank a helper for a reply (the learner)",
)
def help_thank(request: HttpRequest, request_id: int, reply_id: int):
    reply = access.access_help_reply_to_thank(request.user, request_id, reply_id)
    return _reply_out(net_svc.help_thank(reply=reply))
