"""Reads for personalization: lists a person may see (querysets with their
relations loaded), progress toward goals, the self-vs-teacher gap, and the
helpers a learner might ask."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from trellis.curriculum import selectors as curriculum_selectors
from trellis.curriculum.selectors import frameworks_visible_to
from trellis.engine import levels
from trellis.engine.goals import ProgressObservation, Projection, project_goal
from trellis.evidence.constants import SCORE_SELF, SCORE_TEACHER
from trellis.evidence.selectors.answers import (
    response_of_learner,
    rubric_scores_of_learner,
    rubric_work_of,
    teacher_scored_work_of,
)
from trellis.evidence.selectors.records import learners_who_mastered, mastery_probabilities
from trellis.people import selectors as people_selectors
from trellis.personalization.models import (
    AssessmentChoice,
    Benchmark,
    BenchmarkCheck,
    CheckIn,
    ExpertRequest,
    Goal,
    GoalReview,
    HelpReply,
    HelpRequest,
    LearnerProfile,
    NetworkMember,
    Notification,
    PathChoice,
    PortfolioEntry,
    PortfolioFeedback,
    Proposal,
    Reflection,
)
from trellis.personalization.models.goals import FROM_MASTERY
from trellis.personalization.models.network import ACCEPTED, INVITED, PEER, PENDING

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.evidence.models import Response, RubricScore
    from trellis.people.models import User


def teachers_of(learner: User) -> QuerySet[User]:
    return people_selectors.teachers_of_learner(learner)


def competencies_for(learner: User) -> QuerySet[Competency]:
    """Competencies a learner may link goals and entries to: their schools'
    frameworks and the global ones."""
    return curriculum_selectors.competencies_of_frameworks(
        frameworks_visible_to(learner).values("pk")
    )


def goals_visible_to(user: User) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(learner__in=people_selectors.learners_visible_to(user))
        .select_related("learner")
        .prefetch_related("competencies", "benchmarks__competency")
    )


@dataclass(frozen=True)
class BenchmarkProgress:
    benchmark: Benchmark
    progress: float
    source: str  # "mastery", "check-in" or "none"
    #: The check-in at which it was first met; once met it stays met.
    met_on: dt.date | None = None

    @property
    def met(self) -> bool:
        return self.met_on is not None

    @property
    def percent(self) -> int:
        return round(100 * self.progress)


def benchmark_progress(goal: Goal) -> list[BenchmarkProgress]:
    """Mastery where a competency is linked, else the learner's latest own
    rating, else nothing yet (0)."""
    benchmarks = list(goal.benchmarks.all())
    ids = [b.competency_id for b in benchmarks if b.competency_id]
    mastery = mastery_probabilities(goal.learner_id, ids)
    latest: dict[int, float] = {}
    for bid, progress in (
        BenchmarkCheck.objects.filter(benchmark__goal=goal, source="self")
        .order_by("checkin__on", "pk")
        .values_list("benchmark_id", "progress")
    ):
        latest[bid] = progress
    met_on = {m.benchmark.pk: m.on for m in benchmarks_met_in(goal)}
    out = []
    for b in benchmarks:
        met = met_on.get(b.pk)
        if b.competency_id:
            value = 1.0 if met else mastery.get(b.competency_id, 0.0)
            out.append(BenchmarkProgress(b, value, "mastery", met))
        elif b.pk in latest:
            out.append(BenchmarkProgress(b, 1.0 if met else latest[b.pk], "check-in", met))
        else:
            out.append(BenchmarkProgress(b, 0.0, "none"))
    return out


@dataclass(frozen=True)
class CheckInRow:
    """One check-in with the progress of each benchmark as it stood then
    (the learner's latest own rating, or the mastery recorded at that
    check-in), in benchmark order; None where there was nothing yet."""

    checkin: CheckIn
    values: list[float | None]

    @property
    def percent(self) -> int:
        return round(100 * self.checkin.progress)

    @property
    def percents(self) -> list[int | None]:
        return [None if v is None else round(100 * v) for v in self.values]


def goal_history(goal: Goal) -> list[CheckInRow]:
    """The goal's check-ins, oldest first, for the progress chart and table."""
    benchmarks = list(goal.benchmarks.all())
    at: dict[int, dict[int, float]] = {}
    for checkin_id, benchmark_id, progress in BenchmarkCheck.objects.filter(
        checkin__goal=goal
    ).values_list("checkin_id", "benchmark_id", "progress"):
        at.setdefault(checkin_id, {})[benchmark_id] = progress
    latest: dict[int, float] = {}
    rows = []
    for checkin in goal.checkins.all():
        latest.update(at.get(checkin.pk, {}))
        rows.append(CheckInRow(checkin, [latest.get(b.pk) for b in benchmarks]))
    return rows


