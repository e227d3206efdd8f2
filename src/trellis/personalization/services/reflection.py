"""Self-assessment and reflection on scored work, and the learner's path
choices with resource recommendations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trellis.curriculum.selectors import resources_of_schools
from trellis.engine.recommend import LearnerContext, Recommendation, ResourceInfo, recommend
from trellis.evidence.constants import MASTERED as MASTERED_LEVEL
from trellis.evidence.constants import SCORE_SELF, SCORE_TEACHER
from trellis.evidence.selectors import frameworks_for_learner, learner_mastery
from trellis.evidence.selectors.answers import rubric_scores_of
from trellis.evidence.selectors.records import mastery_states
from trellis.evidence.services import rubric_score_record
from trellis.people.selectors import school_ids_of_member
from trellis.personalization import selectors
from trellis.personalization.models import PathChoice, Reflection
from trellis.personalization.models.reflection import BY_LEARNER, BY_TEACHER
from trellis.personalization.services.notify import notification_send
from trellis.personalization.services.profile import profile_of

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency, Resource
    from trellis.evidence.models import Response, RubricScore
    from trellis.people.models import User

OWN_WORK_ONLY = _("Learners reflect only on their own work.")
NOT_SCORED_YET = _("Your teacher has not scored this work yet (or its feedback is not released).")
REFLECTION_FIELD = _("Say {what}.")
RESOURCE_NOT_FOR = _("That resource is not one of your school's resources for this competency.")


def teacher_score_of(response: Response) -> RubricScore | None:
    scores = rubric_scores_of(response, SCORE_TEACHER)
    return selectors._newest(scores)


@transaction.atomic
def reflection_record(
    *,
    learner: User,
    response: Response,
    points: Sequence[int],
    went_well: str,
    to_change: str,
    next_step: str,
    idempotency_key: str,
) -> Reflection:
    """The self-rating goes through evidence's ``rubric_score_record`` (kind
    self, a correction of the previous one if any); the words stay here."""
    if response.learner_id != learner.pk:
        raise PermissionDenied(OWN_WORK_ONLY)
    teacher = teacher_score_of(response)
    attempt = response.attempt
    if teacher is None or (attempt is not None and not attempt.assessment.shows_feedback()):
        raise ValidationError(NOT_SCORED_YET)
    for value, what in (
        (went_well, "what went well"),
        (to_change, "what you'd change"),
        (next_step, "your next step"),
    ):
        if not value.strip():
            raise ValidationError(REFLECTION_FIELD.format(what=what))
    previous = selectors._newest(rubric_scores_of(response, SCORE_SELF))
    score, _level = rubric_score_record(
        response=response,
        recorded_by=learner,
        kind=SCORE_SELF,
        points=list(points),
        idempotency_key=idempotency_key,
        comment=went_well.strip()[:500],
        corrects=previous,
    )
    reflection = Reflection(
        learner=learner,
        response=response,
        self_score=score,
        went_well=went_well.strip(),
        to_change=to_change.strip(),
        next_step=next_step.strip(),
    )
    reflection.full_clean()
    reflection.save()
    notification_send(
        recipients=[teacher.recorded_by] if teacher.recorded_by else [],
        text=_("%(learner)s rated their own work and reflected on it."),
        params={"learner": learner},
        url=reverse("personalization:learner-reflections", args=[learner.pk]),
    )
    return reflection


def _school_resources(learner: User):
    schools = school_ids_of_member(learner)
    return resources_of_schools(schools)


def ready_competencies(learner: User) -> list:
    """``CompetencyMastery`` rows the learner is ready to learn, across the
    frameworks of their schools (from evidence's selectors)."""
    out = []
    for framework in frameworks_for_learner(learner):
        out.extend(m for m in learner_mastery(learner, framework) if m.ready)
    return out


def recommendations_for(
    learner: User, competency: Competency | None = None, k: int = 5, *, review: bool = False
) -> list[tuple[Resource, Recommendation]]:
    """Resources ranked by ``trellis.engine.recommend`` from the learner's
    mastery, ready-to-learn fringe and profile. Competencies are keyed by
    id so two frameworks' equal codes never mix; reasons name the code.
    Resources on competencies the learner has mastered are left out; with
    ``review`` only those are returned, each offered as review."""
    resources = list(_school_resources(learner))
    if not resources:
        return []
    key = {c.pk: c.label for res in resources for c in res.competencies.all()}
    rows = mastery_states(learner.pk, key)
    mastery = {key[cid]: p for cid, p, _level in rows}
    mastered = frozenset(key[cid] for cid, _p, level in rows if level == MASTERED_LEVEL)
    ready = frozenset(
        key[m.competency.pk] for m in ready_competencies(learner) if m.competency.pk in key
    )
    profile = profile_of(learner)
    context = LearnerContext(
        id=str(learner.pk),
        mastery=mastery,
        ready_to_learn=ready,
        interests_text=" ".join([profile.interests, profile.passions, profile.talents]),
        interest_tags=frozenset(profile.interest_tags),
        preferred_formats=tuple(profile.take_in),
        needs_accessibility=frozenset(profile.accessibility_needs),
        mastered=mastered,
    )
    infos = [
        ResourceInfo(
            id=str(res.pk),
            title=res.title,
            description=res.description,
            competency_codes=tuple(key[c.pk] for c in res.competencies.all()),
            readiness_level=res.readiness_level,
            format=res.format,
            interest_tags=tuple(res.interest_tags),
            accessibility=tuple(res.accessibility_features),
        )
        for res in resources
    ]
    by_id = {str(res.pk): res for res in resources}
    ranked = recommend(
        context,
        infos,
        competency=key.get(competency.pk) if competency else None,
        k=k,
        review=review,
    )
    return [(by_id[rec.resource_id], rec) for rec in ranked]


@transaction.atomic
def path_choose(
    *, learner: User, competency: Competency, resource: Resource | None, chosen_by_user: User
) -> PathChoice:
    if not selectors.competencies_for(learner).filter(pk=competency.pk).exists():
        raise ValidationError({"competency": RESOURCE_NOT_FOR})
    if (
        resource is not None
        and not _school_resources(learner).filter(pk=resource.pk, competencies=competency).exists()
    ):
        raise ValidationError({"resource": RESOURCE_NOT_FOR})
    choice = PathChoice(
        learner=learner,
        competency=competency,
        resource=resource,
        chosen_by=BY_LEARNER if chosen_by_user.pk == learner.pk else BY_TEACHER,
        chosen_by_user=chosen_by_user,
    )
    choice.full_clean()
    choice.save()
    if choice.chosen_by == BY_TEACHER:
        if resource is not None:
            text = _("%(teacher)s chose “%(resource)s” for you to learn %(competency)s.")
        else:
            text = _("%(teacher)s chose a next step for you to learn %(competency)s.")
        notification_send(
            recipients=[learner],
            text=text,
            params={
                "teacher": chosen_by_user,
                "resource": resource.title if resource is not None else "",
                "competency": competency.label,
            },
            url=reverse("personalization:path"),
        )
    return choice
