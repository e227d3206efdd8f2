"""Responses: recording an answer (idempotent via the ``Idempotency-Key`` header), corrections and rubric scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import Header, Router, Status
from ninja.errors import HttpError
from ninja.renderers import JSONRenderer

from trellis.api.routers.evidence.schemas import (
    CorrectionIn,
    ResponseIn,
    ResponseOut,
    RubricScoreIn,
    RubricScoreOut,
)
from trellis.curriculum import kinds, scoring
from trellis.evidence import access, selectors, services
from trellis.evidence.constants import SCORE_SELF, SOURCE_PRACTICE
from trellis.individualization import pace_hint
from trellis.people.access import (
    NOT_FOUND,
)

if TYPE_CHECKING:
    from trellis.curriculum.models import Item

router = Router()


IDEMPOTENCY_HEADER = "Idempotency-Key"


def _response_out(resp, created: bool = True, hide_score: bool = False, estimates=None) -> dict:
    """What ``ResponseOut`` shows, as a plain dict: django-ninja validates
    the returned value against the response schema, so building the schema
    here as well did the work twice on every answer."""
    return {
        "id": resp.pk,
        "learner_id": resp.learner_id,
        "item_id": resp.item_id,
        "attempt_id": resp.attempt_id,
        "answer": resp.answer,
        "correct": None if hide_score else resp.correct,
        "score": None if hide_score else resp.score,
        "time_on_item_ms": resp.time_on_item_ms,
        "corrects_id": resp.corrects_id,
        "recorded_at": resp.recorded_at,
        "answered_at": resp.answered_at,
        "offline": resp.offline,
        "created": created,
        "mastery": []
        if hide_score
        else [
            {
                "learner_id": resp.learner_id,
                "competency_id": cid,
                "code": "",
                "probability": e.probability,
                "level": e.level,
                "attempts": e.attempts,
                "updated_at": None,
            }
            for cid, e in (estimates or {}).items()
        ],
    }


@router.get("/responses", response=list[ResponseOut], summary="Responses the caller may see")
def responses(request: HttpRequest, learner_id: int | None = None, limit: int = 100):
    rows = selectors.responses_for_api(
        request.user, learner_id=learner_id, limit=max(1, min(limit, 1000))
    )
    return [_response_out(x, hide_score=access.scores_hidden_from(request.user, x)) for x in rows]


@router.post(
    "/responses",
    response={200: ResponseOut, 201: ResponseOut},
    summary="Record your answer; send an Idempotency-Key header so a retry records it once",
)
def response_record(
    request: HttpRequest,
    payload: ResponseIn,
    idempotency_key: str | None = Header(None, alias=IDEMPOTENCY_HEADER),
):
    # The item, (for practice) whether the caller is a learner of its
    # school, and whether they have a pace under way (for the pace check
    # after the answer), in one query: every round trip counts on the
    # answer path (decision 0020).
    item = selectors.item_for_answer(
        request.user,
        payload.item_id,
        also=(pace_hint.paces_under_way_sql(),),
        also_params=(request.user.pk,),
    )
    if item is None:
        raise HttpError(404, NOT_FOUND)
    pace_hint.paces_under_way_note(request.user, item.also[0])
    attempt = None
    if payload.attempt_id is not None:
        attempt = access.access_attempt_to_answer(request.user, payload.attempt_id)
    elif not access.may_practise(request.user, item):
        raise HttpError(404, NOT_FOUND)
    result = services.response_record(
        learner=request.user,
        item=item,
        answer=_answer_text(item, payload.answer),
        idempotency_key=(idempotency_key or services.responses.new_key())[:64],
        attempt=attempt,
        source=SOURCE_PRACTICE,
        time_on_item_ms=payload.time_on_item_ms,
        answered_at=payload.answered_at,
        offline=payload.offline,
    )
    hide = attempt is not None and not attempt.assessment.shows_feedback()
    status = 201 if result.created else 200
    return _rendered(
        request, status, _response_out(result.response, result.created, hide, result.estimates)
    )


_RENDERER = JSONRenderer()


def _rendered(request: HttpRequest, status: int, body: dict) -> HttpResponse:
    """The reply as django-ninja would write it for ``ResponseOut``, without
    its validation of the body against the schema on the way out: on every
    answer that cost more than writing the JSON (decision 0020). The body is
    built field by field from the record by ``_response_out``, and
    tests/evidence/test_answer_endpoint_queries.py checks that it is
    exactly what the schema gives."""
    return HttpResponse(
        _RENDERER.render(request, body, response_status=status),
        status=status,
        content_type=f"{_RENDERER.media_type}; charset={_RENDERER.charset}",
    )


def _answer_text(item: Item, answer: str | list[int]) -> str:
    """A list of chosen options in the stored form ("0,2"); a list for an
    item that does not take one is refused with the reason."""
    if not isinstance(answer, list):
        return answer
    if item.kind != kinds.MULTIPLE_RESPONSE:
        raise ValidationError(gettext(scoring.LIST_ONLY_FOR_MULTIPLE))
    return scoring.choices_answer(scoring.parse_choices(answer, len(item.options)))


@router.get("/responses/{response_id}", response=ResponseOut, summary="One response")
def response(request: HttpRequest, response_id: int):
    found = access.access_response(request.user, response_id)
    return _response_out(found, hide_score=access.scores_hidden_from(request.user, found))


@router.post(
    "/responses/{response_id}/corrections",
    response={200: ResponseOut, 201: ResponseOut},
    summary="Correct an automatic score (the class's teacher): a new record pointing at the "
    "one it corrects; the learner's mastery is replayed",
)
def response_correction(
    request: HttpRequest,
    response_id: int,
    payload: CorrectionIn,
    idempotency_key: str | None = Header(None, alias=IDEMPOTENCY_HEADER),
):
    found = access.access_response_to_score(request.user, response_id)
    key = (idempotency_key or services.responses.new_key())[:64]
    repeated = selectors.response_key_used(found.learner_id, key)
    correction = services.response_correct(
        original=found,
        recorded_by=request.user,
        idempotency_key=key,
        correct=payload.correct,
        answer=payload.answer,
    )
    records = selectors.mastery_records_for_item(found.learner_id, found.item_id)
    out = _response_out(correction, not repeated, estimates={m.competency_id: m for m in records})
    return Status(200 if repeated else 201, out)


@router.post(
    "/responses/{response_id}/rubric-scores",
    response={200: RubricScoreOut, 201: RubricScoreOut},
    summary="Score a performance task (teacher) or rate your own (kind=self)",
)
def rubric_score(
    request: HttpRequest,
    response_id: int,
    payload: RubricScoreIn,
    idempotency_key: str | None = Header(None, alias=IDEMPOTENCY_HEADER),
):
    if payload.kind == SCORE_SELF:
        found = access.access_response_to_self_rate(request.user, response_id)
    else:
        found = access.access_response_to_score(request.user, response_id)
    corrects = None
    if payload.corrects_id is not None:
        corrects = selectors.rubric_score_of(found, payload.corrects_id)
        if corrects is None:
            raise HttpError(404, NOT_FOUND)
    score, created = services.rubric_score_record(
        response=found,
        recorded_by=request.user,
        kind=payload.kind,
        points=payload.points,
        comment=payload.comment,
        idempotency_key=(idempotency_key or services.responses.new_key())[:64],
        corrects=corrects,
    )
    out = RubricScoreOut(
        id=score.pk,
        response_id=found.pk,
        kind=score.kind,
        points=score.points,
        total=score.total,
        maximum=score.maximum,
        corrects_id=score.corrects_id,
        created=created,
    )
    return Status(201 if created else 200, out)
