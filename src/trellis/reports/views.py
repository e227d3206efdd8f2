"""Continuum report pages: the report (chart + table with drill-down links),
the records behind one count, and the page explaining each row."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from trellis.engine.continuum import (
    COLUMNS,
    DEFINING_ROWS,
    MIN_DEFINING_ROWS,
    MIN_LEARNER_DAYS,
    ROW_SOURCES,
    ROWS,
    SOURCE_BY_KEY,
)
from trellis.reports import access, counts, selectors, words
from trellis.reports.charts import render_continuum_svg


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
                "title": words.ROW_TITLES[row.key],
                "label": words.placement(row.label),
                "columns": [
                    {"title": words.COLUMN_TITLES[c], "days": row.days[c], "share": share}
                    for c, share in zip(
                        COLUMNS, row.shares or (None, None, None, None), strict=True
                    )
                ],
                "sources": [
                    {
                        "key": t.key,
                        "label": words.SOURCE_LABELS[t.key],
                        "column": words.COLUMN_TITLES[t.approach],
                        "decisions": t.decisions,
                        "learner_days": t.learner_days,
                        "query": query,
                    }
                    for t in row.sources
                ],
                "none": [str(words.SOURCE_LABELS[t.key]) for t in row.sources if not t.decisions],
            }
            for row in result.report.rows
        ]
        svg = render_continuum_svg(
            result.report, title=_("Continuum: %(scope)s") % {"scope": scope.label}
        )
        context.update(
            result=result,
            overall=words.placement(result.report.label),
            note=words.report_note(result.report),
            rows=rows,
            columns=[words.COLUMN_TITLES[c] for c in COLUMNS],
            svg=mark_safe(svg),  # noqa: S308 - escaped by the engine
        )
    return render(request, "reports/continuum.html", context)


@login_required
def continuum_records(request: HttpRequest, key: str) -> HttpResponse:
    try:
        scope, start, end = _scope_and_range(request)
    except ValueError as exc:  # no scope, two scopes, or a bad date: the page says which
        context = {"classes": list(selectors.report_classes_for(request.user)), "error": str(exc)}
        return render(request, "reports/continuum.html", context, status=400)
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
            "label": words.SOURCE_LABELS[key],
            "column": words.COLUMN_TITLES[SOURCE_BY_KEY[key].approach],
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
            "title": words.ROW_TITLES[r.key],
            "measure": words.ROW_MEASURES[r.key],
            "defining": r.key in DEFINING_ROWS,
            "sources": [
                {
                    "label": words.SOURCE_LABELS[src.key],
                    "column": words.COLUMN_TITLES[src.approach],
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