def goal_progress(rows: list[BenchmarkProgress]) -> float:
    return sum(x.progress for x in rows) / len(rows) if rows else 0.0


def goal_due(goal: Goal) -> dt.date | None:
    """The goal's date, or its last benchmark's when it has none."""
    return goal.target_date or max((b.due_on for b in goal.benchmarks.all()), default=None)


def goal_projection(goal: Goal) -> Projection:
    """``project_goal`` over the progress stored at each check-in."""
    obs = [ProgressObservation(c.on, c.progress) for c in goal.checkins.all()]
    return project_goal(obs, due=goal_due(goal))


def choices_for(user: User) -> QuerySet[AssessmentChoice]:
    """Assessment choices in classes the person teaches or attends."""
    classes = people_selectors.classes_visible_to(user).values("pk")
    return AssessmentChoice.objects.filter(school_class__in=classes).select_related(
        "school_class", "competency"
    )


def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    taught = people_selectors.classes_taught_by(user).values("pk")
    return Proposal.objects.filter(
        Q(learner__in=people_selectors.learners_visible_to(user))
        | Q(choice__school_class__in=taught)
    ).select_related("learner", "choice__school_class", "choice__competency")


@dataclass(frozen=True)
class GapPoint:
    on: dt.datetime
    task: str
    self_fraction: float
    teacher_fraction: float
    reflection: Reflection | None

    @property
    def gap(self) -> float:
        """Positive: the learner rated themselves higher than the teacher."""
        return self.self_fraction - self.teacher_fraction


def _newest(scores: list[RubricScore]) -> RubricScore | None:
    corrected = {s.corrects_id for s in scores if s.corrects_id}
    live = [s for s in scores if s.pk not in corrected]
    return max(live, key=lambda s: (s.recorded_at, s.pk)) if live else None


def self_teacher_gap(learner: User) -> list[GapPoint]:
    """Each scored task the learner also rated: both fractions, oldest
    first, dated by the later of the two scores. Teacher scores on OF
    assessments count only once their feedback is released."""
    scores = rubric_scores_of_learner(learner)
    by_response: dict[int, dict[str, list[RubricScore]]] = {}
    for s in scores:
        by_response.setdefault(s.response_id, {}).setdefault(s.kind, []).append(s)
    reflections = {x.response_id: x for x in Reflection.objects.filter(learner=learner)}
    points = []
    for rid, kinds in by_response.items():
        mine, theirs = _newest(kinds.get(SCORE_SELF, [])), _newest(kinds.get(SCORE_TEACHER, []))
        if mine is None or theirs is None:
            continue
        attempt = theirs.response.attempt
        if attempt is not None and not attempt.assessment.shows_feedback():
            continue
        points.append(
            GapPoint(
                on=max(mine.recorded_at, theirs.recorded_at),
                task=theirs.response.item.prompt[:60],
                self_fraction=mine.fraction,
                teacher_fraction=theirs.fraction,
                reflection=reflections.get(rid),
            )
        )
    return sorted(points, key=lambda p: p.on)


def entries_visible_to(user: User, learner: User) -> QuerySet[PortfolioEntry]:
    """One learner's portfolio as this person may see it (row by row the
    same answer as ``can_view_entry``)."""
    qs = PortfolioEntry.objects.filter(learner=learner).select_related("competency")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_superuser or user.pk == learner.pk:
        return qs
    from trellis.people.rules import administers_learner, teaches_learner

    if teaches_learner(user, learner) or administers_learner(user, learner):
        return qs
    allowed = Q(pk__in=[])
    if learner.guardians_links.filter(guardian=user).exists():
        allowed |= Q(share_guardians=True)
    if people_selectors.share_a_class(user, learner.pk):
        allowed |= Q(share_class=True)
    if NetworkMember.objects.filter(learner=learner, member=user, status=ACCEPTED).exists():
        allowed |= Q(share_network=True)
    return qs.filter(allowed)


def network_of(learner: User) -> QuerySet[NetworkMember]:
    """Everyone the learner invited, accepted or not (for the learner's own list)."""
    return NetworkMember.objects.filter(learner=learner).select_related("member")


