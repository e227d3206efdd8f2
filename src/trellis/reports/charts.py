"""The continuum report drawn as a server-side SVG: presentation, so it
lives with the report's pages rather than in the engine, which computes the
report and knows nothing of how it is shown. Every word inside it (titles,
labels, the ``<desc>``) is in the active language, from ``words``."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext

from trellis.engine.continuum import (
    COLUMNS,
    NOT_ENOUGH,
    ContinuumReport,
    ContinuumRow,
    Shares,
    percent_text,
)
from trellis.reports import words

_LEFT = 150  # width of the row-title column
_COL = 125  # width of each column
_RIGHT = 250  # width of the numbers column
_HEADER = 40
_BAND = 44
_PAD = 10
_FILLS = ("#efefef", "#e8f0fb", "#eef7ea", "#fbf1e6")  # light column fills
_BARS = ("#8a8a8a", "#3b6fb6", "#4f9a3a", "#c9771e")
_MARKER = "#1a1a1a"


def _f(x: float) -> str:
    """Stable number formatting for SVG coordinates."""
    return f"{x:.1f}"


def _where(position: float | None) -> str:
    if position is None:
        return ""
    return gettext(", position %(position)s of 2") % {"position": f"{position:.2f}"}


def _row_desc(row: ContinuumRow) -> str:
    title = words.ROW_TITLES[row.key]
    days = words.learner_days(row.learner_days)
    if row.shares is None:
        return gettext("%(row)s: not enough evidence (%(days)s).") % {"row": title, "days": days}
    return gettext("%(row)s: %(label)s%(where)s (%(shares)s; %(days)s).") % {
        "row": title,
        "label": words.placement(row.label),
        "where": _where(row.position),
        "shares": words.shares_words(row.shares),
        "days": days,
    }


def render_continuum_svg(
    report: ContinuumReport,
    *,
    title: str = "",
    id_prefix: str = "continuum",
) -> str:
    """A server-side SVG that mirrors the SPEC table with a whole-class band
    before it: one band per row, four columns (Whole class | Differentiation
    | Individualization | Personalization), a stacked bar of the four
    shares, a marker at the row's position among the three approaches (in
    the whole-class column when the row is all whole-class), then the
    overall. No script; ``<title>`` and ``<desc>`` carry the numbers in
    words; output is deterministic for the same report and language."""
    title = title or gettext("Where practice sits on the continuum")
    n = len(report.rows) + 1  # + overall
    width = _LEFT + 4 * _COL + _RIGHT
    height = _HEADER + n * _BAND + _PAD * 2
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    not_enough = words.placement(NOT_ENOUGH)
    if report.shares is None:
        overall_desc = gettext("Overall: not enough evidence.")
    else:
        placed = [r for r in report.rows if r.defining and r.shares is not None]
        overall_desc = gettext("Overall: %(label)s%(where)s (%(shares)s; rests on %(rows)s).") % {
            "label": words.placement(report.label),
            "where": _where(report.position),
            "shares": words.shares_words(report.shares),
            "rows": ", ".join(str(words.ROW_TITLES[r.key]) for r in placed),
        }
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
    for k, column in enumerate(COLUMNS):
        x = _LEFT + k * _COL
        out.append(
            f'<rect class="column" data-column="{column}" x="{x}" y="{body_top}" '
            f'width="{_COL}" height="{body_h}" fill="{_FILLS[k]}" stroke="#999" '
            'stroke-width="0.5"/>'
        )
        out.append(
            f'<text x="{_f(x + _COL / 2)}" y="{_HEADER - 14}" text-anchor="middle" '
            f'font-weight="bold">{escape(str(words.COLUMN_TITLES[column]))}</text>'
        )
    numbers_x = _LEFT + 4 * _COL + _PAD
    shares_head = gettext("Shares (W / D / I / P)")
    out.append(
        f'<text x="{numbers_x}" y="{_HEADER - 14}" font-weight="bold">{escape(shares_head)}</text>'
    )

    def band(
        idx: int,
        label: str,
        row_title: str,
        shares: Shares | None,
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
        if shares is None:
            out.append(
                f'<text x="{_f(_LEFT + 2 * _COL)}" y="{_f(cy + 4)}" text-anchor="middle" '
                f'fill="#555" font-style="italic">{escape(not_enough)}</text>'
            )
        else:
            x0 = _LEFT + _COL / 2
            bar_w = 3 * _COL
            for k, s in enumerate(shares):
                w = s * bar_w
                if w > 0:
                    out.append(
                        f'<rect class="share" data-column="{COLUMNS[k]}" x="{_f(x0)}" '
                        f'y="{_f(cy + 9)}" width="{_f(w)}" height="5" fill="{_BARS[k]}"/>'
                    )
                x0 += w
            line_x0 = _LEFT + 1.5 * _COL
            out.append(
                f'<line x1="{_f(line_x0)}" y1="{_f(cy)}" x2="{_f(_LEFT + 3.5 * _COL)}" '
                f'y2="{_f(cy)}" stroke="#777" stroke-width="1"/>'
            )
            mx = _LEFT + _COL / 2 if position is None else line_x0 + position * _COL
            r = 8 if bold else 6
            out.append(
                f'<circle cx="{_f(mx)}" cy="{_f(cy)}" r="{r}" fill="{_MARKER}">'
                f"<title>{escape(label)}</title></circle>"
            )
            out.append(
                f'<text x="{numbers_x}" y="{_f(cy - 2)}"{weight}>'
                f"{' / '.join(percent_text(s) for s in shares)}</text>"
            )
        out.append(
            f'<text x="{numbers_x}" y="{_f(cy + 13)}" fill="#555" '
            f'font-size="11">{escape(total_text)}</text>'
        )
        out.append("</g>")

    for idx, row in enumerate(report.rows):
        band(
            idx,
            _row_desc(row),
            str(words.ROW_TITLES[row.key]),
            row.shares,
            row.position,
            words.learner_days(row.learner_days),
            False,
        )
    band(
        len(report.rows),
        overall_desc,
        gettext("Overall"),
        report.shares,
        report.position,
        words.placement(report.label),
        True,
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
