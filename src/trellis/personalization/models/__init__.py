"""Personalization records: what the learner writes and chooses (profile,
goals, proposals, reflections, path, portfolio, network) and the teacher's
guidance beside it, plus the in-app notifications each step sends."""

from trellis.personalization.models.goals import (
    Benchmark,
    BenchmarkCheck,
    CheckIn,
    Goal,
    GoalReview,
)
from trellis.personalization.models.network import (
    ExpertRequest,
    HelpReply,
    HelpRequest,
    NetworkMember,
    Notification,
)
from trellis.personalization.models.portfolio import PortfolioEntry, PortfolioFeedback
from trellis.personalization.models.profile import LearnerProfile, ProfileComment
from trellis.personalization.models.proposals import (
    AssessmentChoice,
    OptionPick,
    Proposal,
    ProposalEvent,
)
from trellis.personalization.models.reflection import PathChoice, Reflection

__all__ = [
    "AssessmentChoice",
    "Benchmark",
    "BenchmarkCheck",
    "CheckIn",
    "Goal",
    "ExpertRequest",
    "GoalReview",
    "HelpReply",
    "HelpRequest",
    "LearnerProfile",
    "NetworkMember",
    "Notification",
    "OptionPick",
    "PathChoice",
    "PortfolioEntry",
    "PortfolioFeedback",
    "ProfileComment",
    "Proposal",
    "ProposalEvent",
    "Reflection",
]
