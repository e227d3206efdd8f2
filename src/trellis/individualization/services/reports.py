"""Summative reports: from an OF-learning assessment, what the learner has
and hasn't yet learned, per competency.

A competency counts as *learned* when at least ``LEARNED_SHARE`` of the
learner's answers on it in that assessment were right; the learner's
current mastery level is shown beside it. The rows are stored as a snapshot
so a report shared with a guardian reads the same later."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from trellis.evidence.constants import OF_LEARNING
from trellis.evidence.selectors.answers import attempt_of, standing_answers_with_competencies
from trellis.evidence.selectors.records import mastery_levels
from trellis.individualization.models import IndividualPlan, SummativeReport
from trellis.individualization.selectors import active_plan_for

if TYPE_CHECKING:
    from trellis.people.models import User

if TYPE_CHECKING:
    from trellis.curriculum.models import Competency
    from trellis.evidence.models import Assessment

LEARNED_SHARE = 0.8
NOT_SUMMATIVE = _("A summative report needs an OF-learning assessment; “{title}” is {purpose}.")
NO_ATTEMPT = _("{learner} has not answered “{title}” yet.")


@transaction.atomic
def summative_report_create(
    *, learner: User, assessment: Assessment, created_by: User, plan: IndividualPlan | None = None
) -> SummativeReport:
    if assessment.purpose != OF_LEARNING:
        raise ValidationError(
            {
                "assessment": NOT_SUMMATIVE.format(
                    title=assessment.title, purpose=assessment.purpose_short
                )
            }
        )
    attempt = attempt_of(assessment.pk, learner.pk)
    answers = standing_answers_with_competencies(attempt) if attempt else []
    if not answers:
        raise ValidationError(
            {"assessment": NO_ATTEMPT.format(learner=learner, title=assessment.title)}
        )
    tally: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    competencies: dict[int, Competency] = {}
    for response in answers:
        for comp in response.item.competencies.all():
            competencies[comp.pk] = comp
            tally[comp.pk][1] += 1
            tally[comp.pk][0] += 1 if response.correct else 0
    levels = mastery_levels(learner.pk, tally)
    rows = []
    for cid in sorted(tally, key=lambda k: (competencies[k].code, k)):
        right, total = tally[cid]
        rows.append(
            {
                "competency_id": cid,
                "code": competencies[cid].code,
                "statement": competencies[cid].statement,
                "right": right,
                "total": total,
                "learned": right / total >= LEARNED_SHARE,
                "mastery_level": levels.get(cid, "not_started"),
            }
        )
    report = SummativeReport(
        learner=learner,
        plan=plan or active_plan_for(learner),
        assessment=assessment,
        rows=rows,
        created_by=created_by,
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def summative_report_share(*, report: SummativeReport) -> SummativeReport:
    """Make the report visible to the learner's guardians."""
    if report.shared_with_guardians_at is None:
        report.shared_with_guardians_at = timezone.now()
        report.save(update_fields=["shared_with_guardians_at"])
    return report
