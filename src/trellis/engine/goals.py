"""When will a learner reach a goal? A projected date from the rate so far,
with its uncertainty.

Progress toward a goal is a number from 0 (not started) to 1 (reached),
computed elsewhere from mastery data at each check-in. We fit a straight
line to the check-ins by least squares -- progress = a + b * day -- and
read off the day the line reaches the target (1.0 by default)::

    projected day = (target - a) / b,         rate per week = 7 * b

The uncertainty comes from the scatter of the check-ins around that line.
The *likely range* is the set of days at which the target is within the
line's 80 % confidence band (Fieller's interval for where a fitted line
crosses a level, using Student's t with n - 2 degrees of freedom). When the
check-ins are too scattered to rule out no progress at all, there is no
latest date -- the message says so instead of inventing one.

Plain answers instead of numbers when a date cannot be projected honestly:

* fewer than 3 check-ins, or all on one day: "not enough check-ins yet";
* the target already reached: the date it was first reached;
* a flat or falling line: no date, and the message says progress has
  stalled.

A projection is never earlier than the latest check-in: if the line says
the target "should already" have been reached, progress has recently
slowed, and the message says so.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import stats

# --- Error messages -------------------------------------------------------

PROGRESS_RANGE_ERROR = "Progress must be between 0 and 1, not {value} on {day}."
CONFIDENCE_ERROR = "The confidence level must be between 0 and 1 (exclusive), not {value}."
TARGET_ERROR = "The target must be above 0 and at most 1, not {value}."

NOT_ENOUGH_MESSAGE = "Not enough check-ins yet to project a date (at least 3, on different days)."
NO_PROGRESS_MESSAGE = (
    "Progress has not been going up across the check-ins, so no date can be projected yet. "
    "This may be a good moment to talk about the goal."
)

#: Each sentence a projection's message may hold, by key; parameters are
#: days (``date``), a rate in percentage points a week (``rate``) and the
#: likely range's size in percent (``pct``). The pages say the same keys in
#: the reader's language (``trellis.personalization.words``).
SENTENCES: dict[str, str] = {
    "reached": "Goal reached on {day}.",
    "not_enough": NOT_ENOUGH_MESSAGE,
    "no_progress": NO_PROGRESS_MESSAGE,
    "beyond_horizon": (
        "At the current rate (about {rate} percentage points a week) the goal "
        "is more than three years away; no date is projected."
    ),
    "around_range": (
        "At the rate so far (about {rate} percentage points a week) the goal "
        "should be reached around {when}, likely between {earliest} and {latest} ({pct}% range)."
    ),
    "around_open": (
        "At the rate so far (about {rate} percentage points a week) the goal "
        "should be reached around {when}; not likely before {earliest}, but the check-ins "
        "vary too much to give a latest date yet."
    ),
    "around_no_range": (
        "At the rate so far (about {rate} percentage points a week) the goal "
        "should be reached around {when}, but the check-ins vary too much to give a likely "
        "range yet."
    ),
    "around": (
        "At the rate so far (about {rate} percentage points a week) the goal "
        "should be reached around {when}."
    ),
    "slowed": "Recent check-ins are behind the overall rate, so progress may have slowed.",
    "on_time": "That is on or before the goal’s date of {due}.",
    "late": "That is after the goal’s date of {due}.",
}

#: One sentence of a projection's message: a key of ``SENTENCES`` and its
#: parameters (days as dates, the rate as a float).
Sentence = tuple[str, dict[str, object]]

MIN_POINTS = 3
DEFAULT_CONFIDENCE = 0.8
#: Projections further out than this (about three years) give no date.
HORIZON_DAYS = 366 * 3


@dataclass(frozen=True)
class ProgressObservation:
    date: date
    progress: float  # 0..1


@dataclass(frozen=True)
class Projection:
    """``date`` is the projected day; ``earliest``/``latest`` the likely range
    (``latest`` is None when it cannot be bounded). All None when no date
    can be projected; ``message`` always says why in words."""

    date: dt.date | None
    earliest: dt.date | None
    latest: dt.date | None
    rate_per_week: float | None
    message: str
    points_used: int
    reached: bool = False
    on_track: bool | None = None  # against ``due`` when one was given
    #: ``message`` as sentences (key and parameters), for other languages.
    sentences: tuple[Sentence, ...] = ()


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def say(sentences: Sequence[Sentence]) -> str:
    """The sentences in English: days as "5 Mar 2027", the rate to one
    decimal."""
    said = []
    for key, params in sentences:
        values = {
            name: _d(value)
            if isinstance(value, date)
            else f"{100 * value:.1f}"
            if name == "rate" and isinstance(value, float)
            else value
            for name, value in params.items()
        }
        said.append(SENTENCES[key].format(**values))
    return " ".join(said)


def _projection(
    when: date | None,
    earliest: date | None,
    latest: date | None,
    rate: float | None,
    sentences: list[Sentence],
    n: int,
    *,
    reached: bool = False,
    on_track: bool | None = None,
) -> Projection:
    return Projection(
        when,
        earliest,
        latest,
        rate,
        say(sentences),
        n,
        reached=reached,
        on_track=on_track,
        sentences=tuple(sentences),
    )


def _day(origin: date, x: float) -> date:
    return origin + timedelta(days=int(math.ceil(round(x, 6))))


def project_goal(
    observations: Sequence[ProgressObservation],
    target: float = 1.0,
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    due: date | None = None,
) -> Projection:
    """Project the date at which progress reaches ``target`` from the
    check-ins so far, with a ``confidence`` (default 80 %) likely range.
    If ``due`` is given, ``on_track`` says whether the projection is on or
    before it."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(CONFIDENCE_ERROR.format(value=confidence))
    if not 0.0 < target <= 1.0:
        raise ValueError(TARGET_ERROR.format(value=target))
    for o in observations:
        if not 0.0 <= o.progress <= 1.0:
            raise ValueError(PROGRESS_RANGE_ERROR.format(value=o.progress, day=o.date))
    obs = sorted(observations, key=lambda o: (o.date, o.progress))
    n = len(obs)

    reached_at = next((o.date for o in obs if o.progress >= target), None)
    if reached_at is not None:
        return _projection(
            reached_at,
            reached_at,
            reached_at,
            None,
            [("reached", {"day": reached_at})],
            n,
            reached=True,
            on_track=None if due is None else reached_at <= due,
        )
    if n < MIN_POINTS or len({o.date for o in obs}) < 2:
        return _projection(None, None, None, None, [("not_enough", {})], n)

    origin = obs[0].date
    x = np.array([(o.date - origin).days for o in obs], dtype=float)
    y = np.array([o.progress for o in obs], dtype=float)
    xm, ym = float(x.mean()), float(y.mean())
    sxx = float(np.sum((x - xm) ** 2))
    b = float(np.sum((x - xm) * (y - ym)) / sxx)
    a = ym - b * xm
    rate = 7.0 * b
    if b <= 0:
        return _projection(None, None, None, rate, [("no_progress", {})], n)

    resid = y - (a + b * x)
    s2 = float(np.sum(resid**2) / (n - 2))
    t = float(stats.t.ppf(0.5 + confidence / 2.0, n - 2))
    x_hat = (target - a) / b

    # Fieller: the days x where the target is inside the line's confidence
    # band, |target - line(x)| <= t * s * sqrt(1/n + (x - xm)^2 / sxx).
    # Written in v = x - x_hat (so target - line(x) = -b v) to avoid
    # cancellation: qa v^2 + qb v + qc <= 0 with the coefficients below.
    g = t * t * s2
    c = x_hat - xm
    qa = b * b - g / sxx
    qb = -2.0 * g * c / sxx
    qc = -g * (1.0 / n + c * c / sxx)
    disc = qb * qb - 4.0 * qa * qc
    lo: float | None = None
    hi: float | None = None
    if qa > 0:
        # The rate is clearly above zero: a bounded range around x_hat.
        root = math.sqrt(max(0.0, disc))
        lo = x_hat + (-qb - root) / (2.0 * qa)
        hi = x_hat + (-qb + root) / (2.0 * qa)
    elif qa < 0 and disc > 0:
        # The rate is not clearly above zero at this confidence: the range is
        # open-ended (no latest date); it starts at the larger root, where
        # the upper edge of the band first reaches the target.
        # (If that root is after x_hat, the band around the check-ins is too
        # wide to give an earliest date either.)
        root = math.sqrt(disc)
        r = max((-qb - root) / (2.0 * qa), (-qb + root) / (2.0 * qa))
        lo = x_hat + r if r <= 0 else None

    last = (obs[-1].date - origin).days
    slowed = x_hat < last
    x_hat = max(x_hat, float(last))
    if lo is not None:
        lo = max(lo, float(last))
    if hi is not None:
        hi = max(hi, x_hat)

    if x_hat - last > HORIZON_DAYS:
        return _projection(None, None, None, rate, [("beyond_horizon", {"rate": rate})], n)
    when = _day(origin, x_hat)
    earliest = _day(origin, lo) if lo is not None else None
    latest = _day(origin, hi) if hi is not None else None
    sentences = [_around(rate, when, earliest, latest, round(100 * confidence))]
    if slowed:
        sentences.append(("slowed", {}))
    on_track = None if due is None else when <= due
    if due is not None:
        sentences.append(("on_time" if on_track else "late", {"due": due}))
    return _projection(when, earliest, latest, rate, sentences, n, on_track=on_track)


def _around(
    rate: float, when: date, earliest: date | None, latest: date | None, pct: int
) -> Sentence:
    """The projected day with as much of its likely range as the check-ins
    allow."""
    if earliest is not None and latest is not None and earliest != latest:
        return (
            "around_range",
            {"rate": rate, "when": when, "earliest": earliest, "latest": latest, "pct": pct},
        )
    if earliest is not None and latest is None:
        return ("around_open", {"rate": rate, "when": when, "earliest": earliest})
    if earliest is None and latest is None:
        return ("around_no_range", {"rate": rate, "when": when})
    return ("around", {"rate": rate, "when": when})
