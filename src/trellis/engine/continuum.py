"""The continuum report: where a class, a learner or a school actually sits
between whole-class teaching, differentiation, individualization and
personalization.

The unit is the **learner-day**: one enrolled learner on one day. For each
row of the SPEC table (starts with, who designs, objectives, resources and
tools, support, progress, assessment) the Django side hands over *facts*:
"on this day, this decision governed this learner's learning, in this row".
Each fact comes from a *source* (``SOURCES``), and each source belongs to one
column: the same for the whole class, their group (differentiation), a plan
or sequence for them alone (individualization), or their own choice
(personalization). This module is pure arithmetic over those facts, so the
rules can be read, tested and shown to schools as they are.

Rules
-----
Learner-day of a row -- a (learner, day) with at least one fact of that row.
Facts are a set: a decision that wrote many records (several plan versions,
one help request to three people, a benchmark checked at every check-in)
still governs each learner-day once.

What governed it -- whole-class is the default: it counts only when no
group, plan or own choice governed that learner-day in that row. When
several of differentiation, individualization and personalization did, the
learner-day is split equally between them.

Shares -- a row's shares ``(w, d, i, p)`` are its learner-days per column
divided by its learner-days; they sum to 1.

Enough evidence -- a row with fewer than ``min_learner_days`` learner-days
(``MIN_LEARNER_DAYS`` = 5 by default) says "not enough evidence" and has no
shares.

Overall -- rests on the defining rows (``DEFINING_ROWS``: who designs,
resources, support, progress) that have enough evidence, each counting
equally; at least ``MIN_DEFINING_ROWS`` (2) of them are needed, or the
overall says "not enough evidence". Starts with, objectives and assessment
are shown for what they say but do not move the overall.

Position -- among the three approaches only: ``(i + 2p) / (d + i + p)``
(0 = differentiation, 1 = individualization, 2 = personalization); none
when the row is entirely whole-class.

Label -- from the four shares: whole-class the largest share -> "whole-class
teaching (none of the three)" (or "between whole-class teaching and X" when
the two together reach 80 %), never one of the three; otherwise the largest
share at least 60 % -> "mostly X"; the two largest together at least 80 % ->
"between X and Y"; else "a mix of approaches".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# --- Columns -------------------------------------------------------------------

WHOLE_CLASS = "whole-class"
DIFFERENTIATION = "differentiation"
INDIVIDUALIZATION = "individualization"
PERSONALIZATION = "personalization"
APPROACHES: tuple[str, str, str] = (DIFFERENTIATION, INDIVIDUALIZATION, PERSONALIZATION)
COLUMNS: tuple[str, str, str, str] = (WHOLE_CLASS, *APPROACHES)
COLUMN_TITLES: dict[str, str] = {
    WHOLE_CLASS: "Whole class",
    DIFFERENTIATION: "Differentiation",
    INDIVIDUALIZATION: "Individualization",
    PERSONALIZATION: "Personalization",
}
APPROACH_TITLES = {a: COLUMN_TITLES[a] for a in APPROACHES}
WHOLE_CLASS_LABEL = "whole-class teaching (none of the three)"
NOT_ENOUGH = "not enough evidence"

# --- Thresholds ------------------------------------------------------------------

MOSTLY_SHARE = 0.6
BETWEEN_SHARE = 0.8
MIN_LEARNER_DAYS = 5
MIN_DEFINING_ROWS = 2
DEFINING_ROWS: tuple[str, ...] = ("who_designs", "resources", "support", "progress")

# --- Error messages (reused by the Django side) -----------------------------------

MIN_DAYS_ERROR = "The minimum number of learner-days for a row must be at least 1, not {value}."
UNKNOWN_SOURCE_ERROR = "There is no source called {value!r}."


@dataclass(frozen=True)
class RowDefinition:
    """One row of the SPEC table."""

    key: str
    title: str
    measure: str  # the sentence shown to schools


ROWS: tuple[RowDefinition, ...] = (
    RowDefinition(
        "starts_with",
        "Starts with",
        "What planning started from: groups formed, an individual plan written, "
        "or a profile the learner filled in.",
    ),
    RowDefinition(
        "who_designs",
        "Who designs",
        "Who designed the learning: the teacher for the whole class, for a group, "
        "for one learner, or the learner (own path, own proposal).",
    ),
    RowDefinition(
        "objectives",
        "Objectives",
        "Whose objectives: the same for the whole class, specific ones a teacher "
        "set for one learner, or goals the learner set.",
    ),
    RowDefinition(
        "resources",
        "Resources and tools",
        "Who chose the resources: the same for the whole class, the teacher for a "
        "group, the teacher for one learner, or the learner.",
    ),
    RowDefinition(
        "support",
        "Support",
        "Where help came from: the teacher working with a group, the teacher or "
        "an aide one-on-one, or the learner's own network.",
    ),
    RowDefinition(
        "progress",
        "Progress",
        "What moved learners on: the class calendar, their group's next lesson, "
        "finishing a module at their own pace, or showing mastery of their own goal.",
    ),
    RowDefinition(
        "assessment",
        "Assessment",
        "What assessment was for: a test given to everyone alike, FOR data that "
        "led to regrouping, OF confirming a plan's objectives, or AS learning "
        "with goal check-ins and reflections.",
    ),
)
ROW_KEYS = tuple(r.key for r in ROWS)


@dataclass(frozen=True)
class SourceDefinition:
    """A kind of decision: the column it belongs to and the rows it governs."""

    key: str
    label: str  # plural noun phrase: "group plans"
    approach: str
    rows: tuple[str, ...]


SOURCES: tuple[SourceDefinition, ...] = (
    # whole class
    SourceDefinition(
        "class_assessments",
        "assessments given to the whole class",
        WHOLE_CLASS,
        ("who_designs", "objectives", "resources", "progress", "assessment"),
    ),
    SourceDefinition(
        "class_sequences",
        "placements on the class's default module sequence",
        WHOLE_CLASS,
        ("who_designs",),
    ),
    SourceDefinition(
        "lesson_objectives",
        "lesson objectives set for the whole class",
        WHOLE_CLASS,
        ("objectives",),
    ),
    # differentiation
    SourceDefinition("groupings", "groupings made", DIFFERENTIATION, ("starts_with",)),
    SourceDefinition("group_plans", "group plans", DIFFERENTIATION, ("who_designs",)),
    SourceDefinition(
        "group_resources", "group plan entries with resources", DIFFERENTIATION, ("resources",)
    ),
    SourceDefinition(
        "group_supports", "group plan entries with support notes", DIFFERENTIATION, ("support",)
    ),
    SourceDefinition("group_lessons", "moves to a group's lesson", DIFFERENTIATION, ("progress",)),
    SourceDefinition(
        "regrouping_checks", "FOR checks that led to grouping", DIFFERENTIATION, ("assessment",)
    ),
    # individualization
    SourceDefinition(
        "individual_plans",
        "individual plans written or revised",
        INDIVIDUALIZATION,
        ("starts_with", "who_designs"),
    ),
    SourceDefinition(
        "individual_sequences",
        "module sequences set for one learner",
        INDIVIDUALIZATION,
        ("who_designs",),
    ),
    SourceDefinition(
        "teacher_paths", "paths a teacher set for one learner", INDIVIDUALIZATION, ("who_designs",)
    ),
    SourceDefinition(
        "specific_objectives", "specific objectives in plans", INDIVIDUALIZATION, ("objectives",)
    ),
    SourceDefinition(
        "teacher_goals", "goals a teacher set for a learner", INDIVIDUALIZATION, ("objectives",)
    ),
    SourceDefinition(
        "teacher_resources",
        "resources a teacher chose for one learner",
        INDIVIDUALIZATION,
        ("resources",),
    ),
    SourceDefinition(
        "support_sessions", "one-on-one support sessions", INDIVIDUALIZATION, ("support",)
    ),
    SourceDefinition(
        "help_to_teacher", "help requests to the teacher", INDIVIDUALIZATION, ("support",)
    ),
    SourceDefinition(
        "module_passes", "modules passed at own pace", INDIVIDUALIZATION, ("progress",)
    ),
    SourceDefinition(
        "plan_checks", "OF checks of a plan's objectives", INDIVIDUALIZATION, ("assessment",)
    ),
    # personalization
    SourceDefinition(
        "profile_updates", "profiles the learner filled in", PERSONALIZATION, ("starts_with",)
    ),
    SourceDefinition("learner_paths", "paths the learner chose", PERSONALIZATION, ("who_designs",)),
    SourceDefinition(
        "proposals", "proposals for showing mastery", PERSONALIZATION, ("who_designs",)
    ),
    SourceDefinition("learner_goals", "goals the learner set", PERSONALIZATION, ("objectives",)),
    SourceDefinition(
        "learner_resources", "resources the learner chose", PERSONALIZATION, ("resources",)
    ),
    SourceDefinition(
        "help_to_network", "help requests to the learner's network", PERSONALIZATION, ("support",)
    ),
    SourceDefinition(
        "network_added", "people added to a learner's network", PERSONALIZATION, ("support",)
    ),
    SourceDefinition("benchmarks_met", "benchmarks met", PERSONALIZATION, ("progress",)),
    SourceDefinition(
        "goal_checkins", "goal check-ins (AS learning)", PERSONALIZATION, ("assessment",)
    ),
    SourceDefinition("reflections", "reflections (AS learning)", PERSONALIZATION, ("assessment",)),
)
SOURCE_BY_KEY: dict[str, SourceDefinition] = {s.key: s for s in SOURCES}
ROW_SOURCES: dict[str, tuple[SourceDefinition, ...]] = {
    r.key: tuple(s for s in SOURCES if r.key in s.rows) for r in ROWS
}

Shares = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class DayFact:
    """On ``day`` the decision ``decision`` (of kind ``source``) governed the
    learning of ``learner``. Equal facts are one fact."""

    source: str
    learner: int
    day: dt.date
    decision: str = ""


@dataclass(frozen=True)
class SourceTally:
    """What one source contributed to one row."""

    key: str
    label: str
    approach: str
    decisions: int  # distinct decisions
    learner_days: int  # distinct learner-days they governed


@dataclass(frozen=True)
class ContinuumRow:
    """One row of the report. ``shares`` (whole class, D, I, P) and
    ``position`` are ``None`` without enough evidence."""

    key: str
    title: str
    measure: str
    learner_days: int
    days: dict[str, float]  # learner-days per column (split days give fractions)
    sources: tuple[SourceTally, ...]
    shares: Shares | None
    position: float | None
    label: str
    note: str

    @property
    def has_data(self) -> bool:
        return self.shares is not None

    @property
    def defining(self) -> bool:
        return self.key in DEFINING_ROWS


@dataclass(frozen=True)
class ContinuumReport:
    """The whole report: one row per SPEC row plus the overall placement."""

    rows: tuple[ContinuumRow, ...]
    shares: Shares | None
    position: float | None
    label: str
    rests_on: tuple[str, ...]  # titles of the rows the overall rests on
    min_learner_days: int
    note: str

    @property
    def rows_with_data(self) -> int:
        return sum(1 for r in self.rows if r.has_data)


# --- Pure helpers ------------------------------------------------------------------


def position_of(shares: Shares) -> float | None:
    """0 for pure differentiation, 1 for individualization, 2 for
    personalization, among the three only; None when all is whole-class."""
    _, d, i, p = shares
    total = d + i + p
    if total <= 1e-12:
        return None
    return float(min(2.0, max(0.0, (i + 2.0 * p) / total)))


def _column_phrase(column: str) -> str:
    return "whole-class teaching" if column == WHOLE_CLASS else column


def placement_label(shares: Shares | None) -> str:
    """Words for four shares (see the module docstring)."""
    if shares is None:
        return NOT_ENOUGH
    order = sorted(range(4), key=lambda k: (-shares[k], k))
    top, second = order[0], order[1]
    pair = shares[top] + shares[second]
    if top == 0:
        if shares[0] < MOSTLY_SHARE and pair >= BETWEEN_SHARE:
            return f"between whole-class teaching and {COLUMNS[second]}"
        return WHOLE_CLASS_LABEL
    if shares[top] >= MOSTLY_SHARE:
        return f"mostly {COLUMNS[top]}"
    if pair >= BETWEEN_SHARE:
        a, b = sorted((top, second))
        return f"between {_column_phrase(COLUMNS[a])} and {COLUMNS[b]}"
    return "a mix of approaches"


def percent_text(x: float) -> str:
    return f"{round(100 * x)}%"


def shares_text(shares: Shares) -> str:
    return ", ".join(
        f"{percent_text(s)} {_column_phrase(c)}" for s, c in zip(shares, COLUMNS, strict=True)
    )


def plural_text(n: float, word: str) -> str:
    shown = f"{n:g}" if isinstance(n, int) or float(n).is_integer() else f"{n:.1f}"
    return f"{shown} {word}{'' if n == 1 else 's'}"


def row_learner_days(
    facts: Iterable[DayFact], row: str
) -> dict[tuple[int, dt.date], frozenset[str]]:
    """Each learner-day of ``row`` and the columns whose decisions governed it."""
    out: dict[tuple[int, dt.date], set[str]] = {}
    for fact in facts:
        source = SOURCE_BY_KEY.get(fact.source)
        if source is None:
            raise ValueError(UNKNOWN_SOURCE_ERROR.format(value=fact.source))
        if row in source.rows:
            out.setdefault((fact.learner, fact.day), set()).add(source.approach)
    return {k: frozenset(v) for k, v in out.items()}


def split_days(days: dict[tuple[int, dt.date], frozenset[str]]) -> dict[str, float]:
    """Learner-days per column: whole-class only where nothing more specific
    governed the day; a day governed by several approaches is split."""
    totals = dict.fromkeys(COLUMNS, 0.0)
    for columns in days.values():
        specific = [c for c in APPROACHES if c in columns]
        if specific:
            for c in specific:
                totals[c] += 1.0 / len(specific)
        else:
            totals[WHOLE_CLASS] += 1.0
    return totals


def _tallies(facts: list[DayFact], row: str) -> tuple[SourceTally, ...]:
    out = []
    for source in ROW_SOURCES[row]:
        mine = [f for f in facts if f.source == source.key]
        out.append(
            SourceTally(
                source.key,
                source.label,
                source.approach,
                len({f.decision for f in mine}),
                len({(f.learner, f.day) for f in mine}),
            )
        )
    return tuple(out)


@dataclass
class _Index:
    """What every row needs from the facts, read in one pass: each row's
    learner-days (first-seen order, as ``row_learner_days``) and each source's
    distinct decisions and learner-days (as ``_tallies``). A grade's month is
    some 100,000 facts; reading them once per row and once per source was most
    of the report's time."""

    days: dict[str, dict[tuple[int, dt.date], set[str]]]
    decisions: dict[str, set[str]]
    learner_days: dict[str, set[tuple[int, dt.date]]]

    @classmethod
    def of(cls, facts: Iterable[DayFact]) -> _Index:
        days: dict[str, dict[tuple[int, dt.date], set[str]]] = {r.key: {} for r in ROWS}
        decisions: dict[str, set[str]] = {s.key: set() for s in SOURCES}
        learner_days: dict[str, set[tuple[int, dt.date]]] = {s.key: set() for s in SOURCES}
        for fact in facts:
            source = SOURCE_BY_KEY.get(fact.source)
            if source is None:
                raise ValueError(UNKNOWN_SOURCE_ERROR.format(value=fact.source))
            key = (fact.learner, fact.day)
            decisions[source.key].add(fact.decision)
            learner_days[source.key].add(key)
            for row in source.rows:
                if row in days:
                    days[row].setdefault(key, set()).add(source.approach)
        return cls(days, decisions, learner_days)

    def row_days(self, row: str) -> dict[tuple[int, dt.date], frozenset[str]]:
        return {k: frozenset(v) for k, v in self.days[row].items()}

    def tallies(self, row: str) -> tuple[SourceTally, ...]:
        return tuple(
            SourceTally(
                source.key,
                source.label,
                source.approach,
                len(self.decisions[source.key]),
                len(self.learner_days[source.key]),
            )
            for source in ROW_SOURCES[row]
        )


