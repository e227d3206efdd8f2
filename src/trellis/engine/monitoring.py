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
* **Numbers for the chart** -- ``progress_table`` gives the numbers for the
  table shown beside the chart and ``progress_desc`` says them in English;
  the chart itself is drawn by the app that shows it
  (``trellis.individualization.charts``): the engine computes, it does not
  draw.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

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


# --- The numbers in words ---------------------------------------------------------


def _num(x: float) -> str:
    """Values in labels: integers without decimals, others to 2 significant places."""
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x)))
    return f"{x:.2f}".rstrip("0").rstrip(".")


#: Public, so that a presentation layer shows the same numbers.
value_text = _num


def progress_desc(
    aim: AimLine, points: Sequence[DataPoint], trend: TrendLine | None, unit: str = ""
) -> str:
    """The aim line, every data point, the trend's and the aim's slope per
    week, in English: the engine's own words, which the app's progress chart
    (``trellis.individualization.charts``) says in the reader's language."""
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
