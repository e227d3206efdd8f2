"""Reads for evidence and mastery: a learner's competencies and what they are
ready to learn, recent evidence, a class's heat map, assessments to take."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from trellis.curriculum import selectors as curriculum_selectors
from trellis.curriculum.selectors import (
    assessable_competencies,
    frameworks_for_school,
    prerequisites_of,
)
from trellis.engine import levels
from trellis.evidence import mastery
from trellis.evidence.constants import (
    ATTEMPTED,
    FAMILIAR,
    LEVEL_ORDER,
    LEVELS,
    MASTERED,
    NOT_STARTED,
    PROFICIENT,
    TARGET_CLASS,
    TARGET_GROUP,
    TARGET_LEARNER,
)
from trellis.evidence.groups import groups_containing, groups_containing_each
from trellis.evidence.models import (
    Assessment,
    AssessmentAssignment,
    Attempt,
    MasteryModel,
    MasteryRecord,
    RefusedAnswer,
    Response,
    RubricScore,
)
from trellis.evidence.models.response import ANSWER_ORDER
from trellis.people import handwritten, roles
from trellis.people import selectors as people_selectors

if TYPE_CHECKING:
    from trellis.people.models import SchoolClass, User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Framework, Item

LEVEL_LABELS = dict(LEVELS)
LEVEL_SHORT = {
    NOT_STARTED: "—",
    ATTEMPTED: _("Att"),
    FAMILIAR: _("Fam"),
    PROFICIENT: _("Pro"),
    MASTERED: _("Mas"),
}


@dataclass(frozen=True)
class CompetencyMastery:
    competency: Competency
    probability: float
    level: str
    attempts: int
    ready: bool

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def percent(self) -> int:
        return levels.percent(self.probability)


def frameworks_for_learner(learner: User) -> list[Framework]:
    schools = people_selectors.school_ids_of_member(learner)
    return curriculum_selectors.frameworks_with_competencies_for(schools)


def ready_to_learn_ids(
    competency_ids: list[int], records: dict[int, MasteryRecord], prereqs: dict[int, set[int]]
) -> set[int]:
    """Not yet mastered, and every prerequisite mastered: the outer fringe."""

    def mastered(cid: int) -> bool:
        record = records.get(cid)
        return record is not None and record.level == MASTERED

    return {
        cid
        for cid in competency_ids
        if not mastered(cid) and all(mastered(p) for p in prereqs.get(cid, ()))
    }


def learner_mastery(learner: User, framework: Framework) -> list[CompetencyMastery]:
    competencies = assessable_competencies(framework)
    ids = [c.pk for c in competencies]
    records = {
        r.competency_id: r
        for r in MasteryRecord.objects.filter(learner=learner, competency_id__in=ids)
    }
    ready = ready_to_learn_ids(ids, records, prerequisites_of(ids))
    out = []
    for c in competencies:
        record = records.get(c.pk)
        out.append(
            CompetencyMastery(
                competency=c,
                probability=record.probability if record else 0.0,
                level=record.level if record else NOT_STARTED,
                attempts=record.attempts if record else 0,
                ready=c.pk in ready,
            )
        )
    return out


def mastery_records_visible(user: User) -> QuerySet[MasteryRecord]:
    return MasteryRecord.objects.filter(
        learner__in=people_selectors.learners_visible_to(user)
    ).select_related("competency")


def recent_evidence(learner: User, limit: int = 10) -> list[Response]:
    return list(
        Response.objects.filter(learner=learner)
        .select_related("item", "attempt__assessment")
        .prefetch_related("item__competencies", "rubric_scores")
        .order_by("-recorded_at", "-pk")[:limit]
    )


def responses_visible_to(user: User) -> QuerySet[Response]:
    return Response.objects.filter(learner__in=people_selectors.learners_visible_to(user))


@dataclass(frozen=True)
class HeatCell:
    level: str
    short: str
    label: str
    percent: int
    attempts: int


@dataclass(frozen=True)
class HeatRow:
    learner: User
    cells: list[HeatCell]
    mean: int


_EMPTY = HeatCell(NOT_STARTED, LEVEL_SHORT[NOT_STARTED], LEVEL_LABELS[NOT_STARTED], 0, 0)


def class_frameworks(school_class: SchoolClass) -> list[Framework]:
    return list(
        frameworks_for_school(school_class.school).filter(competencies__isnull=False).distinct()
    )


def is_assigned(assessment: Assessment, learner: User) -> bool:
    """Whether the assessment is assigned to this learner: to them by name,
    to their class (an active enrolment), or to a differentiation group of
    their class that they are in now. Asked on every answer and by the
    permission rules: one query for the first two; the group's members are
    asked for only when a group assignment exists."""
    if learner.pk is None:
        return False
    # Written by hand (decision 0016): asked on every answer in an
    # assessment, where building the ORM's query cost more than running it.
    with handwritten.cursor() as cursor:
        cursor.execute(_assigned_sql(), [assessment.pk, learner.pk, learner.pk])
        rows = cursor.fetchall()
    if any(target != TARGET_GROUP for target, _ in rows):
        return True
    return bool(groups_containing(learner.pk, {group_id for _, group_id in rows}))


@functools.cache
def _assigned_sql() -> str:
    """The assessment's assignments that reach the learner by name or by
    their class (an active enrolment in the assessment's class); the
    groups' members are asked for apart."""
    enrolled = people_selectors.is_enrolled_sql("x.school_class_id")
    return (
        f"SELECT a.target, a.assigned_group_id FROM {AssessmentAssignment._meta.db_table} a"
        f" JOIN {Assessment._meta.db_table} x ON x.id = a.assessment_id"
        f" WHERE a.assessment_id = %s AND ((a.target = '{TARGET_LEARNER}' AND a.learner_id = %s)"
        f" OR (a.target IN ('{TARGET_CLASS}', '{TARGET_GROUP}') AND {enrolled}))"
    )


def _group_assessment_ids(learner: User) -> set[int]:
    """Assessments assigned to a differentiation group of one of the
    learner's classes that the learner is in now (the group's current
    members, as ``is_assigned`` reads them)."""
    classes = people_selectors.class_ids_attended_by(learner)
    rows = list(
        AssessmentAssignment.objects.filter(
            target=TARGET_GROUP, assessment__school_class__in=classes
        ).values_list("assessment_id", "assigned_group_id")
    )
    if not rows:
        return set()
    mine = groups_containing(learner.pk, {group_id for _, group_id in rows})
    return {assessment_id for assessment_id, group_id in rows if group_id in mine}


def _assigned_to(learner: User) -> Q:
    """The assessments assigned to this learner: to their class, to them by
    name, or to a group of their class they are in."""
    classes = people_selectors.class_ids_attended_by(learner)
    return (
        Q(assignments__target=TARGET_CLASS, school_class__in=classes)
        | Q(assignments__target=TARGET_LEARNER, assignments__learner=learner)
        | Q(pk__in=_group_assessment_ids(learner))
    )


def assessments_for_learner(learner: User) -> list[tuple[Assessment, Attempt | None]]:
    """Assessments assigned to this learner (class-wide, to a group they are
    in, or to them), newest first, each with the learner's attempt if any."""
    return assessments_for_learners([learner.pk])[learner.pk]


def assessments_for_learners(
    learner_ids: Iterable[int],
) -> dict[int, list[tuple[Assessment, Attempt | None]]]:
    """``assessments_for_learner`` for several learners at once (a guardian's
    children) in the same six queries however many there are: the
    assignments reaching them (1), the groups among those (3, see
    differentiation's ``groups_containing_each``), the assessments (1) and
    the learners' attempts (1)."""
    learners = set(learner_ids)
    reached: dict[int, set[int]] = {learner: set() for learner in learners}
    # A class or group target reaches the learners actively enrolled in the
    # assessment's class (the enrolment join); a learner target reaches its learner.
    rows = AssessmentAssignment.objects.filter(
        Q(target=TARGET_LEARNER, learner_id__in=learners)
        | Q(
            target__in=(TARGET_CLASS, TARGET_GROUP),
            assessment__school_class__enrollments__learner_id__in=learners,
            assessment__school_class__enrollments__active=True,
        )
    ).values_list(
        "assessment_id",
        "target",
        "learner_id",
        "assigned_group_id",
        "assessment__school_class__enrollments__learner_id",
    )
    by_group: list[tuple[int, int, int]] = []
    for assessment_id, target, named, group_id, enrolled in rows:
        if target == TARGET_LEARNER:
            if named in learners:
                reached[named].add(assessment_id)
        elif target == TARGET_CLASS:
            reached[enrolled].add(assessment_id)
        else:
            by_group.append((assessment_id, group_id, enrolled))
    if by_group:
        groups_of = groups_containing_each(
            {enrolled for _, _, enrolled in by_group}, {group for _, group, _ in by_group}
        )
        for assessment_id, group_id, enrolled in by_group:
            if group_id in groups_of.get(enrolled, ()):
                reached[enrolled].add(assessment_id)
    wanted = set().union(*reached.values())
    assessments = list(
        Assessment.objects.filter(pk__in=wanted)
        .select_related("school_class")
        .order_by("-opens_at", "-pk")
    )
    attempts = {
        (attempt.learner_id, attempt.assessment_id): attempt
        for attempt in Attempt.objects.filter(learner_id__in=learners, assessment_id__in=wanted)
    }
    return {
        learner: [
            (assessment, attempts.get((learner, assessment.pk)))
            for assessment in assessments
            if assessment.pk in reached[learner]
        ]
        for learner in learners
    }


def assessments_visible_to(user: User) -> QuerySet[Assessment]:
    if not user.is_authenticated or not user.is_active:
        return Assessment.objects.none()
    if user.is_superuser:
        return Assessment.objects.all()
    taught = people_selectors.class_ids_taught_by(user)
    administered = people_selectors.role_school_ids(user, roles.ADMIN)
    return Assessment.objects.filter(
        Q(school_class__in=taught) | Q(school__in=administered) | _assigned_to(user)
    ).distinct()


def probability_to_level(probability: float, attempts: int) -> str:
    return mastery.level_for(probability, attempts)


@dataclass(frozen=True)
class LevelChange:
    """A learner's level on one competency over a period, from the mastery
    history: the level before the period's first change and after its last,
    and how many changes came from answers or corrections (not a refit)."""

    competency: Competency
    from_level: str
    to_level: str
    from_percent: int
    to_percent: int
    by_evidence: int  # level steps up (+) or down (-) caused by answers/corrections

    @property
    def progressed(self) -> bool:
        """Answers (not a refit) raised the level over the period, to
        familiar or above: a first wrong answer (not started -> attempted)
        is a start, not progress."""
        return (
            self.by_evidence > 0
            and LEVEL_ORDER[self.to_level] > LEVEL_ORDER[self.from_level]
            and LEVEL_ORDER[self.to_level] >= LEVEL_ORDER[FAMILIAR]
        )

    @property
    def direction(self) -> str:
        """ "started", "up", "down" or "same" (from the period's start to its end)."""
        a, b = LEVEL_ORDER[self.from_level], LEVEL_ORDER[self.to_level]
        if self.from_level == NOT_STARTED and b > a:
            return "started"
        return "up" if b > a else "down" if b < a else "same"

    @property
    def from_label(self) -> str:
        return LEVEL_LABELS[self.from_level]

    @property
    def to_label(self) -> str:
        return LEVEL_LABELS[self.to_level]


def level_changes(learner: User, since, until=None) -> list[LevelChange]:
    """The learner's changes of level in [since, until), per competency, in
    competency order (one query). A refit of the school's model moves
    levels without new evidence: it counts in ``from``/``to`` but not in
    ``by_evidence``, so a refit alone is never progress.

    With no ``until`` the period runs to now, and its end is the learner's
    record as it stands: the history keeps only changes of level, while the
    probability moves with every answer, so the last change's figure is
    where the level was crossed, not where the learner is ("started, now
    Attempted (25%)" beside a record at 13%). The record is read in the
    same query."""
    from trellis.evidence.models import MasteryChange, MasteryRecord
    from trellis.evidence.models.history import CAUSE_REFIT

    qs = MasteryChange.objects.filter(learner=learner, changed_at__gte=since)
    if until is not None:
        qs = qs.filter(changed_at__lt=until)
    else:
        record = MasteryRecord.objects.filter(
            learner=OuterRef("learner"), competency=OuterRef("competency")
        )
        qs = qs.annotate(
            record_level=Subquery(record.values("level")[:1]),
            record_probability=Subquery(record.values("probability")[:1]),
        )
    per: dict[int, list] = {}
    for change in qs.select_related("competency").order_by("changed_at", "pk"):
        per.setdefault(change.competency_id, []).append(change)
    out = []
    for changes in per.values():
        first, last = changes[0], changes[-1]
        steps = sum(
            LEVEL_ORDER[c.to_level] - LEVEL_ORDER[c.from_level]
            for c in changes
            if c.cause != CAUSE_REFIT
        )
        to_level, to_probability = last.to_level, last.to_probability
        if getattr(last, "record_level", None) is not None:
            to_level, to_probability = last.record_level, last.record_probability
        out.append(
            LevelChange(
                competency=first.competency,
                from_level=first.from_level,
                to_level=to_level,
                from_percent=levels.percent(first.from_probability),
                to_percent=levels.percent(to_probability),
                by_evidence=steps,
            )
        )
    return sorted(out, key=lambda c: (c.competency.code, c.competency.pk))


def learner_model_state(learner_id: int) -> dict:
    """The learner's state under a per-learner mastery model (``{}`` if none)."""
    from trellis.evidence.models import LearnerModelState

    found = (
        LearnerModelState.objects.filter(learner_id=learner_id)
        .values_list("state", flat=True)
        .first()
    )
    return found or {}


# --- The model card ---------------------------------------------------------


@dataclass(frozen=True)
class CandidateScore:
    name: str
    label: str
    auc: float | None
    log_loss: float
    fit_seconds: float
    chosen: bool


@dataclass(frozen=True)
class CalibrationBin:
    low: float
    high: float
    n: int
    predicted: float
    observed: float


@dataclass(frozen=True)
class ModelCard:
    """What a school admin is told about the school's mastery model."""

    school_id: int
    model: str
    label: str
    fitted: bool
    fitted_at: object  # datetime | None
    n_answers: int
    n_learners: int
    n_test_answers: int
    holdout_share: float
    candidates: list[CandidateScore]
    calibration: list[CalibrationBin]
    meaning: str
    selection_note: str


def model_card(school) -> ModelCard:
    """The school's model card: the model in use (the latest fit, or the
    default parameters), its fit, each candidate's held-out scores, the
    calibration table and what "mastery" means for it."""
    from trellis.evidence.models import MasteryModel

    row = MasteryModel.objects.filter(school=school).order_by("-fitted_at", "-pk").first()
    selection = row.selection if row is not None else {}
    name = row.name if row is not None else mastery.MODEL_NAME
    fitted = row is not None and row.n_responses >= mastery.MIN_RESPONSES_TO_FIT
    if not fitted:
        note = mastery.NOTE_DEFAULTS
    elif selection.get("skipped") == "not_asked":
        note = mastery.NOTE_NOT_ASKED
    elif not selection.get("candidates"):
        note = mastery.NOTE_NO_SELECTION
    else:
        note = mastery.NOTE_SELECTED
    return ModelCard(
        school_id=school.pk,
        model=name,
        label=mastery.model_label(name),
        fitted=fitted,
        fitted_at=row.fitted_at if row is not None else None,
        n_answers=row.n_responses if row is not None else 0,
        n_learners=row.n_learners if row is not None else 0,
        n_test_answers=int(selection.get("n_test_rows", 0)),
        holdout_share=float(selection.get("holdout_share", mastery.HOLDOUT_SHARE)),
        candidates=[
            CandidateScore(
                name=c["name"],
                label=mastery.model_label(c["name"]),
                auc=c["auc"],
                log_loss=c["log_loss"],
                fit_seconds=c["fit_seconds"],
                chosen=c["name"] == name,
            )
            for c in selection.get("candidates", [])
        ],
        calibration=[CalibrationBin(**b) for b in selection.get("calibration", [])],
        meaning=mastery.model_meaning(name),
        selection_note=str(note),
    )


# --- For the continuum report ------------------------------------------------


def class_assessments_opened(
    class_ids: Iterable[int], lo: datetime, hi: datetime
) -> QuerySet[Assessment]:
    """Assessments of the classes opening in [lo, hi), with the competencies
    they draw on loaded (``draw_competencies`` and the items')."""
    return (
        Assessment.objects.filter(
            school_class_id__in=list(class_ids), opens_at__gte=lo, opens_at__lt=hi
        )
        .select_related("school_class", "created_by")
        .prefetch_related("draw_competencies", "items__competencies", "assignments")
        .order_by("opens_at", "pk")
    )


@dataclass
class OfflineEntry:
    """One assessment the learner can take offline: the take page of each
    question still to answer (``?item=``), as rendered for this learner."""

    assessment_id: int
    title: str
    class_name: str
    started: bool
    pending: int
    urls: list[str]


def offline_pack_for_learner(learner: User) -> list[OfflineEntry]:
    """The learner's open assessments (own-pace module checks are
    assessments assigned to them too), each with the pages of its questions
    not yet answered. An assessment not started yet is listed with no pages:
    opening it starts the attempt (and a time limit's clock), which only the
    learner should do. Four queries, however many assessments."""
    from django.urls import reverse
    from django.utils import timezone

    if not learner.is_authenticated:
        return []
    now = timezone.now()
    pairs = [
        (assessment, attempt)
        for assessment, attempt in assessments_for_learner(learner)
        if not assessment.is_closed(now)
        and assessment.opens_at <= now
        and (attempt is None or attempt.submitted_at is None)
    ]
    answered: dict[int, set[int]] = {}
    for attempt_id, item_id in Response.objects.filter(
        attempt_id__in=[attempt.pk for _assessment, attempt in pairs if attempt is not None],
        corrects__isnull=True,
    ).values_list("attempt_id", "item_id"):
        answered.setdefault(attempt_id, set()).add(item_id)
    out = []
    for assessment, attempt in pairs:
        take = reverse("assessment-take", args=[assessment.pk])
        pending = (
            [i for i in attempt.item_ids if i not in answered.get(attempt.pk, set())]
            if attempt is not None
            else []
        )
        out.append(
            OfflineEntry(
                assessment_id=assessment.pk,
                title=assessment.title,
                class_name=assessment.school_class.name,
                started=attempt is not None,
                pending=len(pending),
                urls=[f"{take}?item={item_id}" for item_id in pending],
            )
        )
    return out


def late_answers_of_assessment(assessment: Assessment) -> list[Response]:
    """Answers to this assessment sent late from an offline device, in the
    order they were given, for the teacher's page. One query."""
    return list(
        Response.objects.filter(attempt__assessment=assessment, offline=True)
        .select_related("learner", "item")
        .order_by(*ANSWER_ORDER)
    )


def refused_answers_of_assessment(assessment: Assessment) -> list[RefusedAnswer]:
    """Offline answers to this assessment the server refused, with their
    reasons, kept for the teacher. One query."""
    return list(
        RefusedAnswer.objects.filter(attempt__assessment=assessment)
        .select_related("learner", "item")
        .order_by("received_at", "pk")
    )


# --- For a guardian's children, all at once ------------------------------------


def mastery_records_by_learner(learner_ids: Iterable[int]) -> dict[int, list[MasteryRecord]]:
    """Each learner's mastery records with their competencies, by competency
    code (one query however many learners)."""
    out: dict[int, list[MasteryRecord]] = {learner: [] for learner in learner_ids}
    for record in (
        MasteryRecord.objects.filter(learner_id__in=list(out))
        .select_related("competency")
        .order_by("competency__code", "pk")
    ):
        out[record.learner_id].append(record)
    return out


def recent_response_counts(
    learner_ids: Iterable[int], since: datetime
) -> dict[tuple[int, int], int]:
    """(learner, competency) -> responses recorded since then (one query)."""
    return {
        (learner, competency): n
        for learner, competency, n in Response.objects.filter(
            learner_id__in=list(learner_ids), recorded_at__gte=since
        )
        .values_list("learner_id", "item__competencies")
        .annotate(n=Count("pk"))
        .values_list("learner_id", "item__competencies", "n")
    }


def teacher_comments_by_learner(
    learner_ids: Iterable[int], limit: int
) -> dict[int, list[RubricScore]]:
    """Each learner's newest ``limit`` teacher rubric scores with a comment,
    with who wrote them and on which item (one query however many learners)."""
    out: dict[int, list[RubricScore]] = {learner: [] for learner in learner_ids}
    scores = (
        RubricScore.objects.filter(response__learner_id__in=list(out), kind="teacher")
        .exclude(comment="")
        .select_related("recorded_by", "response__item")
        .alias(
            nth=Window(
                RowNumber(),
                partition_by=F("response__learner_id"),
                order_by=(F("recorded_at").desc(), F("pk").desc()),
            )
        )
        .filter(nth__lte=limit)
        .order_by("-recorded_at", "-pk")
    )
    for score in scores:
        out[score.response.learner_id].append(score)
    return out


def responses_since(learner: User, since: datetime) -> QuerySet[Response]:
    return Response.objects.filter(learner=learner, recorded_at__gte=since)


def attempts_submitted_since(learner: User, since: datetime) -> QuerySet[Attempt]:
    return Attempt.objects.filter(learner=learner, submitted_at__gte=since).select_related(
        "assessment"
    )


def item_for_answer(
    user: User, item_id: int, *, also: tuple[str, ...] = (), also_params: tuple = ()
) -> Item | None:
    """The item about to be answered, with whether ``user`` is a learner of
    its school (``may_practise``, read by the practice rule) and the id of
    the school's latest mastery model fit (``latest_model_id``, 0 before the
    first) in the same query: every round trip counts on the answer path,
    and recording the answer then asks no cache which fit is current.
    ``also`` and ``also_params``: the caller's own columns, as
    ``curriculum.selectors.item_with_practice_flag`` takes them; their
    values are the item's ``also``."""
    item = curriculum_selectors.item_with_practice_flag(
        user, item_id, also=(_latest_fit_sql(), *also), also_params=also_params
    )
    if item is not None:
        item.latest_model_id = item.also[0] or 0
        item.also = item.also[1:]
    return item


@functools.cache
def _latest_fit_sql() -> str:
    """The id of the item's school's latest fit (``mastery.model_for_school``
    asks the same, by the same order)."""
    return (
        f"(SELECT f.id FROM {MasteryModel._meta.db_table} f WHERE f.school_id = i.school_id"
        " ORDER BY f.fitted_at DESC, f.id DESC LIMIT 1)"
    )


# --- What the API's evidence endpoints read ------------------------------


def items_of_school(school, item_ids: Iterable[int]) -> list[Item]:
    """The school's items among ``item_ids`` (another school's are left out)."""
    return list(curriculum_selectors.items_of_school(school).filter(pk__in=list(item_ids)))


def item_by_id(item_id: int) -> Item:
    return curriculum_selectors.item_by_id(item_id)


def answered_item_ids(attempt: Attempt) -> set[int]:
    """The items of the attempt answered so far (corrections not counted)."""
    return set(
        Response.objects.filter(attempt=attempt, corrects__isnull=True).values_list(
            "item_id", flat=True
        )
    )


def response_key_used(learner_id: int, idempotency_key: str) -> bool:
    """Whether the learner already has a record under this key (a retry)."""
    return Response.objects.filter(learner_id=learner_id, idempotency_key=idempotency_key).exists()


def mastery_records_for_item(learner_id: int, item_id: int) -> QuerySet[MasteryRecord]:
    """The learner's records for the competencies the item assesses."""
    return MasteryRecord.objects.filter(learner_id=learner_id, competency__items=item_id)


def rubric_score_of(response: Response, score_id: int) -> RubricScore | None:
    return response.rubric_scores.filter(pk=score_id).first()


def mastery_records_of(learner: User) -> QuerySet[MasteryRecord]:
    return MasteryRecord.objects.filter(learner=learner)


def mastery_rows(
    records: QuerySet[MasteryRecord], *, competency_id: int | None = None, limit: int = 5000
) -> list[dict]:
    """Rows straight from ``values()``: no model object (nor a schema object)
    per record, which is where the API's mastery list spent its time (issue
    #18). Probabilities rounded to four places."""
    if competency_id is not None:
        records = records.filter(competency_id=competency_id)
    rows = list(
        records.order_by("learner_id", "competency_id").values(
            "learner_id", "competency_id", "probability", "level", "attempts", "updated_at",
            code=F("competency__code"),
        )[:limit]
    )  # fmt: skip
    for row in rows:
        row["probability"] = round(row["probability"], 4)
    return rows


def responses_for_api(
    user: User, *, learner_id: int | None = None, limit: int = 100
) -> list[Response]:
    """The responses the person may see, newest first, with their attempt's
    assessment (for hiding OF-learning scores)."""
    qs = responses_visible_to(user).order_by("-recorded_at", "-pk")
    if learner_id is not None:
        qs = qs.filter(learner_id=learner_id)
    return list(qs.select_related("attempt__assessment")[:limit])


def assessments_for_api(user: User) -> QuerySet[Assessment]:
    """The assessments the person may see, newest first, with their entries
    and assignments."""
    return (
        assessments_visible_to(user)
        .prefetch_related("entries", "assignments")
        .order_by("-opens_at", "pk")
    )


def sole_school_administered(user: User) -> int | None:
    """The id of the one school the person administers; None for none or several."""
    mine = list(people_selectors.schools_administered_by(user).values_list("pk", flat=True)[:2])
    return mine[0] if len(mine) == 1 else None