def _row(defn: RowDefinition, index: _Index, min_days: int) -> ContinuumRow:
    days = index.row_days(defn.key)
    n = len(days)
    per = split_days(days)
    tallies = index.tallies(defn.key)
    if n < min_days:
        note = (
            f"Only {plural_text(n, 'learner-day')} with evidence (at least {min_days} needed): "
            f"{NOT_ENOUGH}."
        )
        return ContinuumRow(
            defn.key, defn.title, defn.measure, n, per, tallies, None, None, NOT_ENOUGH, note
        )
    shares: Shares = (
        per[WHOLE_CLASS] / n,
        per[DIFFERENTIATION] / n,
        per[INDIVIDUALIZATION] / n,
        per[PERSONALIZATION] / n,
    )
    label = placement_label(shares)
    parts = [
        f"{t.decisions} {t.label} ({plural_text(t.learner_days, 'learner-day')})"
        for t in tallies
        if t.decisions
    ]
    note = (
        f"{plural_text(n, 'learner-day')} with evidence: {shares_text(shares)}. "
        f"From {'; '.join(parts)}."
    )
    return ContinuumRow(
        defn.key,
        defn.title,
        defn.measure,
        n,
        per,
        tallies,
        shares,
        position_of(shares),
        label,
        note,
    )


