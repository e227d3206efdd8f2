"""Recommendation reasons in the reader's language.

The engine (``trellis.engine.recommend``) stays free of Django: beside its
English ``reason`` it returns the same reason as coded parts. This module
says each part through gettext, so the path page reads in Spanish too."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trellis.curriculum.kinds import ACCESSIBILITY_FEATURES, FORMATS
from trellis.engine.goals import Projection
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


#: The goal projection's sentences (``trellis.engine.goals.SENTENCES``).
PROJECTION_SENTENCES: dict[str, Promise] = {
    "reached": gettext_lazy("Goal reached on %(day)s."),
    "not_enough": gettext_lazy(
        "Not enough check-ins yet to project a date (at least 3, on different days)."
    ),
    "no_progress": gettext_lazy(
        "Progress has not been going up across the check-ins, so no date can be projected "
        "yet. This may be a good moment to talk about the goal."
    ),
    "beyond_horizon": gettext_lazy(
        "At the current rate (about %(rate)s percentage points a week) the goal is more "
        "than three years away; no date is projected."
    ),
    "around_range": gettext_lazy(
        "At the rate so far (about %(rate)s percentage points a week) the goal should be "
        "reached around %(when)s, likely between %(earliest)s and %(latest)s "
        "(%(pct)s%% range)."
    ),
    "around_open": gettext_lazy(
        "At the rate so far (about %(rate)s percentage points a week) the goal should be "
        "reached around %(when)s; not likely before %(earliest)s, but the check-ins vary "
        "too much to give a latest date yet."
    ),
    "around_no_range": gettext_lazy(
        "At the rate so far (about %(rate)s percentage points a week) the goal should be "
        "reached around %(when)s, but the check-ins vary too much to give a likely range yet."
    ),
    "around": gettext_lazy(
        "At the rate so far (about %(rate)s percentage points a week) the goal should be "
        "reached around %(when)s."
    ),
    "slowed": gettext_lazy(
        "Recent check-ins are behind the overall rate, so progress may have slowed."
    ),
    "on_time": gettext_lazy("That is on or before the goal’s date of %(due)s."),
    "late": gettext_lazy("That is after the goal’s date of %(due)s."),
}


def projection_message(projection: Projection) -> str:
    """A goal projection's message in the active language: days in the
    language's own short form, the rate with its decimal mark."""
    if not projection.sentences:
        return projection.message
    said = []
    for key, params in projection.sentences:
        values = {
            name: date_format(value, "j M Y")
            if isinstance(value, dt.date)
            else number_format(round(100 * value, 1), 1)
            if name == "rate" and isinstance(value, float)
            else value
            for name, value in params.items()
        }
        said.append(str(PROJECTION_SENTENCES[key]) % values)
    return " ".join(said)
