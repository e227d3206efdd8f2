"""Personalization endpoints: profiles, goals, proposals, reflections,
portfolio and network. Each fetches through personalization's access rules
and writes through its services, exactly as the pages do."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from trellis.curriculum.models import Resource
from trellis.evidence.access import access_response
from trellis.evidence.models import Response
from trellis.people.access import NOT_FOUND, NotVisible
from trellis.personalization import access, selectors
from trellis.personalization.access import ONLY_THE_LEARNER
from trellis.personalization.models import Notification
from trellis.personalization.services import goals as goal_svc
from trellis.personalization.services import network as net_svc
from trellis.personalization.services import portfolio as pf_svc
from trellis.personalization.services import profile as profile_svc
from trellis.personalization.services import proposals as prop_svc
from trellis.personalization.services import reflection as rf_svc

router = Router(tags=["personalization"])
#: An optional upload (django-ninja reads ``File(None)`` as "not required").
NO_FILE = File(None)


def _learner_only(user) -> None:
    if not user.has_perm("personalization.write_personal", user):
        raise PermissionDenied(ONLY_THE_LEARNER)


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


def _profile_out(profile) -> ProfileOut:
    comments = (
        [
            {"author": str(c.author), "text": c.text}
            for c in profile.comments.select_related("author")
        ]
        if profile.pk
        else []
    )
    data = {k: getattr(profile, k) for k in ProfileIn.model_fields}
    return ProfileOut(learner_id=profile.learner_id, comments=comments, **data)


@router.put("/profiles/me", response=ProfileOut, summary="Write your own profile (learners)")
def profile_put(request: HttpRequest, payload: ProfileIn):
    _learner_only(request.user)
    return _profile_out(profile_svc.profile_update(learner=request.user, **payload.dict()))


@router.get("/profiles/{learner_id}", response=ProfileOut, summary="A learner's profile")
def profile_get(request: HttpRequest, learner_id: int):
    return _profile_out(profile_svc.profile_of(access.access_learner(request.user, learner_id)))


@router.post(
    "/profiles/{learner_id}/comments",
    response={201: ProfileOut},
    summary="Comment on a profile (teachers)",
)
def profile_comment(request: HttpRequest, learner_id: int, payload: CommentIn):
    learner = access.access_learner_to_guide(request.user, learner_id)
    profile = profile_svc.profile_of(learner)
    profile_svc.profile_comment_add(profile=profile, author=request.user, text=payload.text)
    return Status(201, _profile_out(profile))


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
    chosen: list[PathChoiceOut]


class PathIn(Schema):
    competency_id: int
    resource_id: int | None = None


def _path_choice_out(c) -> PathChoiceOut:
    return PathChoiceOut(
        competency_id=c.competency_id, resource_id=c.resource_id, chosen_by=c.chosen_by, at=c.at
    )


@router.get(
    "/profiles/{learner_id}/path",
    response=PathOut,
    summary="Ready to learn, ranked resources with reasons, and choices made",
)
def path_get(request: HttpRequest, learner_id: int, competency_id: int | None = None):
    learner = access.access_learner(request.user, learner_id)
    ready = rf_svc.ready_competencies(learner)
    focus = next((m.competency for m in ready if m.competency.pk == competency_id), None)
    return PathOut(
        ready=[
            ReadyOut(
                competency_id=m.competency.pk,
                label=m.competency.label,
                level=m.level,
                probability=m.probability,
            )
            for m in ready
        ],
        recommendations=[
            RecommendationOut(
                resource_id=res.pk,
                title=res.title,
                format=res.format,
                readiness_level=res.readiness_level,
                score=rec.score,
                reason=rec.reason,
                competency=rec.competency,
            )
            for res, rec in rf_svc.recommendations_for(learner, focus, k=10)
        ],
        chosen=[_path_choice_out(c) for c in learner.path_choices.all()[:20]],
    )


@router.post(
    "/profiles/{learner_id}/path",
    response={201: PathChoiceOut},
    summary="Choose what to learn next (the learner, or a teacher for them)",
)
def path_choose(request: HttpRequest, learner_id: int, payload: PathIn):
    learner = access.access_learner(request.user, learner_id)
    if request.user.pk != learner.pk:
        access.access_learner_to_guide(request.user, learner_id)
    elif not request.user.has_perm("personalization.write_personal", learner):
        raise PermissionDenied(ONLY_THE_LEARNER)
    competency = selectors.competencies_for(learner).filter(pk=payload.competency_id).first()
    if competency is None:
        raise NotVisible(NOT_FOUND)
    resource = (
        Resource.objects.filter(pk=payload.resource_id).first() if payload.resource_id else None
    )
    choice = rf_svc.path_choose(
        learner=learner, competency=competency, resource=resource, chosen_by_user=request.user
    )
    return Status(201, _path_choice_out(choice))


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


def _goal_out(goal) -> GoalOut:
    rows = selectors.benchmark_progress(goal)
    p = selectors.goal_projection(goal)
    ids = [r.benchmark.pk for r in rows]
    return GoalOut(
        id=goal.pk,
        learner_id=goal.learner_id,
        set_by_id=goal.set_by_id,
        title=goal.title,
        description=goal.description,
        status=goal.status,
        target_date=goal.target_date,
        competency_ids=[c.pk for c in goal.competencies.all()],
        benchmarks=[
            BenchmarkOut(
                id=r.benchmark.pk,
                description=r.benchmark.description,
                due_on=r.benchmark.due_on,
                success_looks_like=r.benchmark.success_looks_like,
                competency_id=r.benchmark.competency_id,
                progress=round(r.progress, 4),
                source=r.source,
                met_on=r.met_on,
            )
            for r in rows
        ],
        progress=round(selectors.goal_progress(rows), 4),
        projection={
            "date": p.date,
            "earliest": p.earliest,
            "latest": p.latest,
            "rate_per_week": p.rate_per_week,
            "message": p.message,
            "reached": p.reached,
            "on_track": p.on_track,
        },
        checkins=[
            CheckInOut(
                on=h.checkin.on,
                progress=round(h.checkin.progress, 4),
                note=h.checkin.note,
                benchmarks={
                    bid: None if v is None else round(v, 4)
                    for bid, v in zip(ids, h.values, strict=True)
                },
            )
            for h in selectors.goal_history(goal)
        ],
    )


class GoalListOut(Schema):
    id: int
    learner_id: int
    title: str
    status: str
    target_date: dt.date | None


@router.get("/goals", response=list[GoalListOut], summary="Goals the caller may see")
def goal_list(request: HttpRequest, learner_id: int | None = None, status: str | None = None):
    qs = selectors.goals_visible_to(request.user)
    if learner_id is not None:
        qs = qs.filter(learner_id=learner_id)
    if status is not None:
        qs = qs.filter(status=status)
    return [
        GoalListOut(
            id=g.pk,
            learner_id=g.learner_id,
            title=g.title,
            status=g.status,
            target_date=g.target_date,
        )
        for g in qs
    ]


@router.post("/goals", response={201: GoalOut}, summary="Set a goal (learners)")
def goal_create(request: HttpRequest, payload: GoalIn):
    _learner_only(request.user)
    data = payload.dict()
    goal = goal_svc.goal_create(learner=request.user, **data)
    return Status(201, _goal_out(goal))


@router.post(
    "/learners/{learner_id}/goals",
    response={201: GoalOut},
    summary="Set a goal for one of your learners (teachers)",
)
def goal_set_for_learner(request: HttpRequest, learner_id: int, payload: GoalIn):
    learner = access.access_learner_to_guide(request.user, learner_id)
    goal = goal_svc.goal_set_for_learner(teacher=request.user, learner=learner, **payload.dict())
    return Status(201, _goal_out(goal))


@router.get("/goals/{goal_id}", response=GoalOut, summary="One goal with progress and projection")
def goal_get(request: HttpRequest, goal_id: int):
    return _goal_out(access.access_goal(request.user, goal_id))


@router.put(
    "/goals/{goal_id}", response=GoalOut, summary="Change a goal (sends it back for review)"
)
def goal_put(request: HttpRequest, goal_id: int, payload: GoalIn):
    goal = access.access_goal_to_change(request.user, goal_id)
    return _goal_out(goal_svc.goal_update(goal=goal, **payload.dict()))


class ReviewIn(Schema):
    decision: str
    comment: str = ""


@router.post(
    "/goals/{goal_id}/reviews",
    response={201: GoalOut},
    summary="Approve, comment or ask for changes (teachers)",
)
def goal_review(request: HttpRequest, goal_id: int, payload: ReviewIn):
    goal = access.access_goal_to_review(request.user, goal_id)
    goal_svc.goal_review(
        goal=goal, reviewer=request.user, decision=payload.decision, comment=payload.comment
    )
    goal.refresh_from_db()
    return Status(201, _goal_out(goal))


class CheckInIn(Schema):
    ratings: dict[int, float] = {}
    note: str = ""
    on: dt.date | None = None


@router.post(
    "/goals/{goal_id}/checkins", response={201: GoalOut}, summary="Check in on a goal (learners)"
)
def goal_checkin(request: HttpRequest, goal_id: int, payload: CheckInIn):
    goal = access.access_goal_to_change(request.user, goal_id)
    goal_svc.checkin_record(
        goal=goal,
        recorded_by=request.user,
        ratings=payload.ratings,
        note=payload.note,
        on=payload.on,
    )
    return Status(201, _goal_out(goal))


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


@router.get(
    "/proposals/choices/{choice_id}",
    response=ChoiceDetailOut,
    summary="One assessment choice with where each learner stands",
)
def choice_get(request: HttpRequest, choice_id: int):
    choice = access.access_choice(request.user, choice_id)
    if prop_svc.choice_deadlines_apply(choices=type(choice).objects.filter(pk=choice.pk))[0]:
        choice.refresh_from_db()
    manages = request.user.has_perm("personalization.manage_choice", choice)
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


class PickIn(Schema):
    option: int


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
    qs = selectors.proposals_visible_to(request.user)
    if status is not None:
        qs = qs.filter(status=status)
    return [_proposal_out(p) for p in qs.prefetch_related("events")]


@router.get(
    "/proposals/{proposal_id}", response=ProposalOut, summary="One proposal with its history"
)
def proposal_get(request: HttpRequest, proposal_id: int):
    proposal = access.access_proposal(request.user, proposal_id)
    if prop_svc.choice_deadlines_apply(
        choices=type(proposal.choice).objects.filter(pk=proposal.choice_id)
    )[0]:
        proposal.refresh_from_db()
    return _proposal_out(proposal)


@router.put(
    "/proposals/{proposal_id}", response=ProposalOut, summary="Revise a proposal (learners)"
)
def proposal_revise(request: HttpRequest, proposal_id: int, payload: ProposalIn):
    proposal = access.access_proposal_to_revise(request.user, proposal_id)
    return _proposal_out(prop_svc.proposal_revise(proposal=proposal, **payload.dict()))


class ProposalReviewIn(Schema):
    action: str  # accepted, revision or returned
    comment: str = ""


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


@router.get(
    "/reflections/{learner_id}",
    response=list[GapOut],
    summary="Self vs teacher ratings and reflections over time",
)
def reflections(request: HttpRequest, learner_id: int):
    learner = access.access_learner(request.user, learner_id)
    return [
        GapOut(
            on=p.on,
            task=p.task,
            self_fraction=p.self_fraction,
            teacher_fraction=p.teacher_fraction,
            gap=p.gap,
            went_well=p.reflection.went_well if p.reflection else None,
            to_change=p.reflection.to_change if p.reflection else None,
            next_step=p.reflection.next_step if p.reflection else None,
        )
        for p in selectors.self_teacher_gap(learner)
    ]


@router.post(
    "/reflections", response={201: dict}, summary="Rate your own scored work and reflect (learners)"
)
def reflection_create(request: HttpRequest, payload: ReflectionIn):
    response = access_response(request.user, payload.response_id)
    data = payload.dict()
    data.pop("response_id")
    reflection = rf_svc.reflection_record(learner=request.user, response=response, **data)
    return Status(201, {"id": reflection.pk, "self_score_id": reflection.self_score_id})


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
    from trellis.people.models import User

    learner = User.objects.filter(pk=learner_id).first()
    if learner is None:
        raise NotVisible(NOT_FOUND)
    entries = selectors.entries_visible_to(request.user, learner)
    if not request.user.has_perm("people.view_learner", learner) and not entries.exists():
        raise NotVisible(NOT_FOUND)
    return [_entry_out(e) for e in entries]


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
    _learner_only(request.user)
    response = (
        Response.objects.filter(pk=response_id, learner=request.user).first()
        if response_id
        else None
    )
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


class ShareIn(Schema):
    share_guardians: bool
    share_class: bool
    share_network: bool


@router.put(
    "/portfolio/entries/{entry_id}/sharing",
    response=EntryOut,
    summary="Choose who may see an entry",
)
def portfolio_share(request: HttpRequest, entry_id: int, payload: ShareIn):
    entry = access.access_entry_to_change(request.user, entry_id)
    return _entry_out(pf_svc.entry_share(entry=entry, **payload.dict()))


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


def _member_out(m) -> MemberOut:
    return MemberOut(member_id=m.member_id, name=str(m.member), kind=m.kind, status=m.status)


class HelpIn(Schema):
    message: str
    competency_id: int | None = None
    recipient_ids: list[int] = []


@router.get("/network", response=list[MemberOut], summary="Your network (learners)")
def network_list(request: HttpRequest):
    _learner_only(request.user)
    return [_member_out(m) for m in selectors.network_of(request.user)]


@router.post(
    "/network",
    response={201: MemberOut},
    summary="Invite someone of your school to your network (learners); they must accept",
)
def network_add(request: HttpRequest, payload: MemberIn):
    _learner_only(request.user)
    m = net_svc.network_add(learner=request.user, username=payload.username, kind=payload.kind)
    return Status(201, _member_out(m))


class InvitationOut(Schema):
    id: int
    learner_id: int
    learner_name: str
    kind: str


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
    _learner_only(request.user)
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


class ApprovalOut(ExpertRequestOut):
    member_id: int
    #: one-time link for the teacher to send to a new expert; null if they had an account
    set_password_url: str | None


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
    _learner_only(request.user)
    if not net_svc.network_remove(learner=request.user, member_id=member_id):
        raise NotVisible(NOT_FOUND)
    return Status(204, None)


@router.get(
    "/network/helpers/{competency_id}",
    response=list[MemberOut],
    summary="Peers in your network who mastered a competency",
)
def network_helpers(request: HttpRequest, competency_id: int):
    _learner_only(request.user)
    competency = selectors.competencies_for(request.user).filter(pk=competency_id).first()
    if competency is None:
        raise NotVisible(NOT_FOUND)
    return [
        MemberOut(member_id=u.pk, name=str(u), kind="peer", status="accepted")
        for u in selectors.suggested_helpers(request.user, competency)
    ]


@router.post(
    "/network/help-requests", response={201: dict}, summary="Ask your network for help (learners)"
)
def help_request(request: HttpRequest, payload: HelpIn):
    _learner_only(request.user)
    competency = None
    if payload.competency_id:
        competency = (
            selectors.competencies_for(request.user).filter(pk=payload.competency_id).first()
        )
        if competency is None:
            raise NotVisible(NOT_FOUND)
    req = net_svc.help_request_send(
        learner=request.user,
        message=payload.message,
        competency=competency,
        recipient_ids=payload.recipient_ids,
    )
    return Status(
        201, {"id": req.pk, "recipients": list(req.recipients.values_list("pk", flat=True))}
    )


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


def _reply_out(r) -> ReplyOut:
    return ReplyOut(
        id=r.pk,
        author_id=r.author_id,
        author_name=str(r.author),
        text=r.text,
        created_at=r.created_at,
        thanked=r.thanked_at is not None,
    )


def _help_out(h) -> HelpRequestOut:
    return HelpRequestOut(
        id=h.pk,
        learner_id=h.learner_id,
        learner_name=str(h.learner),
        competency_id=h.competency_id,
        message=h.message,
        recipient_ids=sorted(h.recipients.values_list("pk", flat=True)),
        created_at=h.created_at,
        resolved_at=h.resolved_at,
        replies=[_reply_out(r) for r in selectors.help_thread(h)],
    )


@router.get(
    "/network/help-requests",
    response=list[HelpRequestOut],
    summary="Help requests you asked, received, or (teachers) your learners asked",
)
def help_request_list(request: HttpRequest, learner_id: int | None = None):
    qs = selectors.help_requests_visible_to(request.user).prefetch_related("recipients")
    if learner_id is not None:
        qs = qs.filter(learner_id=learner_id)
    return [_help_out(h) for h in qs[:100]]


@router.get(
    "/network/help-requests/{request_id}",
    response=HelpRequestOut,
    summary="One help request with its thread",
)
def help_request_get(request: HttpRequest, request_id: int):
    return _help_out(access.access_help_request(request.user, request_id))


class ReplyIn(Schema):
    text: str


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


class PortfolioFeedbackIn(Schema):
    text: str


class PortfolioFeedbackOut(Schema):
    id: int
    entry_id: int
    author_id: int
    author_name: str
    text: str
    created_at: dt.datetime


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


@router.get(
    "/network/notifications", response=list[dict], summary="Your notifications, newest first"
)
def notifications(request: HttpRequest):
    return [
        {
            "text": n.text,
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in Notification.objects.filter(recipient=request.user)[:50]
    ]


@router.post(
    "/network/notifications/read", response=dict, summary="Mark all your notifications read"
)
def notifications_read(request: HttpRequest):
    from trellis.personalization.services.notify import notifications_mark_read

    return {"marked": notifications_mark_read(user=request.user)}
