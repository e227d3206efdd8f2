"""The engine speaks English and stays free of Django; the pages translate
its words through Django-side tables keyed by the engine's keys. These tests
fail when the engine gains a row, a kind of decision, a column or a
placement phrase that the tables do not translate, and check that the
progress-monitoring decision, the grouping explanations, the move reasons,
the live flags' reasons, the continuum note and the progress chart's
description, rebuilt on the Django side, say in English exactly what the
engine says."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re

import pytest
from django.utils import translation

from trellis.differentiation.flag_words import FLAG_REASONS, flag_reason
from trellis.differentiation.words import PHRASES as GROUPING_WORDS
from trellis.differentiation.words import PLATFORM_ENGLISH
from trellis.differentiation.words import english as grouping_english
from trellis.differentiation.words import say as say_grouping
from trellis.engine import continuum, flags, grouping, monitoring, recommend
from trellis.engine.grouping.phrases import NOTE_PHRASES, keys_of
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


def _every_flag() -> list[flags.Flag]:
    """Flags of every reason the engine has: stuck and racing with and
    without a competency, idle with and without events (1 minute and more),
    mastered with and without an objective's name."""
    t0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    minute = dt.timedelta(minutes=1)

    def run(correct: bool, n: int, comp: str | None, start: int = 0) -> list[flags.LessonEvent]:
        return [flags.LessonEvent(t0 + (start + k) * minute, comp, correct) for k in range(n)]

    events = {
        "a": run(False, 3, "6.RP.1"),
        "b": run(False, 4, None),
        "c": run(True, 5, "6.RP.2"),
        "d": run(True, 6, None),
        "e": [],
        "f": run(True, 1, "6.RP.3", start=8),
    }
    found = []
    for now, objective in (
        (t0 + 10 * minute, "6.RP.1"),
        (t0 + 9 * minute, None),
        (t0 + minute, None),  # "e" has been quiet for the lesson's first minute
    ):
        found += flags.flag_learners(
            events,
            now,
            idle_minutes=1,
            lesson_start=t0,
            objective=objective,
            mastered_objective_at={"f": t0 + 8 * minute},
        )
    return found


def test_every_flag_reason_has_words():
    assert set(FLAG_REASONS) == set(flags.REASONS)


def test_flag_reasons_match_the_engine_and_are_translated():
    found = _every_flag()
    assert {f.reason for f in found} == set(flags.REASONS)  # every key reached
    for flag in found:
        with translation.override("en"):
            english = flag_reason(flag)
        with translation.override("es"):
            spanish = flag_reason(flag)
        assert english == flag.evidence
        assert spanish != english, spanish


def _continuum_reports() -> list[continuum.ContinuumReport]:
    day = dt.date(2026, 3, 2)
    whole = [continuum.DayFact("class_assessments", n, day, "a1") for n in range(8)]
    grouped = [continuum.DayFact("groupings", n, day, "g1") for n in range(5)]
    plans = [continuum.DayFact("individual_plans", n, day, f"p{n}") for n in range(3)]
    return [
        continuum.compute_continuum([]),
        continuum.compute_continuum(whole),
        continuum.compute_continuum(whole + grouped + plans),
    ]


def test_continuum_note_matches_the_engine_and_is_translated():
    reports = _continuum_reports()
    assert [r.shares is None for r in reports] == [True, False, False]
    assert "Not enough evidence in" in reports[1].note  # the support row is missing
    for report in reports:
        with translation.override("en"):
            english = words.report_note(report)
        with translation.override("es"):
            spanish = words.report_note(report)
        assert english == report.note
        assert spanish != english, spanish


def test_continuum_chart_speaks_the_readers_language():
    from trellis.reports.charts import render_continuum_svg

    report = _continuum_reports()[2]
    with translation.override("en"):
        english = render_continuum_svg(report)
    with translation.override("es"):
        spanish = render_continuum_svg(report)
    assert "Overall: " in english and "Shares (W / D / I / P)" in english
    for phrase in ("Overall", "Shares", "learner-day", "Who designs", report.label):
        assert phrase not in spanish, phrase


