"""Page-wide accommodations: large print and high contrast change every page
the learner sees, through classes on ``<body>`` (see trellis.css)."""

from __future__ import annotations

from django.http import HttpRequest

from trellis.individualization.constants import BODY_CLASSES


def accommodations(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"accommodation_body_classes": ""}

    def classes() -> str:
        from trellis.individualization.selectors import accommodations_of

        applied, _ = accommodations_of(user)
        return " ".join(css for key, css in BODY_CLASSES.items() if key in applied)

    return {"accommodation_body_classes": classes}