def compute_continuum(
    facts: Iterable[DayFact], *, min_learner_days: int = MIN_LEARNER_DAYS
) -> ContinuumReport:
    """Place the practice behind ``facts`` on each row and overall."""
    if min_learner_days < 1:
        raise ValueError(MIN_DAYS_ERROR.format(value=min_learner_days))
    index = _Index.of(dict.fromkeys(facts))
    rows = tuple(_row(defn, index, min_learner_days) for defn in ROWS)
    placed = [r for r in rows if r.defining and r.shares is not None]
    missing = [r.title for r in rows if r.defining and r.shares is None]
    if len(placed) < MIN_DEFINING_ROWS:
        note = (
            f"Not placed: at least {MIN_DEFINING_ROWS} of the four defining rows (who designs, "
            f"resources, support, progress) need {min_learner_days} learner-days of evidence; "
            f"{len(placed)} have."
        )
        return ContinuumReport(rows, None, None, NOT_ENOUGH, (), min_learner_days, note)
    vectors = [r.shares for r in placed if r.shares is not None]
    mean = [sum(v[k] for v in vectors) / len(vectors) for k in range(4)]
    total = sum(mean)
    overall: Shares = (mean[0] / total, mean[1] / total, mean[2] / total, mean[3] / total)
    label = placement_label(overall)
    rests_on = tuple(r.title for r in placed)
    note = (
        f"Rests on {', '.join(rests_on)}, each counting equally: {shares_text(overall)} ({label})."
    )
    if missing:
        note += f" Not enough evidence in: {', '.join(missing)}."
    return ContinuumReport(
        rows, overall, position_of(overall), label, rests_on, min_learner_days, note
    )
