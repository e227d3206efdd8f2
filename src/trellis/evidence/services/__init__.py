"""Writes for assessments, evidence and mastery (see the submodules)."""

from trellis.evidence.services.assessments import (
    assessment_assign,
    assessment_close,
    assessment_create,
    attempt_start,
    attempt_submit,
    effective_time_limit,
)
from trellis.evidence.services.mastery import mastery_fit_school, mastery_recompute
from trellis.evidence.services.responses import (
    RecordResult,
    response_correct,
    response_record,
    rubric_score_record,
)

__all__ = [
    "RecordResult",
    "assessment_assign",
    "assessment_close",
    "assessment_create",
    "attempt_start",
    "attempt_submit",
    "effective_time_limit",
    "mastery_fit_school",
    "mastery_recompute",
    "response_correct",
    "response_record",
    "rubric_score_record",
]