def accepted_network_of(learner: User) -> QuerySet[NetworkMember]:
    """Members who accepted: the only ones help requests reach and whose
    standing the learner may see."""
    return network_of(learner).filter(status=ACCEPTED)


def invitations_for(member: User) -> QuerySet[NetworkMember]:
    """Invitations this person has not answered yet."""
    return NetworkMember.objects.filter(member=member, status=INVITED).select_related("learner")


def expert_requests_to_decide(teacher: User) -> QuerySet[ExpertRequest]:
    """Pending outside-expert requests of learners this person teaches."""
    taught = people_selectors.classes_taught_by(teacher).values("pk")
    learners = people_selectors.learner_ids_in_classes(taught)
    return ExpertRequest.objects.filter(learner__in=learners, status=PENDING).select_related(
        "learner"
    )


def suggested_helpers(learner: User, competency: Competency) -> list[User]:
    """Peers in the learner's network who have mastered the competency.
    Only network members are considered: suggesting any classmate would tell
    the learner that classmate's mastery."""
    peers = accepted_network_of(learner).filter(kind=PEER).values("member_id")
    return list(
        people_selectors.people_with_ids(learners_who_mastered(competency.pk, peers)).order_by(
            "username"
        )
    )


def learners_with_entries_shared_to(user: User) -> QuerySet[User]:
    """Learners whose network this person accepted to join (for experts' page)."""
    return people_selectors.people_with_ids(
        NetworkMember.objects.filter(member=user, status=ACCEPTED).values("learner_id")
    ).prefetch_related(
        Prefetch("portfolio", queryset=PortfolioEntry.objects.filter(share_network=True))
    )


def guidance_queue(teacher: User) -> dict[str, object]:
    """What waits for a teacher: goals to review and proposals to decide, for
    the learners in the classes they teach."""
    from trellis.personalization.models.goals import PENDING as GOAL_PENDING
    from trellis.personalization.models.proposals import SUBMITTED

    taught = people_selectors.classes_taught_by(teacher).values("pk")
    learners = people_selectors.learner_ids_in_classes(taught)
    return {
        "learners": people_selectors.people_with_ids(learners).order_by("last_name", "first_name"),
        "goals": Goal.objects.filter(learner__in=learners, status=GOAL_PENDING)
        .select_related("learner")
        .order_by("updated_at"),
        "proposals": Proposal.objects.filter(choice__school_class__in=taught, status=SUBMITTED)
        .select_related("learner", "choice")
        .order_by("updated_at"),
        "reflections": Reflection.objects.filter(learner__in=learners)
        .select_related("learner")
        .order_by("-created_at")[:10],
    }


def children_of(guardian: User) -> QuerySet[User]:
    from trellis.people.selectors import children_of as active_children_of

    return active_children_of(guardian)


@dataclass(frozen=True)
class ChoiceStanding:
    """Where one learner of the class stands on an assessment choice."""

    learner: User
    proposal: Proposal | None
    option: str | None  # the teacher's option they picked (or were given)
    option_number: int | None  # its number, from 1
    must_pick: bool  # past the deadline with nothing accepted or picked
    by_default: bool = False  # the option was the default, assigned at the deadline
    assessment_id: int | None = None  # the option's assessment for this learner


def choice_standing(
    choice: AssessmentChoice, now: dt.datetime | None = None
) -> list[ChoiceStanding]:
    """Every learner of the choice's class: their newest proposal, their pick,
    and whether the deadline rule now asks them to pick an option."""
    from django.utils import timezone

    from trellis.personalization.models import OptionPick
    from trellis.personalization.models.proposals import ACCEPTED as PROPOSAL_ACCEPTED

    now = now or timezone.now()
    newest: dict[int, Proposal] = {}
    for proposal in choice.proposals.order_by("created_at", "pk"):
        newest[proposal.learner_id] = proposal
    accepted = set(
        choice.proposals.filter(status=PROPOSAL_ACCEPTED).values_list("learner_id", flat=True)
    )
    rows = OptionPick.objects.filter(choice=choice).values_list(
        "learner_id", "option", "by_default", "assessment_id"
    )
    picks = {learner_id: option for learner_id, option, _, _ in rows}
    extra = {learner_id: (by_default, aid) for learner_id, _, by_default, aid in rows}
    past = choice.deadline <= now
    return [
        ChoiceStanding(
            learner=learner,
            proposal=newest.get(learner.pk),
            option=choice.options[picks[learner.pk]] if learner.pk in picks else None,
            option_number=picks[learner.pk] + 1 if learner.pk in picks else None,
            must_pick=past and learner.pk not in accepted and learner.pk not in picks,
            by_default=extra.get(learner.pk, (False, None))[0],
            assessment_id=extra.get(learner.pk, (False, None))[1],
        )
        for learner in people_selectors.roster_of(choice.school_class)
    ]


