"""The model card's calibration chart: predicted against observed success on
held-out answers, bin by bin, as server-side SVG (the page shows every
number in a table beside it)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.translation import gettext as _

from trellis.evidence.selectors import CalibrationBin

SIZE, LEFT, BOTTOM, TOP, RIGHT = 300, 40, 36, 12, 12


def calibration_svg(bins: list[CalibrationBin]) -> str:
    """A square chart: the diagonal is perfect calibration; each bin is a dot
    at (mean predicted, observed) whose area grows with its answers."""
    if not bins:
        return ""
    span = SIZE - LEFT - RIGHT

    def x(p: float) -> float:
        return LEFT + span * p

    def y(p: float) -> float:
        return TOP + span * (1.0 - p)

    biggest = max(b.n for b in bins)
    grid = "".join(
        f'<line x1="{x(t):.1f}" y1="{y(0):.1f}" x2="{x(t):.1f}" y2="{y(1):.1f}" class="grid"/>'
        f'<line x1="{x(0):.1f}" y1="{y(t):.1f}" x2="{x(1):.1f}" y2="{y(t):.1f}" class="grid"/>'
        f'<text x="{x(t):.1f}" y="{y(0) + 14:.1f}" class="lbl" text-anchor="middle">{t:.1f}</text>'
        f'<text x="{LEFT - 6}" y="{y(t) + 4:.1f}" class="lbl" text-anchor="end">{t:.1f}</text>'
        for t in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
    )
    line = " ".join(f"{x(b.predicted):.1f},{y(b.observed):.1f}" for b in bins)
    dots = "".join(
        f'<circle cx="{x(b.predicted):.1f}" cy="{y(b.observed):.1f}" '
        f'r="{3 + 5 * (b.n / biggest) ** 0.5:.1f}"><title>'
        + escape(
            _("%(low).1f–%(high).1f: %(n)d answers, predicted %(p).2f, observed %(o).2f")
            % {"low": b.low, "high": b.high, "n": b.n, "p": b.predicted, "o": b.observed}
        )
        + "</title></circle>"
        for b in bins
    )
    worst = max(bins, key=lambda b: abs(b.observed - b.predicted))
    summary = _(
        "Calibration on held-out answers: %(n)d bins of predicted success; the largest "
        "gap is %(gap).2f (predicted %(p).2f, observed %(o).2f)."
    ) % {
        "n": len(bins),
        "gap": abs(worst.observed - worst.predicted),
        "p": worst.predicted,
        "o": worst.observed,
    }
    # The axis titles outside the f-string, where makemessages finds them.
    predicted, observed = _("predicted"), _("observed")
    return (
        f'<svg class="calibration" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-labelledby="calibration-title">'
        f'<title id="calibration-title">{escape(summary)}</title>{grid}'
        f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(1):.1f}" y2="{y(1):.1f}" class="ideal"/>'
        f'<polyline points="{line}" class="observed"/>{dots}'
        f'<text x="{LEFT + span / 2:.1f}" y="{SIZE - 4}" class="axis-title" '
        f'text-anchor="middle">{escape(predicted)}</text>'
        f'<text x="12" y="{TOP + span / 2:.1f}" class="axis-title" text-anchor="middle" '
        f'transform="rotate(-90 12 {TOP + span / 2:.1f})">{escape(observed)}</text>'
        "</svg>"
    )