@pytest.mark.parametrize("values", [[], [0.4], [0.3, 0.5, 0.6, 0.65]])
@pytest.mark.parametrize("unit", ["", "%"])
def test_progress_chart_description_matches_the_engine_and_is_translated(values, unit):
    from trellis.individualization.charts import progress_description

    aim = monitoring.AimLine(dt.date(2026, 3, 1), 0.2, dt.date(2026, 6, 1), 0.8)
    points = _points(values)
    trend = monitoring.trend_line(points) if len(points) >= monitoring.MIN_TREND_POINTS else None
    with translation.override("en"):
        english = progress_description(aim, points, trend, unit)
    with translation.override("es"):
        spanish = progress_description(aim, points, trend, unit)
    assert english == monitoring.progress_desc(aim, points, trend, unit)
    assert spanish != english


# ------------------------------------------------ grouping explanations and reasons
def _english_of(lazy) -> str:
    with translation.override("en"):
        return str(lazy)


def _has_words(template: str) -> bool:
    """Whether a template says anything beyond its placeholders and punctuation."""
    return bool(re.search(r"[A-Za-z]", re.sub(r"%\(\w+\)s", "", template)))


def test_every_grouping_phrase_has_words_and_they_are_the_engines():
    engine_keys = set(grouping.PHRASES)
    assert engine_keys <= set(GROUPING_WORDS), engine_keys - set(GROUPING_WORDS)
    english = grouping.PHRASES | PLATFORM_ENGLISH
    assert set(GROUPING_WORDS) == set(english)
    for key, lazy in GROUPING_WORDS.items():
        assert _english_of(lazy) == english[key], key
    with translation.override("es"):
        spanish = {key: str(lazy) for key, lazy in GROUPING_WORDS.items()}
    untranslated = [k for k, v in english.items() if _has_words(v) and spanish[k] == v]
    assert untranslated == []


def _learners() -> list:
    base = dict(prerequisite_answers=3, last_answer="2026-12-01", objective_answers=4)
    return [
        grouping.LearnerFeatures("a", "Ana", 0.2, {"6.RP.1": 0.3, "6.RP.2": 0.4}, ("football",),
                                 {"take_in": "video", "engage": "pairs"}, **base),
        grouping.LearnerFeatures("b", "Ben", 0.99, {"6.RP.1": 0.97}, ("music", "football"),
                                 {"take_in": "video", "express": ("speaking", "test")}, **base),
        grouping.LearnerFeatures("c", "Cy", 0.7, {}, (), {"engage": "quietly"}, objective_answers=1),
        grouping.LearnerFeatures("d", "Dee"),
        grouping.LearnerFeatures("e", "Eve", 0.5, {"6.RP.1": 0.8}, ("football",), {}, **base),
    ]  # fmt: skip


@pytest.mark.parametrize("kind", grouping.KINDS)
@pytest.mark.parametrize("code", ["6.RP.3", ""])
def test_grouping_explanations_are_said_in_english_as_the_engine_and_in_spanish(kind, code):
    request = grouping.GroupingRequest(kind, code, "ratios", n_groups=2)
    formed = grouping.form_groups(_learners(), request).groups
    described = grouping.describe_groups(
        _learners(), request, [("Crew", ["a", "b", "d"]), ("Stretch", ["c", "e"]), ("None", [])]
    )
    for group in formed + described:
        stored = json.loads(json.dumps(group.phrase))  # as kept with a saved group
        assert grouping_english(stored) == group.explanation
        with translation.override("en"):
            assert say_grouping(stored) == group.explanation
        with translation.override("es"):
            spanish = say_grouping(stored, "fallback")
        assert spanish not in (group.explanation, "fallback")


def test_move_reasons_are_said_in_english_as_the_engine_and_in_spanish():
    before = _learners()
    after = [
        dataclasses.replace(ln, objective_mastery=None if ln.id == "c" else 0.9, interests=("art",))
        for ln in before
    ]
    after[3] = dataclasses.replace(after[3], objective_mastery=0.4)
    reasons = grouping.change_reasons(before, after, "6.RP.3")
    said = grouping.change_reason_phrases(before, after, "6.RP.3")
    assert len(said) >= 3 and set(said) == set(reasons)
    for lid, phrase in [*said.items(), ("x", grouping.NO_CHANGE_PHRASE)]:
        english = reasons.get(lid, grouping.NO_CHANGE_REASON)
        assert grouping_english(phrase) == english
        with translation.override("es"):
            assert say_grouping(phrase) not in ("", english)


