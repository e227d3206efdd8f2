"""The personalization endpoints' request and response shapes."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class ProfileIn(Schema):
    strengths: str = ""
    needs: str = ""
    interests: str = ""
    interest_tags: list[str] = []
    talents: str = ""
    passions: str = ""
    aspirations: str = ""
    take_in: list[str] = []
    express: list[str] = []
    engage: list[str] = []
    accessibility_needs: list[str] = []


class ProfileOut(ProfileIn):
    learner_id: int
    comments: list[dict[str, str]]


class CommentIn(Schema):
    text: str


class ReadyOut(Schema):
    competency_id: int
    label: str
    level: str
    probability: float


class RecommendationOut(Schema):
    resource_id: int
    title: str
    format: str
    readiness_level: int
    score: float
    reason: str
    competency: str | None


class PathChoiceOut(Schema):
    competency_id: int
    resource_id: int | None
    chosen_by: str
    at: dt.datetime


class PathOut(Schema):
    ready: list[ReadyOut]
    recommendations: list[RecommendationOut]
    #: Resources on competencies the learner has mastered, offered as review.
    review: list[RecommendationOut]
    chosen: list[PathChoiceOut]


class PathIn(Schema):
    competency_id: int
    resource_id: int | None = None


class BenchmarkIn(Schema):
    description: str
    due_on: dt.date
    success_looks_like: str
    competency_id: int | None = None


class GoalIn(Schema):
    title: str
    description: str = ""
    target_date: dt.date | None = None
    competency_ids: list[int] = []
    benchmarks: list[BenchmarkIn]


class BenchmarkOut(Schema):
    id: int
    description: str
    due_on: dt.date
    success_looks_like: str
    competency_id: int | None
    progress: float
    source: str
    #: The check-in date at which it was first met (stays met); None if not yet.
    met_on: dt.date | None = None


class CheckInOut(Schema):
    on: dt.date
    progress: float
    note: str
    #: benchmark id -> its progress as it stood at this check-in (None: nothing yet)
    benchmarks: dict[int, float | None]


class GoalOut(Schema):
    id: int
    learner_id: int
    #: Who set it: the learner, or a teacher who set it for them.
    set_by_id: int | None = None
    title: str
    description: str
    status: str
    target_date: dt.date | None
    competency_ids: list[int]
    benchmarks: list[BenchmarkOut]
    progress: float
    projection: dict[str, object]
    checkins: list[CheckInOut]


class GoalListOut(Schema):
    id: int
    learner_id: int
    title: str
    status: str
    target_date: dt.date | None


class ReviewIn(Schema):
    decision: str
    comment: str = ""


class CheckInIn(Schema):
    ratings: dict[int, float] = {}
    note: str = ""
    on: dt.date | None = None


class ChoiceIn(Schema):
    class_id: int
    competency_id: int
    title: str
    options: list[str]
    deadline: dt.datetime
    #: what an accepted proposal becomes: "as" (AS learning) or "of" (OF learning)
    purpose: str = "as"
    #: the option (from 1) assigned at the deadline to learners with nothing
    #: accepted or picked
    default_option: int = 1


class ChoiceOut(Schema):
    id: int
    class_id: int
    competency_id: int
    title: str
    options: list[str]
    deadline: dt.datetime
    purpose: str
    default_option: int
    #: when the deadline rule ran (default assigned, waiting proposals closed)
    deadline_applied_at: dt.datetime | None


class ProposalIn(Schema):
    what: str
    how: str
    rubric: str


class ProposalOut(Schema):
    id: int
    choice_id: int
    learner_id: int
    what: str
    how: str
    rubric: str
    status: str
    version: int
    #: the rubric as it will be scored: [{"name": str, "levels": [str, ...]}]
    criteria: list[dict[str, object]]
    #: once accepted: the learner's own assessment, where the teacher scores the work
    assessment_id: int | None
    events: list[dict[str, object]]


class StandingOut(Schema):
    learner_id: int
    proposal_id: int | None
    proposal_status: str | None
    #: the teacher's option picked, counting from 1
    option: int | None
    #: past the deadline with nothing accepted or picked: must pick an option
    must_pick: bool
    #: the option is the teacher's default, assigned at the deadline
    by_default: bool
    #: the learner's own assessment for the picked option
    assessment_id: int | None


class ChoiceDetailOut(ChoiceOut):
    #: the class's teachers see every learner; a learner sees only themselves
    standing: list[StandingOut]


class PickIn(Schema):
    option: int


class ProposalReviewIn(Schema):
    action: str  # accepted, revision or returned
    comment: str = ""


class ReflectionIn(Schema):
    response_id: int
    points: list[int]
    went_well: str
    to_change: str
    next_step: str
    idempotency_key: str


class GapOut(Schema):
    on: dt.datetime
    task: str
    self_fraction: float
    teacher_fraction: float
    gap: float
    went_well: str | None
    to_change: str | None
    next_step: str | None


class EntryOut(Schema):
    id: int
    learner_id: int
    kind: str
    title: str
    competency_id: int | None
    note: str
    url: str
    file_url: str | None
    share_guardians: bool
    share_class: bool
    share_network: bool


class ShareIn(Schema):
    share_guardians: bool
    share_class: bool
    share_network: bool


class MemberIn(Schema):
    username: str
    #: peer, teacher or mentor (outside experts: POST /network/experts)
    kind: str


class MemberOut(Schema):
    member_id: int
    name: str
    kind: str
    #: "invited" until the member accepts, then "accepted"
    status: str


class HelpIn(Schema):
    message: str
    competency_id: int | None = None
    recipient_ids: list[int] = []


class InvitationOut(Schema):
    id: int
    learner_id: int
    learner_name: str
    kind: str


class ExpertIn(Schema):
    email: str
    display_name: str
    reason: str = ""


class ExpertRequestOut(Schema):
    id: int
    learner_id: int
    email: str
    display_name: str
    reason: str
    #: pending, approved or declined
    status: str


class ApprovalOut(ExpertRequestOut):
    member_id: int
    #: one-time link for the teacher to send to a new expert; null if they had an account
    set_password_url: str | None


class ReplyOut(Schema):
    id: int
    author_id: int
    author_name: str
    text: str
    created_at: dt.datetime
    thanked: bool


class HelpRequestOut(Schema):
    id: int
    learner_id: int
    learner_name: str
    competency_id: int | None
    message: str
    recipient_ids: list[int]
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    replies: list[ReplyOut]


class ReplyIn(Schema):
    text: str


class PortfolioFeedbackIn(Schema):
    text: str


class PortfolioFeedbackOut(Schema):
    id: int
    entry_id: int
    author_id: int
    author_name: str
    text: str
    created_at: dt.datetime
