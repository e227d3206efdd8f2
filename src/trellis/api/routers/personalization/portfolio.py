"""The portfolio: a learner's entries, adding work and sharing it."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from trellis.api.routers.personalization.schemas import EntryOut, ShareIn
from trellis.personalization import access, selectors
from trellis.personalization.services import portfolio as pf_svc

router = Router()


#: An optional upload (django-ninja reads ``File(None)`` as "not required").
NO_FILE = File(None)


def _entry_out(e) -> EntryOut:
    return EntryOut(
        id=e.pk,
        learner_id=e.learner_id,
        kind=e.kind,
        title=e.title,
        competency_id=e.competency_id,
        note=e.note,
        url=e.url,
        file_url=f"/portfolio/{e.pk}/file/" if e.file else None,
        share_guardians=e.share_guardians,
        share_class=e.share_class,
        share_network=e.share_network,
    )


@router.get(
    "/portfolio/{learner_id}",
    response=list[EntryOut],
    summary="A learner's portfolio as the caller may see it",
)
def portfolio(request: HttpRequest, learner_id: int):
    return [_entry_out(e) for e in access.access_portfolio(request.user, learner_id)]


@router.post(
    "/portfolio",
    response={201: EntryOut},
    summary="Add an entry, optionally with a file (learners)",
)
def portfolio_add(
    request: HttpRequest,
    kind: Form[str],
    title: Form[str],
    competency_id: Form[int | None] = None,
    note: Form[str] = "",
    url: Form[str] = "",
    response_id: Form[int | None] = None,
    share_guardians: Form[bool] = False,
    share_class: Form[bool] = False,
    share_network: Form[bool] = False,
    file: UploadedFile = NO_FILE,
):
    access.require_learner_writes(request.user)
    response = selectors.own_response(request.user, response_id) if response_id else None
    entry = pf_svc.entry_add(
        learner=request.user,
        kind=kind,
        title=title,
        competency_id=competency_id,
        note=note,
        url=url,
        response=response,
        upload=file,
        share_guardians=share_guardians,
        share_class=share_class,
        share_network=share_network,
    )
    return Status(201, _entry_out(entry))


@router.put(
    "/portfolio/entries/{entry_id}/sharing",
    response=EntryOut,
    summary="Choose who may see an entry",
)
def portfolio_share(request: HttpRequest, entry_id: int, payload: ShareIn):
    entry = access.access_entry_to_change(request.user, entry_id)
    return _entry_out(pf_svc.entry_share(entry=entry, **payload.dict()))
