"""Continuum report pages: the report (chart + table with drill-down links),
the records behind one count, and the page explaining each row."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from trellis.engine.continuum import (
    COLUMN_TITLES,
    COLUMNS,
    DEFINING_ROWS,
    MIN_DEFINING_ROWS,
    MIN_LEARNER_DAYS,
    ROW_SOURCES,
    ROWS,
    SOURCE_BY_KEY,
    render_continuum_svg,
)
from trellis.reports import access, counts, selectors


def _scope_args(request: HttpRequest) -> dict[str, str]:
    return {k: request.GET[k] for k in ("class", "learner", "school") if request.GET.get(k)}


def _scope_and_range(request: HttpRequest):
    args = _scope_args(request)
    scope = access.access_report_scope(
        request.user,
        class_id=args.get("class"),
        learner_id=args.get("learner"),
        school_id=args.get("school"),
    )
    start, end = selectors.parse_range(request.GET.get("from"), request.GET.get("to"))
    return scope, start, end


def _query(scope: counts.Scope, start, end) -> str:
    return urlencode({scope.kind: scope.obj_id, "from": start.isoformat(), "to": end.isoformat()})


@login_required
def continuum(request: HttpRequest) -> HttpResponse:
    classes = list(selectors.report_classes_for(request.user))
    context: dict[str, object] = {"classes": classes, "error": ""}
    if _scope_args(request):
        try:
            scope, start, end = _scope_and_range(request)
        except ValueError as exc:
            context["error"] = str(exc)
            return render(request, "reports/continuum.html", context, status=400)
        result = selectors.continuum_for(scope, start, end)
        query = _query(scope, start, end)
        rows = [
            {
                "row": row,
                "columns": [
                    {"title": COLUMN_TITLES[c], "days": row.days[c], "share": share}
                    for c, share in zip(
                        COLUMNS, row.shares or (None, None, None, None), strict=True
                    )
                ],
                "sources": [
                    {
                        "key": t.key,
                        "label": t.label,
                        "column": COLUMN_TITLES[t.approach],
                        "decisions": t.decisions,
                        "learner_days": t.learner_days,
                        "query": query,
                    }
                    for t in row.sources
                ],
                "none": [t.label for t in row.sources if not t.decisions],
            }
            for row in result.report.rows
        ]
        svg = render_continuum_svg(result.report, title=f"Continuum: {scope.label}")
        context.update(
            result=result,
            rows=rows,
            columns=[COLUMN_TITLES[c] for c in COLUMNS],
            svg=mark_safe(svg),  # noqa: S308 - escaped by the engine
        )
    return render(request, "reports/continuum.html", context)


@login_required
def continuum_records(request: HttpRequest, key: str) -> HttpResponse:
    scope, start, end = _scope_and_range(request)
    try:
        records = selectors.drill_down(scope, start, end, key)
    except ValueError as exc:
        from trellis.people.access import NotVisible

        raise NotVisible(str(exc)) from None
    return render(
        request,
        "reports/records.html",
        {
            "scope": scope,
            "start": start,
            "end": end,
            "label": SOURCE_BY_KEY[key].label,
            "column": COLUMN_TITLES[SOURCE_BY_KEY[key].approach],
            "note": counts.RECORD_NOTES[key],
            "records": records,
            "back": f"?{_query(scope, start, end)}",
        },
    )


@login_required
def continuum_about(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "row": r,
            "defining": r.key in DEFINING_ROWS,
            "sources": [
                {
                    "label": src.label,
                    "column": COLUMN_TITLES[src.approach],
                    "note": counts.RECORD_NOTES[src.key],
                }
                for src in ROW_SOURCES[r.key]
            ],
        }
        for r in ROWS
    ]
    return render(
        request,
        "reports/about.html",
        {"rows": rows, "min_days": MIN_LEARNER_DAYS, "min_rows": MIN_DEFINING_ROWS},
    )
