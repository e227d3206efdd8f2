"""The engine speaks English and stays free of Django; the pages translate
its words through Django-side tables keyed by the engine's keys. These tests
fail when the engine gains a row, a kind of decision, a column or a
placement phrase that the tables do not translate, and check that the
progress-monitoring decision, rebuilt on the Django side, says in English
exactly what the engine says."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.utils import translation

from trellis.engine import continuum, monitoring, recommend
from trellis.individualization.progress import decision_message
from trellis.personalization.words import recommendation_reason
from trellis.reports import words


def test_every_continuum_key_has_words():
    assert set(words.ROW_TITLES) == set(words.ROW_MEASURES) == set(continuum.ROW_KEYS)
    assert set(words.SOURCE_LABELS) == {s.key for s in continuum.SOURCES}
    assert set(words.COLUMN_TITLES) == set(continuum.COLUMNS)


def test_every_placement_the_engine_can_say_is_translated():
    steps = [i / 10 for i in range(11)]
    said = {continuum.placement_label(None)}
    for a, b, c in itertools.product(steps, repeat=3):
        if a + b + c <= 1:
            said.add(continuum.placement_label((round(1 - a - b - c, 2), a, b, c)))
    assert len(said) >= 8  # the grid reached the engine's different phrases
    assert said <= set(words.PLACEMENTS)
    with translation.override("es"):
        spanish = {label: words.placement(label) for label in said}
    assert all(spanish[label] != label for label in said), spanish


def _points(values: list[float]) -> list[monitoring.DataPoint]:
    start = dt.date(2026, 3, 2)
    return [monitoring.DataPoint(start + dt.timedelta(days=7 * i), v) for i, v in enumerate(values)]


@pytest.mark.parametrize("increasing", [True, False])
@pytest.mark.parametrize(
    "values", [[0.1, 0.1, 0.1, 0.1], [0.9, 0.9, 0.9, 0.9], [0.1, 0.9, 0.1, 0.9], [0.5, 0.5]]
)
def test_decision_messages_match_the_engine_and_are_translated(increasing, values):
    low, high = (0.2, 0.8) if increasing else (0.8, 0.2)
    aim = monitoring.AimLine(dt.date(2026, 3, 1), low, dt.date(2026, 6, 1), high)
    decided = monitoring.decision(_points(values), aim, n=4)
    with translation.override("en"):
        english = decision_message(decided, aim, 4)
    with translation.override("es"):
        spanish = decision_message(decided, aim, 4)
    # The engine's day format ("2 Mar 2026") is the page's "j M Y".
    assert english == decided.message
    assert spanish != english and "datos" in spanish


def _recommendations(review: bool) -> list:
    learner = recommend.LearnerContext(
        id="l1",
        mastery={"6.RP.1": 0.3, "6.RP.2": 0.99},
        ready_to_learn=frozenset({"6.RP.1"}),
        interest_tags=frozenset({"football"}),
        preferred_formats=("video",),
        needs_accessibility=frozenset({"captions"}),
        mastered=frozenset({"6.RP.2"}),
    )
    resources = [
        recommend.ResourceInfo(str(n), f"R{n}", competency_codes=(code,), readiness_level=level,
                               format=fmt, interest_tags=tags)
        for n, (code, level, fmt, tags) in enumerate([
            ("6.RP.1", 5, "video", ("football",)), ("6.RP.1", 2, "reading", ()),
            ("6.RP.1", 1, "audio", ()), ("6.RP.2", 3, "project", ()),
        ])
    ]  # fmt: skip
    return recommend.recommend(learner, resources, review=review)


@pytest.mark.parametrize("review", [False, True])
def test_recommendation_reasons_match_the_engine_and_are_translated(review):
    recs = _recommendations(review)
    assert recs and all(r.parts for r in recs)
    for rec in recs:
        with translation.override("en"):
            english = recommendation_reason(rec)
        with translation.override("es"):
            spanish = recommendation_reason(rec)
        # The English words differ from the engine's only where the engine
        # puts an article before the format ("a video" vs "format: video").
        engine = re.sub(
            r"\b(an?) (video|reading|interactive|hands-on|audio|project)\b",
            lambda m: f"format: {m.group(2)}",
            rec.reason,
            flags=re.I,
        )
        assert english.lower() == engine.lower()
        assert spanish != english