def test_every_grouping_note_key_has_words():
    assert set(NOTE_PHRASES) <= set(grouping.PHRASES)
    missing = set(NOTE_PHRASES) - set(GROUPING_WORDS)
    assert missing == set(), missing
    with translation.override("es"):
        same = [k for k, v in NOTE_PHRASES.items() if str(GROUPING_WORDS[k]) == v]
    assert same == []


@pytest.mark.parametrize("kind", grouping.KINDS)
@pytest.mark.parametrize("code", ["6.RP.3", ""])
def test_grouping_notes_are_said_in_english_as_the_engine_and_in_spanish(kind, code):
    request = grouping.GroupingRequest(
        kind, code, "ratios", n_groups=2, keep_apart=[("a", "b")], keep_together=[("c", "e")]
    )
    formed = grouping.form_groups(_learners(), request)
    assert len(formed.note_phrases) == len(formed.notes) >= 2  # kept apart, kept together
    for note, phrase in zip(formed.notes, formed.note_phrases, strict=True):
        stored = json.loads(json.dumps(phrase))  # as kept with a saved grouping
        assert grouping.say(stored) == note
        assert grouping_english(stored) == note
        assert keys_of(stored) <= set(GROUPING_WORDS)
        with translation.override("es"):
            spanish = say_grouping(stored, "fallback")
        assert spanish not in (note, "fallback")


def test_a_constraint_repair_note_is_said_in_spanish():
    learners = [
        grouping.LearnerFeatures(f"l{i}", f"L{i}", i / 10, {}, (), {}, objective_answers=3)
        for i in range(10)
    ]
    request = grouping.GroupingRequest(
        "readiness", "6.RP.3", "", n_groups=2, keep_apart=[("l0", "l1")]
    )
    formed = grouping.form_groups(learners, request)
    moved = [p for p in formed.note_phrases if p[0].startswith("note_moved_")]
    assert moved, formed.notes
    for note, phrase in zip(formed.notes, formed.note_phrases, strict=True):
        assert grouping_english(phrase) == note
        with translation.override("es"):
            assert say_grouping(phrase, "fallback") not in (note, "fallback")


def test_a_phrase_with_an_unknown_key_falls_back_to_the_stored_text():
    assert say_grouping(("no_such_phrase", {}), "Stored words") == "Stored words"
    assert say_grouping(None, "Teacher's words") == "Teacher's words"


def test_every_goal_projection_sentence_has_words():
    from trellis.engine.goals import SENTENCES
    from trellis.personalization.words import PROJECTION_SENTENCES

    assert set(PROJECTION_SENTENCES) == set(SENTENCES)


def _projections():
    """Check-ins that reach every kind of goal projection sentence."""
    from trellis.engine.goals import ProgressObservation, project_goal

    start = dt.date(2026, 9, 1)

    def at(*progress, every=7):
        return [
            ProgressObservation(start + dt.timedelta(days=every * n), p)
            for n, p in enumerate(progress)
        ]

    due_soon, due_late = start + dt.timedelta(days=30), start + dt.timedelta(days=900)
    return [
        project_goal(at(0.2, 0.6, 1.0)),  # reached
        project_goal(at(0.2, 0.3)),  # not enough
        project_goal(at(0.5, 0.4, 0.3)),  # no progress
        project_goal(at(0.1, 0.1001, 0.1002, every=30)),  # beyond three years
        project_goal(at(0.1, 0.2, 0.32, 0.38, 0.5), due=due_soon),  # range, late
        project_goal(at(0.1, 0.5, 0.2, 0.6, 0.3), due=due_late),  # open or no range
        project_goal(at(0.1, 0.2, 0.3, 0.4, 0.5)),  # exact line: no range to give
        project_goal(at(0.1, 0.9, 0.95, 0.96, 0.97)),  # slowed
    ]


def test_goal_projections_match_the_engine_and_are_translated():
    from trellis.personalization.words import projection_message

    projections = _projections()
    keys = {key for p in projections for key, _params in p.sentences}
    assert {"reached", "not_enough", "no_progress", "beyond_horizon", "slowed", "late"} <= keys
    for projection in projections:
        with translation.override("en"):
            english = projection_message(projection)
        with translation.override("es"):
            spanish = projection_message(projection)
        assert english == projection.message
        assert spanish != english
