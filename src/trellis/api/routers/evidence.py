"""Evidence endpoints: assessments and attempts, responses (idempotent via
the ``Idempotency-Key`` header), rubric scores and mastery."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError

from trellis.curriculum import scoring
from trellis.curriculum.models import Item
from trellis.curriculum.models import item as kinds
from trellis.curriculum.presentation import present_item
from trellis.evidence import access, selectors, services
from trellis.evidence.models import Attempt, MasteryRecord, Response
from trellis.evidence.models.assessment import TARGET_LEARNER
from trellis.evidence.models.response import SCORE_SELF, SCORE_TEACHER, SOURCE_PRACTICE
from trellis.evidence.practice import practice_pack_for_learner, seen_in_session
from trellis.people.access import (
    FORBIDDEN,
    NOT_FOUND,
    access_class_as_teacher,
    access_learner,
    access_school,
)
from trellis.people.selectors import schools_administered_by

router = Router(tags=["evidence"])

IDEMPOTENCY_HEADER = "Idempotency-Key"


class AssessmentIn(Schema):
    class_id: int
    title: str
    purpose: str
    item_ids: list[int] = []
    draw_count: int | None = None
    draw_competency_ids: list[int] = []
    time_limit_minutes: int | None = None
    #: When it opens (default: now); the continuum report dates it by this.
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    instructions: str = ""
    #: Assign to these learners of the class only (else the whole class).
    learner_ids: list[int] = []


class AssignmentIn(Schema):
    target: str  # "class", "learner" or "group"
    learner_id: int | None = None
    group_id: int | None = None


class AssignmentOut(Schema):
    target: str
    learner_id: int | None
    group_id: int | None
    group_label: str


class AssessmentOut(Schema):
    id: int
    class_id: int
    title: str
    purpose: str
    counts_toward_grade: bool
    item_ids: list[int]
    draw_count: int | None
    time_limit_minutes: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    closed: bool
    assigned_to: list[AssignmentOut]


class OptionOut(Schema):
    index: int
    text: str


class PresentedItemOut(Schema):
    item_id: int
    kind: str
    prompt: str
    options: list[OptionOut]
    rubric: list[dict]


class AttemptOut(Schema):
    id: int
    assessment_id: int
    item_ids: list[int]
    answered_item_ids: list[int]
    due_at: dt.datetime | None
    submitted_at: dt.datetime | None
    next_item: PresentedItemOut | None


class ResponseIn(Schema):
    item_id: int
    #: Text, or for a multiple-response item the chosen options' indexes as
    #: a list ([0, 2]) or in the stored form ("0,2").
    answer: str | list[int]
    attempt_id: int | None = None
    time_on_item_ms: int = 0
    #: When the learner gave the answer, by the device's clock (an answer
    #: queued offline); the server keeps it between the attempt's start and
    #: the moment it arrives (docs/offline.md).
    answered_at: dt.datetime | None = None
    #: Sent from the device's offline queue: a refusal is kept for the teacher.
    offline: bool = False


class MasteryOut(Schema):
    learner_id: int
    competency_id: int
    code: str
    probability: float
    level: str
    attempts: int
    updated_at: dt.datetime | None = None


class ResponseOut(Schema):
    id: int
    learner_id: int
    item_id: int
    attempt_id: int | None
    answer: str
    correct: bool | None
    score: float | None
    time_on_item_ms: int
    corrects_id: int | None
    recorded_at: dt.datetime
    answered_at: dt.datetime | None = None
    offline: bool = False
    created: bool = True
    mastery: list[MasteryOut] = []


class OfflineEntryOut(Schema):
    assessment_id: int
    title: str
    class_name: str
    #: False until the learner opens it once while online (starting an
    #: attempt, and a time limit's clock, is the learner's choice).
    started: bool
    pending: int
    urls: list[str]


class PracticeEntryOut(Schema):
    competency_id: int
    label: str
    #: The practice page; offline, the device opens the first kept question.
    practice_url: str
    #: The next questions, chosen now by the practice page's rule.
    urls: list[str]


class OfflinePackOut(Schema):
    budget_bytes: int
    entries: list[OfflineEntryOut]
    #: Practice chosen ahead while online (after the assessments in the budget).
    practice: list[PracticeEntryOut] = []


class CorrectionIn(Schema):
    correct: bool
    answer: str | None = None


class RubricScoreIn(Schema):
    points: list[int]
    comment: str = ""
    kind: str = SCORE_TEACHER
    corrects_id: int | None = None


class RubricScoreOut(Schema):
    id: int
    response_id: int
    kind: str
    points: list[int]
    total: int
    maximum: int
    corrects_id: int | None
    created: bool


def _assessment_out(a) -> AssessmentOut:
    return AssessmentOut(
        id=a.pk,
        class_id=a.school_class_id,
        title=a.title,
        purpose=a.purpose,
        counts_toward_grade=a.counts_toward_grade,
        item_ids=[e.item_id for e in a.entries.all()],
        draw_count=a.draw_count,
        time_limit_minutes=a.time_limit_minutes,
        opens_at=a.opens_at,
        closes_at=a.closes_at,
        closed=a.is_closed(),
        assigned_to=[
            AssignmentOut(
                target=x.target,
                learner_id=x.learner_id,
                group_id=x.assigned_group_id,
                group_label=x.group_label,
            )
            for x in a.assignments.all()
        ],
    )


def _response_out(resp: Response, created: bool = True, hide_score: bool = False, estimates=None):
    return ResponseOut(
        id=resp.pk,
        learner_id=resp.learner_id,
        item_id=resp.item_id,
        attempt_id=resp.attempt_id,
        answer=resp.answer,
        correct=None if hide_score else resp.correct,
        score=None if hide_score else resp.score,
        time_on_item_ms=resp.time_on_item_ms,
        corrects_id=resp.corrects_id,
        recorded_at=resp.recorded_at,
        answered_at=resp.answered_at,
        offline=resp.offline,
        created=created,
        mastery=[
            MasteryOut(
                learner_id=resp.learner_id,
                competency_id=cid,
                code="",
                probability=e.probability,
                level=e.level,
                attempts=e.attempts,
            )
            for cid, e in (estimates or {}).items()
        ]
        if not hide_score
        else [],
    )


@router.get("/assessments", response=list[AssessmentOut], summary="Assessments the caller may see")
def assessments(request: HttpRequest):
    qs = (
        selectors.assessments_visible_to(request.user)
        .prefetch_related("entries", "assignments")
        .order_by("-opens_at", "pk")
    )
    return [_assessment_out(a) for a in qs]


@router.post(
    "/assessments",
    response={201: AssessmentOut},
    summary="Create an assessment for a class you teach",
)
def assessment_create(request: HttpRequest, payload: AssessmentIn):
    school_class = access_class_as_teacher(request.user, payload.class_id)
    items = list(Item.objects.filter(pk__in=payload.item_ids, school=school_class.school))
    if len(items) != len(set(payload.item_ids)):
        raise HttpError(404, NOT_FOUND)
    order = {pk: n for n, pk in enumerate(payload.item_ids)}
    items.sort(key=lambda i: order[i.pk])
    from trellis.curriculum.access import access_competency

    learners = [access_learner(request.user, pk) for pk in dict.fromkeys(payload.learner_ids)]
    created = services.assessment_create(
        school_class=school_class,
        title=payload.title,
        purpose=payload.purpose,
        created_by=request.user,
        items=items,
        draw_count=payload.draw_count,
        draw_competencies=[access_competency(request.user, c) for c in payload.draw_competency_ids],
        time_limit_minutes=payload.time_limit_minutes,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        instructions=payload.instructions,
        assign_class=not learners,
    )
    for learner in learners:
        services.assessment_assign(assessment=created, target=TARGET_LEARNER, learner=learner)
    return Status(201, _assessment_out(created))


@router.get("/assessments/{assessment_id}", response=AssessmentOut, summary="One assessment")
def assessment(request: HttpRequest, assessment_id: int):
    return _assessment_out(access.access_assessment(request.user, assessment_id))


@router.post(
    "/assessments/{assessment_id}/assignments",
    response={201: AssessmentOut},
    summary="Assign an assessment of your class to the class, a learner of it, or a group of it",
)
def assessment_assign(request: HttpRequest, assessment_id: int, payload: AssignmentIn):
    found = access.access_assessment_to_manage(request.user, assessment_id)
    learner = None
    if payload.learner_id is not None:
        learner = access_learner(request.user, payload.learner_id)
    services.assessment_assign(
        assessment=found,
        target=payload.target,
        learner=learner,
        assigned_group_id=payload.group_id,
    )
    return Status(201, _assessment_out(found))


def _attempt_out(attempt: Attempt, learner) -> AttemptOut:
    answered = set(
        Response.objects.filter(attempt=attempt, corrects__isnull=True).values_list(
            "item_id", flat=True
        )
    )
    pending = [i for i in attempt.item_ids if i not in answered]
    nxt = None
    if pending and attempt.submitted_at is None:
        p = present_item(Item.objects.get(pk=pending[0]), learner)
        nxt = PresentedItemOut(
            item_id=p.item_id,
            kind=p.kind,
            prompt=p.prompt,
            options=[OptionOut(index=o.index, text=o.text) for o in p.options],
            rubric=p.rubric,
        )
    return AttemptOut(
        id=attempt.pk,
        assessment_id=attempt.assessment_id,
        item_ids=attempt.item_ids,
        answered_item_ids=[i for i in attempt.item_ids if i in answered],
        due_at=attempt.due_at,
        submitted_at=attempt.submitted_at,
        next_item=nxt,
    )


@router.post(
    "/assessments/{assessment_id}/attempt",
    response=AttemptOut,
    summary="Start (or resume) your attempt; returns the next item to answer",
)
def attempt(request: HttpRequest, assessment_id: int):
    found = access.access_assessment_to_take(request.user, assessment_id)
    return _attempt_out(
        services.attempt_start(assessment=found, learner=request.user), request.user
    )


@router.post(
    "/assessments/{assessment_id}/submit", response=AttemptOut, summary="Hand in your attempt"
)
def attempt_submit(request: HttpRequest, assessment_id: int):
    found = access.access_assessment_to_take(request.user, assessment_id)
    attempt = Attempt.objects.filter(assessment=found, learner=request.user).first()
    if attempt is None:
        raise HttpError(404, NOT_FOUND)
    return _attempt_out(services.attempt_submit(attempt=attempt), request.user)


@router.get("/responses", response=list[ResponseOut], summary="Responses the caller may see")
def responses(request: HttpRequest, learner_id: int | None = None, limit: int = 100):
    qs = selectors.responses_visible_to(request.user).order_by("-recorded_at", "-pk")
    if learner_id is not None:
        qs = qs.filter(learner_id=learner_id)
    rows = list(qs.select_related("attempt__assessment")[: max(1, min(limit, 1000))])
    return [_response_out(x, hide_score=_hidden(request.user, x)) for x in rows]


def _hidden(user, resp: Response) -> bool:
    """OF-learning scores stay hidden from the learner (and family) until the
    assessment closes; teachers see them."""
    if resp.attempt_id is None:
        return False
    assessment = resp.attempt.assessment
    if assessment.shows_feedback():
        return False
    return not user.has_perm("evidence.manage_assessment", assessment)


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
    # The item and (for practice) whether the caller is a learner of its
    # school, in one query: every round trip counts on the answer path.
    item = selectors.item_for_answer(request.user, payload.item_id)
    if item is None:
        raise HttpError(404, NOT_FOUND)
    attempt = None
    if payload.attempt_id is not None:
        attempt = (
            Attempt.objects.select_related("assessment__school_class")
            .filter(pk=payload.attempt_id)
            .first()
        )
        if attempt is None or attempt.learner_id != request.user.pk:
            raise HttpError(404, NOT_FOUND)
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
    return Status(status, _response_out(result.response, result.created, hide, result.estimates))


def _answer_text(item: Item, answer: str | list[int]) -> str:
    """A list of chosen options in the stored form ("0,2"); a list for an
    item that does not take one is refused with the reason."""
    if not isinstance(answer, list):
        return answer
    if item.kind != kinds.MULTIPLE_RESPONSE:
        raise ValidationError(gettext(scoring.LIST_ONLY_FOR_MULTIPLE))
    return scoring.choices_answer(scoring.parse_choices(answer, len(item.options)))


@router.get(
    "/offline-pack",
    response=OfflinePackOut,
    summary="Your open assessments' and next practice questions' pages to keep for offline use",
)
def offline_pack(request: HttpRequest):
    """What the service worker caches for the caller (their own started,
    open attempts' remaining questions, as rendered for them), and the size
    budget it must keep to."""
    return OfflinePackOut(
        budget_bytes=settings.TRELLIS_OFFLINE_BUDGET_BYTES,
        entries=[asdict(e) for e in selectors.offline_pack_for_learner(request.user)],
        practice=[
            asdict(e)
            for e in practice_pack_for_learner(
                request.user, seen_in_session(getattr(request, "session", None))
            )
        ],
    )


@router.get("/responses/{response_id}", response=ResponseOut, summary="One response")
def response(request: HttpRequest, response_id: int):
    found = access.access_response(request.user, response_id)
    return _response_out(found, hide_score=_hidden(request.user, found))


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
    repeated = Response.objects.filter(learner_id=found.learner_id, idempotency_key=key).exists()
    correction = services.response_correct(
        original=found,
        recorded_by=request.user,
        idempotency_key=key,
        correct=payload.correct,
        answer=payload.answer,
    )
    records = MasteryRecord.objects.filter(
        learner_id=found.learner_id, competency__items=found.item_id
    )
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
        found = access.access_response(request.user, response_id)
        if not request.user.has_perm("evidence.self_rate_response", found):
            raise PermissionDenied(FORBIDDEN)
    else:
        found = access.access_response_to_score(request.user, response_id)
    corrects = None
    if payload.corrects_id is not None:
        corrects = found.rubric_scores.filter(pk=payload.corrects_id).first()
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


@router.get("/mastery", response=list[MasteryOut], summary="Mastery per learner and competency")
def mastery(request: HttpRequest, learner_id: int | None = None, competency_id: int | None = None):
    """Rows straight from ``values()``: no model object (nor a second schema
    object) per record, which is where this list spent its time (issue #18)."""
    if learner_id is not None:
        learner = access_learner(request.user, learner_id)
        qs = MasteryRecord.objects.filter(learner=learner)
    else:
        qs = selectors.mastery_records_visible(request.user)
    if competency_id is not None:
        qs = qs.filter(competency_id=competency_id)
    rows = list(
        qs.order_by("learner_id", "competency_id").values(
            "learner_id", "competency_id", "probability", "level", "attempts", "updated_at",
            code=F("competency__code"),
        )[:5000]
    )  # fmt: skip
    for row in rows:
        row["probability"] = round(row["probability"], 4)
    return rows


class CandidateOut(Schema):
    name: str
    label: str
    auc: float | None
    log_loss: float
    fit_seconds: float
    chosen: bool


class CalibrationBinOut(Schema):
    low: float
    high: float
    n: int
    predicted: float
    observed: float


class MasteryModelOut(Schema):
    school_id: int
    model: str
    label: str
    fitted: bool
    fitted_at: dt.datetime | None
    n_answers: int
    n_learners: int
    n_test_answers: int
    holdout_share: float
    candidates: list[CandidateOut]
    calibration: list[CalibrationBinOut]
    meaning: str
    selection_note: str


@router.get(
    "/mastery-model",
    response=MasteryModelOut,
    summary="The school's mastery model card, for its admins",
)
def mastery_model(request: HttpRequest, school_id: int | None = None):
    """Which model the school uses, when and on how much evidence it was
    fitted, each candidate's held-out AUC and log loss, the calibration
    table and what "mastery" means for it. ``school_id`` may be left out by
    the admin of one school."""
    if school_id is None:
        mine = list(schools_administered_by(request.user).values_list("pk", flat=True)[:2])
        if len(mine) != 1:
            raise HttpError(404, NOT_FOUND)
        school_id = mine[0]
    card = selectors.model_card(access_school(request.user, school_id))
    return MasteryModelOut(**asdict(card))
