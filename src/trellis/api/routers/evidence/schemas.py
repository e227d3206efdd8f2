"""The evidence endpoints' request and response shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema

from trellis.evidence.constants import SCORE_TEACHER


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