def help_requests_visible_to(user: User) -> QuerySet[HelpRequest]:
    """Help requests the person asked, received, or (teachers and admins)
    asked by their learners; newest first, with their replies counted."""
    from django.db.models import Count

    qs = HelpRequest.objects.all()
    if not user.is_superuser:
        taught = people_selectors.classes_taught_by(user).values("pk")
        learners = people_selectors.learner_ids_in_classes(taught)
        administered = people_selectors.schools_administered_by(user).values("pk")
        qs = qs.filter(
            Q(learner=user)
            | Q(recipients=user)
            | Q(learner__in=learners)
            | Q(
                learner__memberships__school__in=administered,
                learner__memberships__role="learner",
                learner__memberships__active=True,
            )
        )
    return (
        HelpRequest.objects.filter(pk__in=qs.values("pk"))
        .select_related("learner", "competency")
        .annotate(reply_count=Count("replies"))
    )


def help_thread(request: HelpRequest) -> list:
    return list(request.replies.select_related("author"))


def feedback_visible_to(user: User, entry: PortfolioEntry) -> QuerySet[PortfolioFeedback]:
    """All feedback for the learner, their teachers and admins; an author sees
    their own."""
    qs = PortfolioFeedback.objects.filter(entry=entry).select_related("author")
    if user.has_perm("personalization.view_feedback", PortfolioFeedback(entry=entry, author_id=0)):
        return qs
    return qs.filter(author=user)


# --- For the continuum report ------------------------------------------------


def _window(field: str, lo: object, hi: object) -> Q:
    return Q(**{f"{field}__gte": lo, f"{field}__lt": hi})


def profiles_updated(learner_ids: Iterable[int], lo, hi) -> QuerySet[LearnerProfile]:
    return LearnerProfile.objects.filter(
        _window("updated_at", lo, hi), learner_id__in=people_selectors.id_filter(learner_ids)
    ).order_by("updated_at", "pk")


def path_choices_made(learner_ids: Iterable[int], lo, hi) -> QuerySet[PathChoice]:
    return (
        PathChoice.objects.filter(
            _window("at", lo, hi), learner_id__in=people_selectors.id_filter(learner_ids)
        )
        .select_related("competency", "resource", "chosen_by_user")
        .order_by("at", "pk")
    )


def proposals_made(
    class_ids: Iterable[int], learner_ids: Iterable[int], lo, hi
) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(
            _window("created_at", lo, hi),
            learner_id__in=people_selectors.id_filter(learner_ids),
            choice__school_class_id__in=list(class_ids),
        )
        .select_related("choice")
        .order_by("created_at", "pk")
    )


def goals_set(learner_ids: Iterable[int], lo, hi) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(
            _window("created_at", lo, hi), learner_id__in=people_selectors.id_filter(learner_ids)
        )
        .select_related("set_by")
        .order_by("created_at", "pk")
    )


def help_requests_sent(learner_ids: Iterable[int], lo, hi) -> QuerySet[HelpRequest]:
    """Help requests, each once, with their recipients loaded."""
    return (
        HelpRequest.objects.filter(
            _window("created_at", lo, hi), learner_id__in=people_selectors.id_filter(learner_ids)
        )
        .prefetch_related("recipients")
        .order_by("created_at", "pk")
    )


def network_added(learner_ids: Iterable[int], lo, hi) -> QuerySet[NetworkMember]:
    """People who accepted a place in the learners' networks in [lo, hi)."""
    return (
        NetworkMember.objects.filter(
            _window("accepted_at", lo, hi),
            learner_id__in=people_selectors.id_filter(learner_ids),
            status=ACCEPTED,
        )
        .select_related("member")
        .order_by("accepted_at", "pk")
    )


def checkins_made(learner_ids: Iterable[int], lo: dt.date, hi: dt.date) -> QuerySet[CheckIn]:
    return (
        CheckIn.objects.filter(
            _window("on", lo, hi), goal__learner_id__in=people_selectors.id_filter(learner_ids)
        )
        .select_related("goal", "recorded_by")
        .order_by("on", "pk")
    )


