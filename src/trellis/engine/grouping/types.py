"""The grouping engine's data: kinds, thresholds, the request, the result
(groups, moves), the error and its message templates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from trellis.engine.levels import MASTERED, PROFICIENT

Kind = Literal["readiness", "heterogeneous", "interest", "profile"]
KINDS: tuple[str, ...] = ("readiness", "heterogeneous", "interest", "profile")

SECURE = PROFICIENT  # 0.60: at or above, a learner is secure on a competency
MASTERY = MASTERED  # 0.95: at or above (group mean), the objective is mastered
OBJECTIVE_WEIGHT = 0.5  # readiness = w * objective + (1 - w) * mean(prerequisites)
DEFAULT_MAX_SIZE = 6  # used when neither a number of groups nor a largest size is given
PROFILE_KEYS: tuple[str, ...] = ("take_in", "express", "engage")
PROFILE_WEIGHTS = (4, 2, 1)
#: How a preference reads in an explanation ("most ... (4 of 5)"). The
#: platform's vocabulary (the learner profile's choices in
#: ``trellis.personalization.models.profile``) and the simulator's
#: (``trellis.engine.simulate``); any other value reads through the
#: ``<dimension>_other`` phrase of ``phrases.PHRASES``. Each is also a
#: phrase (``phrases.profile_phrase_key``), so a new one needs its words
#: in ``trellis.differentiation.words``.
PROFILE_PHRASES: dict[str, dict[str, str]] = {
    "take_in": {
        # The learner profile's choices.
        "video": "take in information best by watching (video)",
        "reading": "take in information best by reading",
        "interactive": "take in information best by trying things on screen",
        "hands-on": "take in information best by doing and making (hands-on)",
        "audio": "take in information best by listening",
        "project": "take in information best by working on a project",
        # The simulator's.
        "visual": "take in information best by seeing it",
        "auditory": "take in information best by hearing it",
    },
    "express": {
        "writing": "show what they know in writing",
        "speaking": "show what they know by speaking or presenting",
        "making": "show what they know by making or building something",
        "drawing": "show what they know with drawings or diagrams",
        "video": "show what they know by recording a video",
        "test": "show what they know in a quiz or test",
        "written": "show what they know in writing",
        "oral": "show what they know by talking it through",
        "visual": "show what they know with drawings and diagrams",
        "building": "show what they know by making things",
    },
    "engage": {
        "alone": "like to work on their own",
        "pairs": "like to work with a partner",
        "group": "like to work in a small group",
        "teacher": "like to work with the teacher nearby",
        "independent": "like to work on their own",
        "collaborative": "like to work with others",
        "guided": "like to work with the teacher's guidance",
    },
}
#: The reason given to a learner who changed group in a regroup although
#: their own evidence did not change.
NO_CHANGE_REASON = "regrouped with the class; no change in their own evidence"


# Error message templates (``str.format`` fields); tests format them.
NO_LEARNERS = "There are no learners to group."
DUPLICATE_LEARNER = "The learner id {id!r} appears more than once."
BAD_KIND = "Unknown kind of grouping {kind!r}: expected one of readiness, heterogeneous, interest, profile."
BAD_N_GROUPS = "The number of groups must be at least 1, not {n_groups}."
TOO_MANY_GROUPS = "{n_groups} groups cannot be formed from {n} learners."
BOUNDS_ORDER = "The smallest group size ({min_size}) is larger than the largest ({max_size})."
SIZE_IMPOSSIBLE_N = (
    "{n} learners cannot be split into {n_groups} groups of {min_size} to {max_size} learners."
)
SIZE_IMPOSSIBLE = "{n} learners cannot be split into groups of {min_size} to {max_size} learners."
UNKNOWN_LEARNER = "The {constraint} pair ({a}, {b}) names {id!r}, who is not among the learners."
APART_SELF = "{name} cannot be kept apart from themselves."
APART_AND_TOGETHER = (
    "{a} and {b} are to be kept apart, but they are also to be kept together ({chain})."
)
TOGETHER_TOO_LARGE = (
    "{names} are to be kept together, which makes a group of {size}, "
    "but groups may have at most {max_size} learners."
)
APART_CLIQUE = (
    "{names} are all to be kept apart from one another, which needs {k} groups, "
    "but there are only {n_groups}."
)
UNKNOWN_GROUP_MEMBER = "{group} names {id!r}, who is not among the learners."
NO_ASSIGNMENT = (
    "No grouping into {n_groups} groups of {min_size} to {max_size} learners keeps "
    "{constraints}; try fewer keep-apart or keep-together pairs or other size bounds."
)


NO_EVIDENCE_NOTE = (
    "Not yet assessed (no answers yet on {obj} or its prerequisites): {names}. Their "
    "readiness is unknown: they are kept together where the group sizes allow, and "
    "flagged in their group's explanation."
)

# Notes on missing interests or profiles (interest and profile kinds).
NO_INTERESTS_AT_ALL = (
    "No learner has stated any interests yet, so the groups are only balanced in size."
)
NO_INTERESTS_SOME = (
    "No interests stated yet by {names}, so they could not be matched by interest; "
    "they were placed to balance the group sizes."
)
NO_PROFILE_AT_ALL = (
    "No learner has stated a learning profile yet, so the groups are only balanced in size."
)
NO_PROFILE_SOME = (
    "No learning profile stated yet by {names}, so they could not be matched by "
    "preference; they were placed after the learners who stated one."
)


class GroupingConstraintError(ValueError):
    """The teacher's constraints cannot all be met; the message names the
    conflict."""


@dataclass(frozen=True)
class LearnerFeatures:
    id: str
    name: str = ""
    objective_mastery: float | None = None
    prerequisite_mastery: Mapping[str, float] = field(default_factory=dict)
    interests: tuple[str, ...] = ()
    #: take_in / express / engage -> a preference, or several (all the
    #: learner ticked, in the order given); see :func:`resolve_profiles`.
    profile: Mapping[str, str | Sequence[str]] = field(default_factory=dict)
    #: The evidence behind the mastery figures: answers counted on the
    #: objective and on its prerequisites, and the date of the newest one
    #: (text, e.g. "2026-12-03"; empty when unknown or none).
    objective_answers: int | None = None
    prerequisite_answers: int = 0
    last_answer: str = ""

    @property
    def display(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class GroupingRequest:
    kind: Kind
    objective_code: str = ""
    objective_statement: str = ""
    n_groups: int | None = None
    min_size: int | None = None
    max_size: int | None = None
    keep_apart: Sequence[tuple[str, str]] = ()
    keep_together: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class Group:
    label: str
    members: tuple[str, ...]  # learner ids, sorted
    explanation: str
    mean_readiness: float | None = None
    readiness_range: tuple[float, float] | None = None
    weak_prerequisites: tuple[str, ...] = ()
    shared_interests: tuple[str, ...] = ()
    profile: Mapping[str, str] = field(default_factory=dict)
    #: The explanation as a phrase (``phrases.say(phrase) == explanation``),
    #: for saying it in another language.
    phrase: Any = None

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Grouping:
    kind: str
    objective_code: str
    groups: tuple[Group, ...]
    notes: tuple[str, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    #: Each note as a phrase (``phrases.say(note_phrases[i]) == notes[i]``).
    note_phrases: tuple[Any, ...] = ()

    def label_of(self) -> dict[str, str]:
        """Learner id -> group label."""
        return {m: g.label for g in self.groups for m in g.members}

    def group(self, label: str) -> Group:
        for g in self.groups:
            if g.label == label:
                return g
        raise KeyError(label)


@dataclass(frozen=True)
class Move:
    learner_id: str
    name: str
    from_label: str | None  # None: not in the old grouping
    to_label: str | None  # None: not in the new grouping
    reason: str
    #: The reason as a phrase (``phrases.say(reason_phrase) == reason``).
    reason_phrase: Any = None

    @property
    def text(self) -> str:
        src = f"Group {self.from_label}" if self.from_label else "no group"
        dst = f"Group {self.to_label}" if self.to_label else "no group"
        return f"{self.name} moved from {src} to {dst}" + (
            f": {self.reason}." if self.reason else "."
        )


#: Where a learner stands before a lesson on the objective (:func:`placement`).
NOT_ASSESSED = "not_assessed"
STRUGGLE = "struggle"
EXTENSION = "extension"
ON_TRACK = "on_track"
#: Readiness kinds place learners with no evidence here, below every
#: assessed learner: with enough of them they form their own band, otherwise
#: they join the lowest band as flagged members. Never shown as a figure.
UNASSESSED_READINESS = -1.0
NOT_ASSESSED_TEXT = "not yet assessed (no answers yet on {obj} or its prerequisites)"
