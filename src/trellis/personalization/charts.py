"""Small server-side SVG charts, each with a text alternative (the pages
also show every number in a table): the self-rating vs teacher-rating gap
over time, and a goal's progress at each check-in with its projection."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from trellis.engine.goals import Projection
from trellis.personalization.models import Benchmark
from trellis.personalization.selectors import CheckInRow, GapPoint
from trellis.personalization.words import projection_message

W, H, PAD = 480, 200, 32


def gap_svg(points: list[GapPoint]) -> str:
    if not points:
        return ""
    n = len(points)

    def x(i: int) -> float:
        return PAD + (W - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(gap: float) -> float:  # gap in -1..1, 0 in the middle
        return H / 2 - (H / 2 - PAD) * gap

    line = " ".join(f"{x(i):.1f},{y(p.gap):.1f}" for i, p in enumerate(points))
    dots = "".join(
        f'<circle cx="{x(i):.1f}" cy="{y(p.gap):.1f}" r="4"><title>{escape(p.task)}: '
        f"{escape(_points(p.gap))}</title></circle>"
        for i, p in enumerate(points)
    )
    last = round(100 * points[-1].gap)
    summary = ngettext(
        "Self-rating minus teacher’s rating for %(n)s scored task; latest gap %(gap)s "
        "percentage points (above the middle line: rated higher than the teacher).",
        "Self-rating minus teacher’s rating for %(n)s scored tasks; latest gap %(gap)s "
        "percentage points (above the middle line: rated higher than the teacher).",
        n,
    ) % {"n": n, "gap": f"{last:+d}"}
    return (
        f'<svg class="p13n-gap" viewBox="0 0 {W} {H}" role="img" aria-labelledby="gap-title">'
        f'<title id="gap-title">{escape(summary)}</title>'
        f'<line x1="{PAD}" y1="{H / 2}" x2="{W - PAD}" y2="{H / 2}" class="axis"/>'
        f'<text x="4" y="{PAD}" class="lbl">+100</text><text x="4" y="{H / 2 + 4}" class="lbl">0</text>'
        f'<text x="4" y="{H - PAD + 8}" class="lbl">−100</text>'
        f'<polyline points="{line}" class="gapline"/>{dots}</svg>'
    )


# --- Goal progress --------------------------------------------------------------

GW, GH = 480, 240
G_LEFT, G_RIGHT, G_TOP, G_BOTTOM = 46, 14, 30, 30


def _points(gap: float) -> str:
    return gettext("%(gap)s points") % {"gap": f"{round(100 * gap):+d}"}


def _day_label(day: dt.date) -> str:
    return date_format(day, "j M" if day.year == dt.date.today().year else "j M Y")


def goal_svg(
    rows: list[CheckInRow],
    benchmarks: list[Benchmark],
    projection: Projection,
    due: dt.date | None = None,
) -> str:
    """The goal's progress at each check-in (0-100 %), the benchmarks' and
    the goal's dates, and -- when one can be projected -- a dashed line from
    the latest check-in to the projected date with the likely range as a
    band on the 100 % line. Every number is also in the table beside it."""
    if not rows:
        return ""
    days = [r.checkin.on for r in rows]
    start = days[0]
    ends = [days[-1], *(b.due_on for b in benchmarks)]
    ends += [d for d in (due, projection.date, projection.earliest, projection.latest) if d]
    end = max(ends)
    if end <= start:
        end = start + dt.timedelta(days=7)
    end += dt.timedelta(days=max(1, (end - start).days // 25))  # room for the last mark
    span = (end - start).days
    open_ended = (
        projection.date is not None and projection.latest is None and not projection.reached
    )
    if open_ended:  # leave room for the open range to run on
        end += dt.timedelta(days=max(7, span // 5))
        span = (end - start).days
    inner_w, inner_h = GW - G_LEFT - G_RIGHT, GH - G_TOP - G_BOTTOM

    def x(day: dt.date) -> float:
        return G_LEFT + inner_w * max(0, (day - start).days) / span

    def y(progress: float) -> float:
        return G_TOP + inner_h * (1.0 - progress)

    parts: list[str] = []
    for pct in (0, 25, 50, 75, 100):
        yy = y(pct / 100)
        parts.append(
            f'<line x1="{G_LEFT}" y1="{yy:.1f}" x2="{GW - G_RIGHT}" y2="{yy:.1f}" class="grid"/>'
            f'<text x="{G_LEFT - 6}" y="{yy + 4:.1f}" class="lbl" text-anchor="end">{pct}%</text>'
        )
    mid = start + dt.timedelta(days=span // 2)
    for day, anchor in ((start, "start"), (mid, "middle"), (end, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{GH - G_BOTTOM + 16}" class="lbl" '
            f'text-anchor="{anchor}">{escape(_day_label(day))}</text>'
        )
    for n, b in enumerate(benchmarks, start=1):
        bx = x(b.due_on)
        parts.append(
            f'<g class="bench"><title>Benchmark {n}, due {escape(_day_label(b.due_on))}: '
            f"{escape(b.description)}</title>"
            f'<line x1="{bx:.1f}" y1="{G_TOP}" x2="{bx:.1f}" y2="{GH - G_BOTTOM}"/>'
            f'<text x="{bx:.1f}" y="{G_TOP - 14}" class="lbl" text-anchor="middle">B{n}</text></g>'
        )
    if due is not None:
        dx = x(due)
        parts.append(
            f'<g class="due"><title>The goal\'s date: {escape(_day_label(due))}</title>'
            f'<line x1="{dx:.1f}" y1="{G_TOP}" x2="{dx:.1f}" y2="{GH - G_BOTTOM}"/>'
            f'<text x="{dx - 4:.1f}" y="{GH - G_BOTTOM - 6}" class="lbl" '
            f'text-anchor="end">goal date</text></g>'
        )
    last = rows[-1].checkin
    if projection.date is not None and not projection.reached:
        if projection.earliest is not None:
            lo = x(projection.earliest)
            hi = x(projection.latest) if projection.latest is not None else GW - G_RIGHT
            parts.append(
                f'<rect x="{lo:.1f}" y="{y(1.0) - 5:.1f}" width="{max(hi - lo, 3):.1f}" '
                f'height="10" class="range"><title>Likely range</title></rect>'
            )
        px = x(projection.date)
        parts.append(
            f'<line x1="{x(last.on):.1f}" y1="{y(last.progress):.1f}" x2="{px:.1f}" '
            f'y2="{y(1.0):.1f}" class="projected"/>'
            f'<circle cx="{px:.1f}" cy="{y(1.0):.1f}" r="5" class="projected-dot">'
            f"<title>Projected: {escape(_day_label(projection.date))}</title></circle>"
        )
    line = " ".join(f"{x(r.checkin.on):.1f},{y(r.checkin.progress):.1f}" for r in rows)
    parts.append(f'<polyline points="{line}" class="progress"/>')
    parts.extend(
        f'<circle cx="{x(r.checkin.on):.1f}" cy="{y(r.checkin.progress):.1f}" r="4" '
        f'class="checkin"><title>{escape(_day_label(r.checkin.on))}: {r.percent}%</title></circle>'
        for r in rows
    )
    n = len(rows)
    first = {"percent": rows[0].percent, "day": _day_label(rows[0].checkin.on)}
    if n > 1:
        summary = ngettext(
            "Goal progress at %(n)s check-in: %(percent)s%% on %(day)s, "
            "%(last_percent)s%% on %(last_day)s.",
            "Goal progress at %(n)s check-ins: %(percent)s%% on %(day)s, "
            "%(last_percent)s%% on %(last_day)s.",
            n,
        ) % {"n": n, **first, "last_percent": rows[-1].percent, "last_day": _day_label(last.on)}
    else:
        summary = gettext("Goal progress at 1 check-in: %(percent)s%% on %(day)s.") % first
    summary += " " + projection_message(projection)
    return (
        f'<svg class="p13n-goal" viewBox="0 0 {GW} {GH}" role="img" '
        f'aria-labelledby="goal-chart-title">'
        f'<title id="goal-chart-title">{escape(summary)}</title>{"".join(parts)}</svg>'
    )