def reflections_made(learner_ids: Iterable[int], lo, hi) -> QuerySet[Reflection]:
    return Reflection.objects.filter(
        _window("created_at", lo, hi), learner_id__in=people_selectors.id_filter(learner_ids)
    ).order_by("created_at", "pk")


def benchmark_met(progress: float, source: str) -> bool:
    """A benchmark is met when the learner rates it full, or when its linked
    competency reaches the mastered level."""
    if source == FROM_MASTERY:
        return progress >= levels.MASTERED
    return progress >= 1.0


@dataclass(frozen=True)
class BenchmarkMet:
    benchmark: Benchmark
    on: dt.date  # the check-in at which it was first met


def _first_met(checks: QuerySet[BenchmarkCheck]) -> list[BenchmarkMet]:
    first: dict[int, BenchmarkMet] = {}
    for check in checks.select_related("benchmark__goal__learner", "checkin").order_by(
        "checkin__on", "pk"
    ):
        if check.benchmark_id not in first and benchmark_met(check.progress, check.source):
            first[check.benchmark_id] = BenchmarkMet(check.benchmark, check.checkin.on)
    return list(first.values())


@dataclass(frozen=True)
class BenchmarkMetRow:
    """A benchmark first met (``BenchmarkMet``) as plain values, for reports
    over thousands of goals."""

    benchmark_id: int
    description: str
    goal_id: int
    goal_title: str
    learner_id: int
    on: dt.date


def benchmarks_met_rows(learner_ids: Iterable[int], until: dt.date) -> list[BenchmarkMetRow]:
    """Each benchmark of the learners' goals met on or before ``until``,
    once, on the day it was first met; it stays met after. Read as values in
    one query: a grade has thousands of check-ins."""
    first: dict[int, BenchmarkMetRow] = {}
    checks = BenchmarkCheck.objects.filter(
        checkin__goal__learner_id__in=people_selectors.id_filter(learner_ids),
        checkin__on__lte=until,
    ).order_by("checkin__on", "pk")
    for row in checks.values_list(
        "benchmark_id",
        "progress",
        "source",
        "benchmark__description",
        "benchmark__goal_id",
        "benchmark__goal__title",
        "benchmark__goal__learner_id",
        "checkin__on",
    ):
        benchmark_id, progress, source, description, goal_id, title, learner_id, on = row
        if benchmark_id not in first and benchmark_met(progress, source):
            first[benchmark_id] = BenchmarkMetRow(
                benchmark_id, description, goal_id, title, learner_id, on
            )
    return list(first.values())


def benchmarks_met_in(goal: Goal) -> list[BenchmarkMet]:
    """The goal's benchmarks met so far, each on the day first met."""
    return _first_met(BenchmarkCheck.objects.filter(checkin__goal=goal))


# --- For a guardian's children, all at once ------------------------------------


def goals_by_learner(learner_ids: Iterable[int]) -> dict[int, list[Goal]]:
    """Each learner's goals, newest first, with their benchmarks (two queries
    however many learners)."""
    out: dict[int, list[Goal]] = {learner: [] for learner in learner_ids}
    for goal in (
        Goal.objects.filter(learner_id__in=list(out))
        .prefetch_related("benchmarks")
        .order_by("-created_at", "-pk")
    ):
        out[goal.learner_id].append(goal)
    return out


def goal_comments_by_learner(learner_ids: Iterable[int], limit: int) -> dict[int, list[GoalReview]]:
    """Each learner's newest ``limit`` goal reviews with a comment by someone
    else, with the reviewer and the goal (one query however many learners)."""
    out: dict[int, list[GoalReview]] = {learner: [] for learner in learner_ids}
    reviews = (
        GoalReview.objects.filter(goal__learner_id__in=list(out))
        .exclude(comment="")
        .exclude(reviewer_id=F("goal__learner_id"))
        .select_related("reviewer", "goal")
        .alias(
            nth=Window(
                RowNumber(),
                partition_by=F("goal__learner_id"),
                order_by=(F("at").desc(), F("pk").desc()),
            )
        )
        .filter(nth__lte=limit)
        .order_by("-at", "-pk")
    )
    for review in reviews:
        out[review.goal.learner_id].append(review)
    return out


