"""The grouping engine: form groups of learners for a lesson under a
teacher's constraints, and explain each group in words a teacher reads.

Kinds of grouping (``GroupingRequest.kind``):

``readiness``
    Homogeneous bands. Each learner's readiness combines their mastery of
    the objective and the mean of their prerequisite mastery
    (``OBJECTIVE_WEIGHT``). Learners are sorted by readiness and cut into
    contiguous bands: the cut points minimise the spread within bands (1-D
    k-means solved exactly by dynamic programming) within the size bounds.
    Group A is the least ready. Learners with no evidence on the objective
    or its prerequisites are "not yet assessed": they sit below every
    assessed learner (``UNASSESSED_READINESS``), so they form their own band
    when the sizes allow and are otherwise flagged members of the lowest;
    no readiness figure or mastery statement is made about them. Each
    explanation ends with the evidence behind each member's placement
    (answers and the newest answer's date).
``heterogeneous``
    Mixed readiness: a snake draft down the readiness order (A, B, C, C, B,
    A, ...), so that every group spans a range.
``interest``
    Shared interests: each group gets a theme tag (the tag most learners not
    yet covered share), then learners go to a group whose theme they share,
    most constrained first, with balanced sizes.
``profile``
    Learning profile: learners sorted by (take in, express, engage) and cut
    into contiguous groups, with cuts placed where the profile changes. A
    learner may state several preferences per dimension; each is grouped
    under the one most of the class shares (:func:`resolve_profiles`).
    Learners with no interests or no profile are placed to balance the
    groups, and the notes and explanations name them.

Constraints: a number of groups or size bounds, pairs kept apart, pairs kept
together (chains of keep-together pairs become one block). When the kind's
own grouping breaks a constraint it is repaired by a search that keeps every
learner in their first group when it can, and moves the learners whose move
disturbs the grouping least (for readiness: those nearest another band).
Constraints that cannot be met raise :class:`GroupingConstraintError` with a
message naming the conflict; the message templates are the constants in
:mod:`trellis.engine.grouping.types`. Nothing is returned half-way.

Deterministic: learners are processed in id order, ties are broken by id and
there is no randomness, so the same input (in any order) gives the same
groups.

Layout: ``types`` (the data, constants and messages), ``features`` (what
is read from each learner), ``constraints`` (checking the teacher's
constraints), ``cuts`` (contiguous cuts within size bounds), one module per
kind (``kind_readiness``, ``kind_heterogeneous``, ``kind_interest``,
``kind_profile``: each kind's own grouping and its cost), ``repair`` (the
search that mends a grouping that breaks a constraint), ``form``
(:func:`form_groups`), ``explain`` (the explanations) and ``regroup``
(matching groups and reasons for moves), ``phrases`` (the words as
coded phrases, for translation), ``text`` (English helpers). This package re-exports the public
names; other code imports them from here.
"""

from trellis.engine.grouping.explain import describe_groups
from trellis.engine.grouping.features import (
    evidence_part,
    evidence_text,
    placement,
    preferences,
    readiness,
    resolve_profiles,
)
from trellis.engine.grouping.form import form_groups
from trellis.engine.grouping.phrases import NO_CHANGE_PHRASE, PHRASES, Part, retitle, say
from trellis.engine.grouping.regroup import (
    change_reason_phrases,
    change_reasons,
    compare_groupings,
    match_groups,
)
from trellis.engine.grouping.text import join_names, letter
from trellis.engine.grouping.types import (
    APART_AND_TOGETHER,
    APART_CLIQUE,
    APART_SELF,
    BAD_KIND,
    BAD_N_GROUPS,
    BOUNDS_ORDER,
    DEFAULT_MAX_SIZE,
    DUPLICATE_LEARNER,
    EXTENSION,
    KINDS,
    MASTERY,
    NO_ASSIGNMENT,
    NO_CHANGE_REASON,
    NO_EVIDENCE_NOTE,
    NO_INTERESTS_AT_ALL,
    NO_INTERESTS_SOME,
    NO_LEARNERS,
    NO_PROFILE_AT_ALL,
    NO_PROFILE_SOME,
    NOT_ASSESSED,
    NOT_ASSESSED_TEXT,
    OBJECTIVE_WEIGHT,
    ON_TRACK,
    PROFILE_KEYS,
    PROFILE_PHRASES,
    SECURE,
    SIZE_IMPOSSIBLE,
    SIZE_IMPOSSIBLE_N,
    STRUGGLE,
    TOGETHER_TOO_LARGE,
    TOO_MANY_GROUPS,
    UNASSESSED_READINESS,
    UNKNOWN_GROUP_MEMBER,
    UNKNOWN_LEARNER,
    Group,
    Grouping,
    GroupingConstraintError,
    GroupingRequest,
    Kind,
    LearnerFeatures,
    Move,
)

__all__ = [
    "APART_AND_TOGETHER",
    "APART_CLIQUE",
    "APART_SELF",
    "BAD_KIND",
    "BAD_N_GROUPS",
    "BOUNDS_ORDER",
    "DEFAULT_MAX_SIZE",
    "DUPLICATE_LEARNER",
    "EXTENSION",
    "KINDS",
    "MASTERY",
    "NO_ASSIGNMENT",
    "NO_CHANGE_REASON",
    "NO_EVIDENCE_NOTE",
    "NO_INTERESTS_AT_ALL",
    "NO_INTERESTS_SOME",
    "NO_LEARNERS",
    "NO_PROFILE_AT_ALL",
    "NO_PROFILE_SOME",
    "NOT_ASSESSED",
    "NOT_ASSESSED_TEXT",
    "OBJECTIVE_WEIGHT",
    "ON_TRACK",
    "PROFILE_KEYS",
    "PROFILE_PHRASES",
    "SECURE",
    "SIZE_IMPOSSIBLE",
    "SIZE_IMPOSSIBLE_N",
    "STRUGGLE",
    "TOGETHER_TOO_LARGE",
    "TOO_MANY_GROUPS",
    "UNASSESSED_READINESS",
    "UNKNOWN_GROUP_MEMBER",
    "UNKNOWN_LEARNER",
    "Group",
    "Grouping",
    "GroupingConstraintError",
    "GroupingRequest",
    "Kind",
    "LearnerFeatures",
    "Move",
    "NO_CHANGE_PHRASE",
    "PHRASES",
    "Part",
    "change_reason_phrases",
    "change_reasons",
    "evidence_part",
    "retitle",
    "say",
    "compare_groupings",
    "describe_groups",
    "evidence_text",
    "form_groups",
    "join_names",
    "letter",
    "match_groups",
    "placement",
    "preferences",
    "readiness",
    "resolve_profiles",
]
