"""Progress monitoring for the specific objectives of an individual plan.

For each objective the teacher sets a *baseline* (where the learner is now,
on a date) and a *target* (where they should be, by a date). The straight
line between the two is the *aim line*: where the learner should be on any
day in between. Data points (probe scores, words read per minute, items
correct...) are plotted against it.

* **Trend line** -- ordinary least squares of value on date; the slope is
  reported per week. Tukey's method (the line through the medians of the
  first and last thirds, the hand method in progress-monitoring guides) is
  available too. Both need at least 3 points on at least 2 dates.
* **Decision rule** -- the common "four-point rule": if the most recent
  ``n`` (default 4) points are all *behind* the aim line, prompt the teacher
  to change the plan; if they are all *ahead* of it, prompt them to raise the
  goal; otherwise keep going. "Behind" means below the line for a goal that
  goes up and above the line for one that goes down (fewer errors, less
  time). A point exactly on the line is neither.
* **Chart** -- drawn server-side as SVG with the numbers in words for
  screen readers; ``progress_table`` gives the numbers for the table shown
  beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal
from xml.sax.saxutils import escape, quoteattr

import numpy as np

# --- Error messages (the Django side reuses these in form validation) -------

TARGET_BEFORE_BASELINE_ERROR = "The target date must be after the baseline date."
TOO_FEW_POINTS_ERROR = "A trend line needs at least 3 data points on at least 2 different dates."
UNKNOWN_RULE_ERROR = "Unknown decision rule {value!r}; use 'four_below', 'four_above' or 'both'."
RUN_LENGTH_ERROR = "The decision rule needs at least 1 point in a row, not {value}."
UNKNOWN_METHOD_ERROR = "Unknown trend method {value!r}; use 'ols' or 'tukey'."

CHANGE_PLAN: Final = "change_plan"
RAISE_GOAL: Final = "raise_goal"
KEEP_GOING: Final = "keep_going"
INSUFFICIENT_DATA: Final = "insufficient_data"

Rule = Literal["four_below", "four_above", "both"]
DecisionKind = Literal["change_plan", "raise_goal", "keep_going", "insufficient_data"]

MIN_TREND_POINTS = 3


def _d(day: date) -> str:
    """'3 Mar 2025' -- unambiguous across locales."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class AimLine:
    """The straight line from the baseline to the target."""

    baseline_date: date
    baseline_value: float
    target_date: date
    target_value: float

    def __post_init__(self) -> None:
        if self.target_date <= self.baseline_date:
            raise ValueError(TARGET_BEFORE_BASELINE_ERROR)

    @property
    def increasing(self) -> bool:
        """True when higher values are better (the target is not below the baseline)."""
        return self.target_value >= self.baseline_value

    @property
    def slope_per_day(self) -> float:
        days = (self.target_date - self.baseline_date).days
        return (self.target_value - self.baseline_value) / days

    def value_at(self, day: date) -> float:
        """Where the learner should be on ``day`` (extended past either end)."""
        return self.baseline_value + self.slope_per_day * (day - self.baseline_date).days


@dataclass(frozen=True)
class DataPoint:
    date: date
    value: float


@dataclass(frozen=True)
class TrendLine:
    """``value = intercept + slope_per_week * weeks since origin``."""

    origin: date
    intercept: float
    slope_per_week: float
    method: str
    n_points: int

    def value_at(self, day: date) -> float:
        return self.intercept + self.slope_per_week * (day - self.origin).days / 7.0


@dataclass(frozen=True)
class Decision:
    kind: DecisionKind
    message: str
    points_considered: tuple[DataPoint, ...]


@dataclass(frozen=True)
class ProgressRow:
    """One line of the table beside the chart."""

    date: date
    value: float
    aim_value: float
    difference: float  # value - aim_value
    behind: bool


def _sorted(points: Sequence[DataPoint]) -> list[DataPoint]:
    return sorted(points, key=lambda p: (p.date, p.value))


def trend_line(points: Sequence[DataPoint], method: str = "ols") -> TrendLine:
    """Fit a trend through ``points``; ``method`` is "ols" (least squares)
    or "tukey" (line through the medians of the first and last thirds)."""
    if method not in ("ols", "tukey"):
        raise ValueError(UNKNOWN_METHOD_ERROR.format(value=method))
    pts = _sorted(points)
    if len(pts) < MIN_TREND_POINTS or len({p.date for p in pts}) < 2:
        raise ValueError(TOO_FEW_POINTS_ERROR)
    origin = pts[0].date
    x = np.array([(p.date - origin).days / 7.0 for p in pts], dtype=float)
    y = np.array([p.value for p in pts], dtype=float)
    if method == "ols":
        xm, ym = x.mean(), y.mean()
        slope = float(np.sum((x - xm) * (y - ym)) / np.sum((x - xm) ** 2))
        intercept = float(ym - slope * xm)
    else:
        third = len(pts) // 3
        x1, y1 = float(np.median(x[:third])), float(np.median(y[:third]))
        x3, y3 = float(np.median(x[-third:])), float(np.median(y[-third:]))
        if x3 == x1:  # the first and last thirds share a date: fall back to OLS
            return trend_line(points, "ols")
        slope = (y3 - y1) / (x3 - x1)
        intercept = y1 - slope * x1
    return TrendLine(origin, intercept, slope, method, len(pts))


