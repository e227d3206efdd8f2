"""Assessments, the append-only evidence learners and teachers produce, and
the mastery estimates derived from that evidence."""

from trellis.evidence.models.assessment import (
    Assessment,
    AssessmentAssignment,
    AssessmentItem,
    Attempt,
)
from trellis.evidence.models.history import MasteryChange
from trellis.evidence.models.mastery_state import LearnerModelState, MasteryModel, MasteryRecord
from trellis.evidence.models.response import (
    RefusedAnswer,
    Response,
    ResponseProduct,
    RubricScore,
)

__all__ = [
    "Assessment",
    "AssessmentAssignment",
    "AssessmentItem",
    "Attempt",
    "LearnerModelState",
    "MasteryChange",
    "MasteryModel",
    "MasteryRecord",
    "RefusedAnswer",
    "Response",
    "ResponseProduct",
    "RubricScore",
]
