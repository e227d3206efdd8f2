"""A specific objective's progress chart drawn as a server-side SVG:
presentation, so it lives with the plan's pages rather than in the engine,
which computes the aim line, the trend and the decision and knows nothing
of how they are shown (``trellis.reports.charts`` draws the continuum the
same way). Every word inside it (the ``<desc>``, the line labels, the
dates) is in the active language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

import numpy as np
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trellis.engine import monitoring

_W, _H = 640, 320
_ML, _MR, _MT, _MB = 56, 36, 36, 48


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) for about
    ``ticks`` lines up the value axis."""
    raw = span / ticks if span > 0 else 1.0
    mag = 10 ** np.floor(np.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return float(m * mag)
    return float(10 * mag)


def _f(x: float) -> str:
    """Stable number formatting for SVG coordinates."""
    return f"{x:.1f}"


def _day(day: date) -> str:
    return date_format(day, "j M Y")


def _tick(day: date) -> str:
    return date_format(day, "j M")


def progress_description(
    aim: monitoring.AimLine,
    points: Sequence[monitoring.DataPoint],
    trend: monitoring.TrendLine | None,
    unit: str = "",
) -> str:
    """The progress chart's ``<desc>`` in the reader's language; in English,
    the engine's own (``monitoring.progress_desc``)."""
    u = f" {unit}" if unit else ""
    said = [
        _("Aim line from %(start)s on %(start_day)s to %(end)s on %(end_day)s.")
        % {
            "start": f"{monitoring.value_text(aim.baseline_value)}{u}",
            "start_day": _day(aim.baseline_date),
            "end": f"{monitoring.value_text(aim.target_value)}{u}",
            "end_day": _day(aim.target_date),
        }
    ]
    pts = sorted(points, key=lambda p: (p.date, p.value))
    if pts:
        said.append(
            ngettext("%(n)s data point: %(points)s.", "%(n)s data points: %(points)s.", len(pts))
            % {
                "n": len(pts),
                "points": "; ".join(
                    f"{_day(p.date)}: {monitoring.value_text(p.value)}{u}" for p in pts
                ),
            }
        )
    else:
        said.append(_("No data points yet."))
    if trend is not None:
        said.append(_("Trend: %(slope)s per week.") % {"slope": f"{trend.slope_per_week:+.2f}{u}"})
    said.append(_("Aim: %(slope)s per week.") % {"slope": f"{aim.slope_per_day * 7:+.2f}{u}"})
    return " ".join(said)


def render_progress_svg(
    aim: monitoring.AimLine,
    points: Sequence[monitoring.DataPoint],
    trend: monitoring.TrendLine | None,
    title: str,
    *,
    id_prefix: str = "progress",
    unit: str = "",
) -> str:
    """The dashed aim line from baseline to target, the data points as
    circles, the trend line across the data, date labels along the bottom
    and values up the side. ``<title>`` and ``<desc>`` carry the numbers in
    words for screen readers; no script; deterministic output."""
    pts = sorted(points, key=lambda p: (p.date, p.value))
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
    desc = progress_description(aim, pts, trend, unit)

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
            f'<text x="{_ML - 6}" y="{_f(y + 4)}" text-anchor="end">'
            f"{escape(monitoring.value_text(v))}</text>"
        )
    n_ticks = min(5, span_days)
    for k in range(n_ticks + 1):
        day = d0 + timedelta(days=round(k * span_days / n_ticks))
        x = sx(day)
        out.append(
            f'<line x1="{_f(x)}" y1="{_MT + ph}" x2="{_f(x)}" y2="{_MT + ph + 5}" stroke="#333"/>'
            f'<text x="{_f(x)}" y="{_MT + ph + 18}" text-anchor="middle">'
            f"{escape(_tick(day))}</text>"
        )
    # Aim line (dashed), trend line (solid), points (circles).
    out.append(
        f'<line class="aim" x1="{_f(sx(aim.baseline_date))}" y1="{_f(sy(aim.baseline_value))}" '
        f'x2="{_f(sx(aim.target_date))}" y2="{_f(sy(aim.target_value))}" stroke="#3b6fb6" '
        f'stroke-width="2" stroke-dasharray="6 4"><title>{escape(_("Aim line"))}</title></line>'
    )
    if trend is not None and pts:
        a, b = pts[0].date, pts[-1].date
        out.append(
            f'<line class="trend" x1="{_f(sx(a))}" y1="{_f(sy(trend.value_at(a)))}" '
            f'x2="{_f(sx(b))}" y2="{_f(sy(trend.value_at(b)))}" stroke="#c9771e" '
            f'stroke-width="2"><title>{escape(_("Trend line"))}</title></line>'
        )
    for p in pts:
        out.append(
            f'<circle cx="{_f(sx(p.date))}" cy="{_f(sy(p.value))}" r="4" fill="#1a1a1a">'
            f"<title>{escape(f'{_day(p.date)}: {monitoring.value_text(p.value)}{u}')}</title>"
            "</circle>"
        )
    # Legend.
    ly = _H - 10
    out.append(
        f'<g class="legend"><line x1="{_ML}" y1="{ly - 4}" x2="{_ML + 24}" y2="{ly - 4}" '
        'stroke="#3b6fb6" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{_ML + 30}" y="{ly}">{escape(_("aim line"))}</text>'
        f'<line x1="{_ML + 110}" y1="{ly - 4}" x2="{_ML + 134}" y2="{ly - 4}" '
        'stroke="#c9771e" stroke-width="2"/>'
        f'<text x="{_ML + 140}" y="{ly}">{escape(_("trend"))}</text>'
        f'<circle cx="{_ML + 200}" cy="{ly - 4}" r="4" fill="#1a1a1a"/>'
        f'<text x="{_ML + 210}" y="{ly}">{escape(_("data point"))}</text></g>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
