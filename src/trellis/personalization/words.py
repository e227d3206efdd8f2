"""Recommendation reasons in the reader's language.

The engine (``trellis.engine.recommend``) stays free of Django: beside its
English ``reason`` it returns the same reason as coded parts. This module
says each part through gettext, so the path page reads in Spanish too."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trellis.curriculum.models.resource import ACCESSIBILITY_FEATURES, FORMATS
from trellis.engine.recommend import Recommendation

PARTS: dict[str, Promise] = {
    "interest": gettext_lazy("matches your interest in %(words)s"),
    "format": gettext_lazy("format: %(format)s"),
    "format_preferred": gettext_lazy("format: %(format)s, as you prefer"),
    "review": gettext_lazy("for review: you have mastered %(code)s (%(percent)s %%)"),
    "hard": gettext_lazy("may be hard for now for %(code)s"),
    "step_up": gettext_lazy("a step up for %(code)s"),
    "easy": gettext_lazy("may be easy for you for %(code)s"),
    "at_level": gettext_lazy("at your level for %(code)s"),
    "lacks": gettext_lazy("lacks %(features)s"),
    "catalogue": gettext_lazy("in your catalogue"),
}
FORMAT_WORDS = dict(FORMATS)
FEATURE_WORDS = dict(ACCESSIBILITY_FEATURES)


def recommendation_reason(rec: Recommendation) -> str:
    """The reason for a recommendation, in the active language."""
    if not rec.parts:
        return rec.reason
    said: list[str] = []
    for code, params in rec.parts:
        if code == "ready":
            said[-1] += " " + _("(you're ready to learn it)")
            continue
        values = dict(params)
        if "format" in values:
            values["format"] = str(FORMAT_WORDS.get(values["format"], values["format"])).lower()
        if "features" in values:
            values["features"] = ", ".join(
                str(FEATURE_WORDS.get(f, f)).lower() for f in values["features"].split(", ")
            )
        if "words" in values:
            values["words"] = values["words"].replace(" and ", " " + _("and") + " ")
        said.append(str(PARTS[code]) % values)
    text = "; ".join(said)
    return text[:1].upper() + text[1:]
