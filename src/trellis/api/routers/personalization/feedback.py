"""Comments on shared portfolio work."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from trellis.api.routers.personalization.schemas import PortfolioFeedbackIn, PortfolioFeedbackOut
from trellis.personalization import access, selectors
from trellis.personalization.services import portfolio as pf_svc

router = Router()


def _feedback_out(f) -> PortfolioFeedbackOut:
    return PortfolioFeedbackOut(
        id=f.pk,
        entry_id=f.entry_id,
        author_id=f.author_id,
        author_name=str(f.author),
        text=f.text,
        created_at=f.created_at,
    )


@router.get(
    "/portfolio/entries/{entry_id}/feedback",
    response=list[PortfolioFeedbackOut],
    summary="Feedback on an entry: all of it for the learner and their teachers, "
    "one's own for a network member",
)
def feedback_list(request: HttpRequest, entry_id: int):
    entry = access.access_entry(request.user, entry_id)
    return [_feedback_out(f) for f in selectors.feedback_visible_to(request.user, entry)]


@router.post(
    "/portfolio/entries/{entry_id}/feedback",
    response={201: PortfolioFeedbackOut},
    summary="Leave feedback on an entry shared with the network (members who accepted)",
)
def feedback_give(request: HttpRequest, entry_id: int, payload: PortfolioFeedbackIn):
    entry = access.access_entry_to_give_feedback(request.user, entry_id)
    feedback = pf_svc.feedback_give(entry=entry, author=request.user, text=payload.text)
    return Status(201, _feedback_out(feedback))
