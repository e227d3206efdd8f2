"""The continuum report: where a class, a learner or a school actually sits
between differentiation, individualization and personalization.

The SPEC's table has seven rows (starts with, who designs, objectives,
resources and tools, support, progress, assessment). For each row we count
records of three kinds, one kind per approach, and turn the counts into a
*share vector* ``(d, i, p)`` -- the part of that row's practice that looks
like differentiation, individualization and personalization -- which sums
to 1. The Django side does the counting over a scope (class, learner or
school) and a date range; this module is pure arithmetic over those counts,
so that the formulas can be read, tested and shown to schools as they are.

Formulas
--------
Rows other than assessment -- every counted record belongs to one approach::

    d = D / (D + I + P)    i = I / (D + I + P)    p = P / (D + I + P)

where D, I and P are the sums of that row's counts for each approach (see
``ROW_SOURCES`` for which record counts where).

Assessment -- a single assessment purpose does not belong to one approach
(the table gives differentiation "FOR and OF", individualization "OF",
personalization "AS and FOR, minimal OF"). So each approach has a
*typical mix* of AS/FOR/OF (``ASSESSMENT_PROFILES``) and the observed mix
``m = (AS, FOR, OF) / total`` is written as a blend of the three typical
mixes: the weights ``(d, i, p)`` with ``d*D_mix + i*I_mix + p*P_mix = m``.
When the observed mix is more extreme than any blend (say, only FOR), the
nearest blend is used.

Position -- a share vector is also placed on a line from 0 to 2::

    position = 0*d + 1*i + 2*p       (0 = differentiation, 1 =
                                       individualization, 2 = personalization)

Overall -- the average of the share vectors of the rows that have data,
each row counting equally (so that a row with many records, such as
resources, does not drown a row with few, such as goals). Its position
follows from the averaged shares.

Placement label -- from the shares, not the position (a half-and-half mix
of differentiation and personalization has position 1 but is not
individualization): the largest share at least 60 % -> "mostly X"; else
the two largest together at least 80 % -> "between X and Y"; else "a mix of
all three".

No data -- a row with fewer than ``min_records`` counted records (default 1)
says so, has no shares or position, and is left out of the overall.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from xml.sax.saxutils import escape, quoteattr

import numpy as np

# --- Approaches --------------------------------------------------------------

DIFFERENTIATION = "differentiation"
INDIVIDUALIZATION = "individualization"
PERSONALIZATION = "personalization"
APPROACHES: tuple[str, str, str] = (DIFFERENTIATION, INDIVIDUALIZATION, PERSONALIZATION)
APPROACH_TITLES: dict[str, str] = {
    DIFFERENTIATION: "Differentiation",
    INDIVIDUALIZATION: "Individualization",
    PERSONALIZATION: "Personalization",
}

# --- Error messages (reused by the Django side) -------------------------------

NEGATIVE_COUNT_ERROR = "Counts cannot be negative: {field} is {value}."
MIN_RECORDS_ERROR = "The minimum number of records for a row must be at least 1, not {value}."

# --- Thresholds for the placement label ----------------------------------------

MOSTLY_SHARE = 0.6
BETWEEN_SHARE = 0.8


@dataclass(frozen=True)
class ContinuumCounts:
    """Plain counts of records in one scope (class, learner or school) and
    date range. Every field is "how many records of this kind"; the Django
    side fills them, this module never queries anything.

    Grouped by the SPEC row they feed (see ``ROW_SOURCES``).
    """

    # starts with -- what planning starts from
    groups_formed: int = 0  # groups formed by readiness, interest or profile
    individual_plans: int = 0  # individual plans written or revised
    learner_profile_updates: int = 0  # learner profiles filled in by the learner
    # who designs -- who designed the learning
    group_plans: int = 0  # teacher's group plans (per-group content/process/product)
    teacher_set_sequences: int = 0  # module sequences a teacher set for one learner
    learner_chosen_paths: int = 0  # paths the learner drew up
    learner_proposals: int = 0  # learner proposals of how to show mastery
    # objectives
    class_objectives: int = 0  # objectives set for the whole class
    specific_objectives: int = 0  # specific objectives in individual plans
    goals_set_by_teacher: int = 0  # goals a teacher set for one learner
    goals_set_by_learner: int = 0  # goals the learner set (teacher-guided)
    # resources and tools
    resources_assigned_to_group: int = 0
    resources_assigned_to_individual: int = 0
    resources_chosen_by_learner: int = 0
    # support
    group_supports: int = 0  # support given by the teacher to a group
    one_on_one_supports: int = 0  # logged one-on-one supports (teacher or aide)
    help_requests_to_teacher: int = 0
    help_requests_to_network: int = 0  # to peers, mentors, outside experts
    network_members_added: int = 0  # people the learner added to their network
    # progress -- what made a learner move on
    calendar_advances: int = 0  # moved on with the class by date
    own_pace_advances: int = 0  # moved on in a set sequence when finished
    mastery_advances: int = 0  # moved on by demonstrating mastery (gate passed)
    # assessment -- by purpose
    assessments_as: int = 0  # AS learning: self-assessment, reflection
    assessments_for: int = 0  # FOR learning: formative checks, feedback
    assessments_of: int = 0  # OF learning: summative

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value < 0:
                raise ValueError(NEGATIVE_COUNT_ERROR.format(field=f.name, value=value))


@dataclass(frozen=True)
class RowDefinition:
    """One row of the SPEC table: which counts feed it, for which approach."""

    key: str
    title: str
    measure: str  # the sentence shown to schools
    sources: tuple[tuple[str, str], ...]  # (count field, approach)


ROWS: tuple[RowDefinition, ...] = (
    RowDefinition(
        "starts_with",
        "Starts with",
        "What planning started from: groups formed, individual plans written, "
        "or profiles the learners filled in themselves.",
        (
            ("groups_formed", DIFFERENTIATION),
            ("individual_plans", INDIVIDUALIZATION),
            ("learner_profile_updates", PERSONALIZATION),
        ),
    ),
    RowDefinition(
        "who_designs",
        "Who designs",
        "Who designed the learning: the teacher for a group, the teacher for one "
        "learner, or the learner (own path, own proposal for showing mastery).",
        (
            ("group_plans", DIFFERENTIATION),
            ("teacher_set_sequences", INDIVIDUALIZATION),
            ("learner_chosen_paths", PERSONALIZATION),
            ("learner_proposals", PERSONALIZATION),
        ),
    ),
    RowDefinition(
        "objectives",
        "Objectives",
        "Whose objectives: the same for the whole class, specific ones a teacher "
        "set for one learner, or goals the learner set.",
        (
            ("class_objectives", DIFFERENTIATION),
            ("specific_objectives", INDIVIDUALIZATION),
            ("goals_set_by_teacher", INDIVIDUALIZATION),
            ("goals_set_by_learner", PERSONALIZATION),
        ),
    ),
    RowDefinition(
        "resources",
        "Resources and tools",
        "Who chose the resources: the teacher for a group, the teacher for one "
        "learner, or the learner.",
        (
            ("resources_assigned_to_group", DIFFERENTIATION),
            ("resources_assigned_to_individual", INDIVIDUALIZATION),
            ("resources_chosen_by_learner", PERSONALIZATION),
        ),
    ),
    RowDefinition(
        "support",
        "Support",
        "Where help came from: the teacher working with a group, the teacher or "
        "an aide one-on-one, or the learner's own network of peers and experts.",
        (
            ("group_supports", DIFFERENTIATION),
            ("one_on_one_supports", INDIVIDUALIZATION),
            ("help_requests_to_teacher", INDIVIDUALIZATION),
            ("help_requests_to_network", PERSONALIZATION),
            ("network_members_added", PERSONALIZATION),
        ),
    ),
    RowDefinition(
        "progress",
        "Progress",
        "What made learners move on: the calendar (with the class), finishing "
        "at their own pace, or showing mastery.",
        (
            ("calendar_advances", DIFFERENTIATION),
            ("own_pace_advances", INDIVIDUALIZATION),
            ("mastery_advances", PERSONALIZATION),
        ),
    ),
    RowDefinition(
        "assessment",
        "Assessment",
        "The mix of assessment AS, FOR and OF learning, compared with the mix "
        "each approach typically uses.",
        (
            ("assessments_as", "AS"),
            ("assessments_for", "FOR"),
            ("assessments_of", "OF"),
        ),
    ),
)

ROW_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {r.key: r.sources for r in ROWS}

#: Words for each count, for drill-down tables ("12 goals set by the learner").
COUNT_LABELS: dict[str, str] = {
    "groups_formed": "groups formed",
    "individual_plans": "individual plans",
    "learner_profile_updates": "learner profile updates",
    "group_plans": "group plans",
    "teacher_set_sequences": "sequences set by a teacher for one learner",
    "learner_chosen_paths": "paths chosen by the learner",
    "learner_proposals": "learner proposals for showing mastery",
    "class_objectives": "class objectives",
    "specific_objectives": "specific objectives in individual plans",
    "goals_set_by_teacher": "goals set by a teacher",
    "goals_set_by_learner": "goals set by the learner",
    "resources_assigned_to_group": "resources assigned to a group",
    "resources_assigned_to_individual": "resources assigned to one learner",
    "resources_chosen_by_learner": "resources chosen by the learner",
    "group_supports": "supports given to a group",
    "one_on_one_supports": "one-on-one supports",
    "help_requests_to_teacher": "help requests to the teacher",
    "help_requests_to_network": "help requests to the learner's network",
    "network_members_added": "people added to a learner's network",
    "calendar_advances": "moves on with the class by date",
    "own_pace_advances": "moves on at own pace",
    "mastery_advances": "moves on after showing mastery",
    "assessments_as": "assessments AS learning",
    "assessments_for": "assessments FOR learning",
    "assessments_of": "assessments OF learning",
}

#: The typical (AS, FOR, OF) mix of each approach, read off the SPEC table:
#: differentiation "FOR and OF", individualization "OF", personalization
#: "AS and FOR, minimal OF".
ASSESSMENT_PROFILES: dict[str, tuple[float, float, float]] = {
    DIFFERENTIATION: (0.0, 0.5, 0.5),
    INDIVIDUALIZATION: (0.0, 0.0, 1.0),
    PERSONALIZATION: (0.5, 0.4, 0.1),
}


@dataclass(frozen=True)
class ContinuumRow:
    """One row of the report. ``shares`` and ``position`` are ``None`` when
    the row has too few records to say anything (``has_data`` is False)."""

    key: str
    title: str
    measure: str
    counts: dict[str, int]
    total: int
    shares: tuple[float, float, float] | None
    position: float | None
    label: str
    note: str

    @property
    def has_data(self) -> bool:
        return self.shares is not None


@dataclass(frozen=True)
class ContinuumReport:
    """The whole report: one row per SPEC row plus the overall placement."""

    rows: tuple[ContinuumRow, ...]
    shares: tuple[float, float, float] | None
    position: float | None
    label: str
    rows_with_data: int
    note: str = field(default="")


# --- Pure helpers -------------------------------------------------------------


def position_of(shares: tuple[float, float, float]) -> float:
    """0 for pure differentiation, 1 for individualization, 2 for
    personalization; a blend lands in between."""
    return float(min(2.0, max(0.0, shares[1] + 2.0 * shares[2])))


def placement_label(shares: tuple[float, float, float] | None) -> str:
    """Words for a share vector: "mostly X", "between X and Y" (in continuum
    order) or "a mix of all three". Labels come from shares rather than the
    position, because half differentiation and half personalization sits at
    position 1 without being individualization."""
    if shares is None:
        return "no data"
    order = sorted(range(3), key=lambda k: (-shares[k], k))
    top, second = order[0], order[1]
    if shares[top] >= MOSTLY_SHARE:
        return f"mostly {APPROACHES[top]}"
    if shares[top] + shares[second] >= BETWEEN_SHARE:
        a, b = sorted((top, second))
        return f"between {APPROACHES[a]} and {APPROACHES[b]}"
    return "a mix of all three"


def _normalise(values: tuple[float, float, float]) -> tuple[float, float, float]:
    total = sum(values)
    return (values[0] / total, values[1] / total, values[2] / total)


def _closest_on_segment(m: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, np.ndarray]:
    """Parameter t in [0, 1] and point a + t(b - a) closest to m."""
    ab = b - a
    t = float(np.clip(np.dot(m - a, ab) / np.dot(ab, ab), 0.0, 1.0))
    return t, a + t * ab


def assessment_shares(as_: int, for_: int, of: int) -> tuple[float, float, float]:
    """Write the observed AS/FOR/OF mix as a blend of the three approaches'
    typical mixes (``ASSESSMENT_PROFILES``); if no blend matches exactly,
    use the nearest one. Requires at least one assessment."""
    total = as_ + for_ + of
    if total <= 0:
        raise ValueError("assessment_shares needs at least one assessment")
    m = np.array([as_, for_, of], dtype=float) / total
    verts = [np.array(ASSESSMENT_PROFILES[a], dtype=float) for a in APPROACHES]
    matrix = np.column_stack(verts)
    # The three mixes lie on the plane AS+FOR+OF = 1, so the 3x3 system gives
    # barycentric weights that sum to 1.
    weights = np.linalg.solve(matrix, m)
    if np.all(weights >= -1e-12):
        w = np.clip(weights, 0.0, None)
        return _normalise((float(w[0]), float(w[1]), float(w[2])))
    # Outside the triangle of typical mixes: the nearest blend is on an edge.
    best: tuple[float, tuple[float, float, float]] | None = None
    for i, j in ((0, 1), (1, 2), (0, 2)):
        t, point = _closest_on_segment(m, verts[i], verts[j])
        dist = float(np.sum((m - point) ** 2))
        w3 = [0.0, 0.0, 0.0]
        w3[i], w3[j] = 1.0 - t, t
        candidate = (w3[0], w3[1], w3[2])
        if best is None or dist < best[0] - 1e-15:
            best = (dist, candidate)
    assert best is not None
    return _normalise(best[1])


def _percent(x: float) -> str:
    return f"{round(100 * x)}%"


def _shares_text(shares: tuple[float, float, float]) -> str:
    return ", ".join(f"{_percent(s)} {a}" for s, a in zip(shares, APPROACHES, strict=True))


def _row(defn: RowDefinition, counts: ContinuumCounts, min_records: int) -> ContinuumRow:
    row_counts = {name: int(getattr(counts, name)) for name, _ in defn.sources}
    total = sum(row_counts.values())
    if total < min_records:
        if total == 0:
            note = "No records in this period, so this row is not placed."
        else:
            note = (
                f"Only {total} record{'s' if total != 1 else ''} in this period "
                f"(at least {min_records} needed), so this row is not placed."
            )
        return ContinuumRow(
            defn.key, defn.title, defn.measure, row_counts, total, None, None, "no data", note
        )
    if defn.key == "assessment":
        shares = assessment_shares(
            row_counts["assessments_as"],
            row_counts["assessments_for"],
            row_counts["assessments_of"],
        )
        note = (
            f"{row_counts['assessments_as']} AS, {row_counts['assessments_for']} FOR and "
            f"{row_counts['assessments_of']} OF learning; this mix reads as "
            f"{_shares_text(shares)}."
        )
    else:
        per = dict.fromkeys(APPROACHES, 0)
        for name, approach in defn.sources:
            per[approach] += row_counts[name]
        shares = _normalise(
            (
                float(per[DIFFERENTIATION]),
                float(per[INDIVIDUALIZATION]),
                float(per[PERSONALIZATION]),
            )
        )
        parts = [
            f"{row_counts[name]} {COUNT_LABELS[name]}"
            for name, _ in defn.sources
            if row_counts[name]
        ]
        note = f"Counted {'; '.join(parts)} ({total} in all): {_shares_text(shares)}."
    return ContinuumRow(
        defn.key,
        defn.title,
        defn.measure,
        row_counts,
        total,
        shares,
        position_of(shares),
        placement_label(shares),
        note,
    )


def compute_continuum(counts: ContinuumCounts, *, min_records: int = 1) -> ContinuumReport:
    """Place the practice behind ``counts`` on each row of the SPEC table
    and overall. Rows with fewer than ``min_records`` records are reported
    as "no data" and do not count toward the overall placement."""
    if min_records < 1:
        raise ValueError(MIN_RECORDS_ERROR.format(value=min_records))
    rows = tuple(_row(defn, counts, min_records) for defn in ROWS)
    placed = [r.shares for r in rows if r.shares is not None]
    if not placed:
        return ContinuumReport(
            rows=rows,
            shares=None,
            position=None,
            label="no data",
            rows_with_data=0,
            note="No row has enough records in this period to place the practice.",
        )
    mean = np.mean(np.array(placed, dtype=float), axis=0)
    overall = _normalise((float(mean[0]), float(mean[1]), float(mean[2])))
    label = placement_label(overall)
    missing = [r.title for r in rows if r.shares is None]
    note = (
        f"Average of {len(placed)} of {len(rows)} rows, each counting equally: "
        f"{_shares_text(overall)} ({label})."
    )
    if missing:
        note += f" Not placed for lack of records: {', '.join(missing)}."
    return ContinuumReport(
        rows=rows,
        shares=overall,
        position=position_of(overall),
        label=label,
        rows_with_data=len(placed),
        note=note,
    )


# --- SVG ----------------------------------------------------------------------

_LEFT = 170  # width of the row-title column
_COL = 150  # width of each approach column
_RIGHT = 290  # width of the numbers column (fits the longest label)
_HEADER = 40
_BAND = 44
_PAD = 10
_COLOURS = ("#e8f0fb", "#eef7ea", "#fbf1e6")  # light column fills
_MARKER = "#1a1a1a"


def _f(x: float) -> str:
    """Stable number formatting for SVG coordinates."""
    return f"{x:.1f}"


def _row_desc(row: ContinuumRow) -> str:
    if row.shares is None or row.position is None:
        return f"{row.title}: no data ({row.total} records)."
    return (
        f"{row.title}: {row.label}, position {row.position:.2f} of 2 "
        f"({_shares_text(row.shares)}; {row.total} records)."
    )


def render_continuum_svg(
    report: ContinuumReport,
    *,
    title: str = "Where practice sits on the continuum",
    id_prefix: str = "continuum",
) -> str:
    """A server-side SVG that mirrors the SPEC table: one band per row, three
    columns (Differentiation | Individualization | Personalization), a marker
    at the row's position and the shares beside it, then the overall. No
    script; ``<title>`` and ``<desc>`` carry the same numbers in words for
    screen readers; output is deterministic for the same report."""
    n = len(report.rows) + 1  # + overall
    width = _LEFT + 3 * _COL + _RIGHT
    height = _HEADER + n * _BAND + _PAD * 2
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    overall_desc = (
        "Overall: no data."
        if report.shares is None or report.position is None
        else f"Overall: {report.label}, position {report.position:.2f} of 2 "
        f"({_shares_text(report.shares)}; {report.rows_with_data} rows placed)."
    )
    desc = " ".join([_row_desc(r) for r in report.rows] + [overall_desc])
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{tid} {did}" '
        'font-family="system-ui, sans-serif" font-size="13">',
        f"<title id={quoteattr(tid)}>{escape(title)}</title>",
        f"<desc id={quoteattr(did)}>{escape(desc)}</desc>",
    ]
    body_top = _HEADER
    body_h = n * _BAND
    for k, approach in enumerate(APPROACHES):
        x = _LEFT + k * _COL
        out.append(
            f'<rect x="{x}" y="{body_top}" width="{_COL}" height="{body_h}" '
            f'fill="{_COLOURS[k]}" stroke="#999" stroke-width="0.5"/>'
        )
        out.append(
            f'<text x="{_f(x + _COL / 2)}" y="{_HEADER - 14}" text-anchor="middle" '
            f'font-weight="bold">{escape(APPROACH_TITLES[approach])}</text>'
        )
    out.append(
        f'<text x="{_LEFT + 3 * _COL + _PAD}" y="{_HEADER - 14}" font-weight="bold">'
        "Shares (D / I / P)</text>"
    )

    def band(
        idx: int,
        label: str,
        row_title: str,
        shares: tuple[float, float, float] | None,
        position: float | None,
        total_text: str,
        bold: bool,
    ) -> None:
        y = body_top + idx * _BAND
        cy = y + _BAND / 2
        weight = ' font-weight="bold"' if bold else ""
        out.append(f'<g class="row" data-label={quoteattr(label)}>')
        out.append(
            f'<line x1="0" y1="{y}" x2="{width}" y2="{y}" stroke="#999" '
            f'stroke-width="{1.5 if bold else 0.5}"/>'
        )
        out.append(f'<text x="{_PAD}" y="{_f(cy + 4)}"{weight}>{escape(row_title)}</text>')
        if shares is None or position is None:
            out.append(
                f'<text x="{_f(_LEFT + 1.5 * _COL)}" y="{_f(cy + 4)}" text-anchor="middle" '
                f'fill="#555" font-style="italic">no data</text>'
            )
        else:
            # A thin stacked bar of the shares, then the marker at the position.
            bar_x = _LEFT + _COL / 2
            bar_w = 2 * _COL
            x0 = bar_x
            for k, s in enumerate(shares):
                w = s * bar_w
                if w > 0:
                    out.append(
                        f'<rect x="{_f(x0)}" y="{_f(cy + 9)}" width="{_f(w)}" height="5" '
                        f'fill="{("#3b6fb6", "#4f9a3a", "#c9771e")[k]}"/>'
                    )
                x0 += w
            mx = _LEFT + _COL / 2 + position * _COL
            out.append(
                f'<line x1="{_f(_LEFT + _COL / 2)}" y1="{_f(cy)}" x2="{_f(_LEFT + 2.5 * _COL)}" '
                f'y2="{_f(cy)}" stroke="#777" stroke-width="1"/>'
            )
            r = 8 if bold else 6
            out.append(
                f'<circle cx="{_f(mx)}" cy="{_f(cy)}" r="{r}" fill="{_MARKER}">'
                f"<title>{escape(label)}</title></circle>"
            )
            out.append(
                f'<text x="{_LEFT + 3 * _COL + _PAD}" y="{_f(cy - 2)}"{weight}>'
                f"{' / '.join(_percent(s) for s in shares)}</text>"
            )
        out.append(
            f'<text x="{_LEFT + 3 * _COL + _PAD}" y="{_f(cy + 13)}" fill="#555" '
            f'font-size="11">{escape(total_text)}</text>'
        )
        out.append("</g>")

    for idx, row in enumerate(report.rows):
        band(
            idx,
            _row_desc(row),
            row.title,
            row.shares,
            row.position,
            f"{row.total} record{'s' if row.total != 1 else ''}",
            False,
        )
    band(
        len(report.rows),
        overall_desc,
        "Overall",
        report.shares,
        report.position,
        report.label,
        True,
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