def shared_portfolios_by_learner(
    learner_ids: Iterable[int], limit: int
) -> dict[int, list[PortfolioEntry]]:
    """Each learner's newest ``limit`` portfolio entries shared with
    guardians, and only those (one query however many learners)."""
    out: dict[int, list[PortfolioEntry]] = {learner: [] for learner in learner_ids}
    entries = (
        PortfolioEntry.objects.filter(learner_id__in=list(out), share_guardians=True)
        .select_related("competency")
        .alias(
            nth=Window(
                RowNumber(),
                partition_by=F("learner_id"),
                order_by=(F("created_at").desc(), F("pk").desc()),
            )
        )
        .filter(nth__lte=limit)
        .order_by("-created_at", "-pk")
    )
    for entry in entries:
        out[entry.learner_id].append(entry)
    return out


# --- What the API's personalization endpoints read -----------------------


def competency_for(learner: User, competency_id: int) -> Competency | None:
    """One of the competencies open to the learner, or None."""
    return competencies_for(learner).filter(pk=competency_id).first()


def resource_by_id(resource_id: int) -> Resource | None:
    return curriculum_selectors.resource_by_id(resource_id)


def own_response(learner: User, response_id: object) -> Response | None:
    """One of the learner's own responses, or None."""
    return response_of_learner(learner, response_id)


def scored_work_of(learner: User) -> QuerySet[Response]:
    """The learner's rubric tasks a teacher scored, newest first: what the
    learner can reflect on."""
    return teacher_scored_work_of(learner)


def portfolio_work_of(learner: User, limit: int = 50) -> QuerySet[Response]:
    """The learner's rubric tasks (at most ``limit``), offered as work to
    put in the portfolio."""
    return rubric_work_of(learner)[:limit]


def notifications_of(user: User, limit: int = 50) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user)[:limit])


def choices_by_id(choice_id: int) -> QuerySet[AssessmentChoice]:
    """The choice as a queryset (what ``choice_deadlines_apply`` takes)."""
    return AssessmentChoice.objects.filter(pk=choice_id)


def goals_for_api(
    user: User, *, learner_id: int | None = None, status: str | None = None
) -> QuerySet[Goal]:
    qs = goals_visible_to(user)
    if learner_id is not None:
        qs = qs.filter(learner_id=learner_id)
    if status is not None:
        qs = qs.filter(status=status)
    return qs


def proposals_for_api(user: User, *, status: str | None = None) -> QuerySet[Proposal]:
    qs = proposals_visible_to(user)
    if status is not None:
        qs = qs.filter(status=status)
    return qs.prefetch_related("events")


def help_requests_for_api(
    user: User, *, learner_id: int | None = None, limit: int = 100
) -> list[HelpRequest]:
    replies = HelpReply.objects.select_related("author")
    qs = help_requests_visible_to(user).prefetch_related(
        "recipients", Prefetch("replies", queryset=replies)
    )
    if learner_id is not None:
        qs = qs.filter(learner_id=learner_id)
    return list(qs[:limit])


# --- What a guardian's pages, the digest and exports read -------------------


def goals_of_learner(learner: User) -> QuerySet[Goal]:
    """The learner's goals, newest first, with their benchmarks: what the
    family page lists and the digest asks about."""
    return (
        Goal.objects.filter(learner=learner).prefetch_related("benchmarks").order_by("-created_at")
    )


def portfolio_shared_with_guardians(learner: User) -> QuerySet[PortfolioEntry]:
    """Only the portfolio entries the learner chose to share with guardians,
    newest first: a guardian never sees the rest."""
    return (
        PortfolioEntry.objects.filter(learner=learner, share_guardians=True)
        .select_related("competency")
        .order_by("-created_at")
    )


def latest_reflection_since(learner: User, since: dt.datetime) -> Reflection | None:
    """The learner's newest reflection written since ``since``, or None: the
    digest suggests asking about what they wrote (one query)."""
    return (
        Reflection.objects.filter(learner=learner, created_at__gte=since)
        .order_by("-created_at")
        .first()
    )


def goals_for_export(learner_ids: QuerySet | Iterable[int]) -> QuerySet[Goal]:
    """The learners' goals with who they belong to, who set them and their
    competencies, ordered as the goals table is exported (two queries)."""
    return (
        Goal.objects.filter(learner_id__in=learner_ids)
        .select_related("learner", "set_by")
        .prefetch_related("competencies")
        .order_by("learner__username", "pk")
    )
