"""The school's mastery model card, for the school's admins."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from trellis.evidence import selectors
from trellis.evidence.charts import calibration_svg
from trellis.people.access import access_school


@login_required
def mastery_model_card(request: HttpRequest, school_id: int) -> HttpResponse:
    school = access_school(request.user, school_id)
    card = selectors.model_card(school)
    return render(
        request,
        "evidence/model_card.html",
        {
            "school": school,
            "card": card,
            "chart": mark_safe(calibration_svg(card.calibration)),  # noqa: S308 - escaped above
        },
    )
