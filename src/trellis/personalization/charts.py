"""The self-rating vs teacher-rating gap over time as a small server-side
SVG (with a text alternative; the page also shows the numbers as a table)."""

from __future__ import annotations

from django.utils.html import escape

from trellis.personalization.selectors import GapPoint

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
        f"{round(100 * p.gap):+d} points</title></circle>"
        for i, p in enumerate(points)
    )
    last = round(100 * points[-1].gap)
    summary = (
        f"Self-rating minus teacher's rating for {n} scored task{'s' if n != 1 else ''}; "
        f"latest gap {last:+d} percentage points (above the middle line: rated higher than the teacher)."
    )
    return (
        f'<svg class="p13n-gap" viewBox="0 0 {W} {H}" role="img" aria-labelledby="gap-title">'
        f'<title id="gap-title">{escape(summary)}</title>'
        f'<line x1="{PAD}" y1="{H / 2}" x2="{W - PAD}" y2="{H / 2}" class="axis"/>'
        f'<text x="4" y="{PAD}" class="lbl">+100</text><text x="4" y="{H / 2 + 4}" class="lbl">0</text>'
        f'<text x="4" y="{H - PAD + 8}" class="lbl">−100</text>'
        f'<polyline points="{line}" class="gapline"/>{dots}</svg>'
    )