def decision(
    points: Sequence[DataPoint], aim: AimLine, rule: Rule = "both", n: int = 4
) -> Decision:
    """Apply the n-point rule to the most recent ``n`` points.

    ``rule`` "four_below" only looks for a run behind the aim line,
    "four_above" only for a run ahead of it, "both" for either (the name
    follows the usual four-point rule; ``n`` sets the run length)."""
    if rule not in ("four_below", "four_above", "both"):
        raise ValueError(UNKNOWN_RULE_ERROR.format(value=rule))
    if n < 1:
        raise ValueError(RUN_LENGTH_ERROR.format(value=n))
    pts = _sorted(points)
    if len(pts) < n:
        have = len(pts)
        return Decision(
            INSUFFICIENT_DATA,
            f"{have} data point{'s' if have != 1 else ''} so far; the decision rule needs "
            f"{n} in a row. Keep collecting data.",
            tuple(pts),
        )
    recent = tuple(pts[-n:])
    sign = 1.0 if aim.increasing else -1.0
    gaps = [sign * (p.value - aim.value_at(p.date)) for p in recent]
    span = f"{_d(recent[0].date)} to {_d(recent[-1].date)}"
    behind_word = "below" if aim.increasing else "above"
    ahead_word = "above" if aim.increasing else "below"
    if rule in ("four_below", "both") and all(g < 0 for g in gaps):
        return Decision(
            CHANGE_PLAN,
            f"The last {n} data points ({span}) are all {behind_word} the aim line. "
            "The plan is not working well enough: consider changing it.",
            recent,
        )
    if rule in ("four_above", "both") and all(g > 0 for g in gaps):
        return Decision(
            RAISE_GOAL,
            f"The last {n} data points ({span}) are all {ahead_word} the aim line. "
            "The learner is ahead of the goal: consider raising it.",
            recent,
        )
    return Decision(
        KEEP_GOING,
        f"The last {n} data points ({span}) are not all on one side of the aim line. "
        "Keep going with the plan.",
        recent,
    )


def progress_table(aim: AimLine, points: Sequence[DataPoint]) -> list[ProgressRow]:
    """The numbers behind the chart, one row per data point, in date order."""
    sign = 1.0 if aim.increasing else -1.0
    rows = []
    for p in _sorted(points):
        a = aim.value_at(p.date)
        rows.append(ProgressRow(p.date, p.value, a, p.value - a, sign * (p.value - a) < 0))
    return rows


# --- SVG ------------------------------------------------------------------------

_W, _H = 640, 320
_ML, _MR, _MT, _MB = 56, 36, 36, 48


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1.0
    mag = 10 ** np.floor(np.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return float(m * mag)
    return float(10 * mag)


def _num(x: float) -> str:
    """Values in labels: integers without decimals, others to 2 significant places."""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.2f}".rstrip("0").rstrip(".")


#: Public, so that a presentation layer shows the same numbers.
value_text = _num


def _f(x: float) -> str:
    return f"{x:.1f}"


def progress_desc(
    aim: AimLine, points: Sequence[DataPoint], trend: TrendLine | None, unit: str = ""
) -> str:
    """The chart's ``<desc>``: the aim line, every data point, the trend's
    and the aim's slope per week, in English."""
    pts = _sorted(points)
    u = f" {unit}" if unit else ""
    desc = [
        f"Aim line from {_num(aim.baseline_value)}{u} on {_d(aim.baseline_date)} "
        f"to {_num(aim.target_value)}{u} on {_d(aim.target_date)}."
    ]
    if pts:
        desc.append(
            f"{len(pts)} data point{'s' if len(pts) != 1 else ''}: "
            + "; ".join(f"{_d(p.date)}: {_num(p.value)}{u}" for p in pts)
            + "."
        )
    else:
        desc.append("No data points yet.")
    if trend is not None:
        desc.append(f"Trend: {trend.slope_per_week:+.2f}{u} per week.")
    desc.append(f"Aim: {aim.slope_per_day * 7:+.2f}{u} per week.")
    return " ".join(desc)


#: The words inside the chart, by key; a presentation layer may pass its own
#: (``labels=``), with ``date`` and ``tick`` as functions of a day.
LABELS: Final[dict[str, str]] = {
    "aim_line": "Aim line",
    "trend_line": "Trend line",
    "aim": "aim line",
    "trend": "trend",
}


def render_progress_svg(
    aim: AimLine,
    points: Sequence[DataPoint],
    trend: TrendLine | None,
    title: str,
    *,
    id_prefix: str = "progress",
    unit: str = "",
    desc: str | None = None,
    labels: Mapping[str, str] | None = None,
    date_label: Callable[[date], str] = _d,
    tick_label: Callable[[date], str] = lambda day: f"{day.day} {day:%b}",
) -> str:
    """A server-side SVG chart: the dashed aim line from baseline to target,
    the data points as circles, the trend line across the data, date labels
    along the bottom and values up the side. ``<title>`` and ``<desc>``
    carry the numbers in words; no script; deterministic output.

    The engine's English is used unless ``desc`` (the ``<desc>``),
    ``labels`` (see ``LABELS``), ``date_label`` (a point's day) and
    ``tick_label`` (a day under the axis) say otherwise."""
    words = {**LABELS, **(labels or {})}
    pts = _sorted(points)
    days = [aim.baseline_date, aim.target_date] + [p.date for p in pts]
    d0, d1 = min(days), max(days)
    span_days = max(1, (d1 - d0).days)
    values = [aim.baseline_value, aim.target_value] + [p.value for p in pts]
    if trend is not None:
        values += [trend.value_at(pts[0].date), trend.value_at(pts[-1].date)] if pts else []
    step = _nice_step(max(values) - min(values))
    lo = float(np.floor(min(values) / step) * step)
    hi = float(np.ceil(max(values) / step) * step)
    if hi == lo:
        hi = lo + step
    pw, ph = _W - _ML - _MR, _H - _MT - _MB

    def sx(day: date) -> float:
        return _ML + pw * (day - d0).days / span_days

    def sy(v: float) -> float:
        return _MT + ph * (1.0 - (v - lo) / (hi - lo))

    u = f" {unit}" if unit else ""
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    if desc is None:
        desc = progress_desc(aim, pts, trend, unit)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" aria-labelledby="{tid} {did}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f"<title id={quoteattr(tid)}>{escape(title)}</title>",
        f"<desc id={quoteattr(did)}>{escape(desc)}</desc>",
        f'<text x="{_ML}" y="20" font-weight="bold">{escape(title)}</text>',
    ]
    # Axes and value grid.
    out.append(
        f'<g class="axes" stroke="#333"><line x1="{_ML}" y1="{_MT + ph}" x2="{_ML + pw}" '
        f'y2="{_MT + ph}"/><line x1="{_ML}" y1="{_MT}" x2="{_ML}" y2="{_MT + ph}"/></g>'
    )
    for k in range(int(round((hi - lo) / step)) + 1):
        v = lo + k * step
        y = sy(v)
        out.append(
            f'<line x1="{_ML}" y1="{_f(y)}" x2="{_ML + pw}" y2="{_f(y)}" stroke="#ddd"/>'
            f'<text x="{_ML - 6}" y="{_f(y + 4)}" text-anchor="end">{escape(_num(v))}</text>'
        )
    n_ticks = min(5, span_days)
    for k in range(n_ticks + 1):
        day = d0 + timedelta(days=round(k * span_days / n_ticks))
        x = sx(day)
        out.append(
            f'<line x1="{_f(x)}" y1="{_MT + ph}" x2="{_f(x)}" y2="{_MT + ph + 5}" stroke="#333"/>'
            f'<text x="{_f(x)}" y="{_MT + ph + 18}" text-anchor="middle">'
            f"{escape(tick_label(day))}</text>"
        )
    # Aim line (dashed), trend line (solid), points (circles).
    out.append(
        f'<line class="aim" x1="{_f(sx(aim.baseline_date))}" y1="{_f(sy(aim.baseline_value))}" '
        f'x2="{_f(sx(aim.target_date))}" y2="{_f(sy(aim.target_value))}" stroke="#3b6fb6" '
        f'stroke-width="2" stroke-dasharray="6 4"><title>{escape(words["aim_line"])}</title></line>'
    )
    if trend is not None and pts:
        a, b = pts[0].date, pts[-1].date
        out.append(
            f'<line class="trend" x1="{_f(sx(a))}" y1="{_f(sy(trend.value_at(a)))}" '
            f'x2="{_f(sx(b))}" y2="{_f(sy(trend.value_at(b)))}" stroke="#c9771e" '
            f'stroke-width="2"><title>{escape(words["trend_line"])}</title></line>'
        )
    for p in pts:
        out.append(
            f'<circle cx="{_f(sx(p.date))}" cy="{_f(sy(p.value))}" r="4" fill="#1a1a1a">'
            f"<title>{escape(f'{date_label(p.date)}: {_num(p.value)}{u}')}</title></circle>"
        )
    # Legend.
    ly = _H - 10
    out.append(
        f'<g class="legend"><line x1="{_ML}" y1="{ly - 4}" x2="{_ML + 24}" y2="{ly - 4}" '
        'stroke="#3b6fb6" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{_ML + 30}" y="{ly}">{escape(words["aim"])}</text>'
        f'<line x1="{_ML + 110}" y1="{ly - 4}" x2="{_ML + 134}" y2="{ly - 4}" '
        'stroke="#c9771e" stroke-width="2"/>'
        f'<text x="{_ML + 140}" y="{ly}">{escape(words["trend"])}</text>'
        f'<circle cx="{_ML + 200}" cy="{ly - 4}" r="4" fill="#1a1a1a"/>'
        f'<text x="{_ML + 210}" y="{ly}">data point</text></g>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
