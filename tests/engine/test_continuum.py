"""The continuum in learner-days: each style lands on its column, mixtures
land in proportion to the days spent in each, whole-class teaching is
never one of the three, and duplicated records move nothing."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.continuum import (
    COLUMNS,
    DEFINING_ROWS,
    MIN_DAYS_ERROR,
    MIN_LEARNER_DAYS,
    NOT_ENOUGH,
    ROW_SOURCES,
    ROWS,
    SOURCES,
    WHOLE_CLASS_LABEL,
    DayFact,
    compute_continuum,
    placement_label,
)
from trellis.reports.charts import render_continuum_svg

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = dt.date(2026, 11, 2)
LEARNERS = range(1, 21)  # a class of 20


def days(weeks: int, weekdays: tuple[int, ...]) -> list[dt.date]:
    return [MONDAY + dt.timedelta(weeks=w, days=d) for w in range(weeks) for d in weekdays]


def facts(source: str, on: list[dt.date], learners=LEARNERS, decision=None) -> list[DayFact]:
    return [
        DayFact(source, learner, day, decision or f"{source}:{day}")
        for day in on
        for learner in learners
    ]


def differentiated(on: list[dt.date]) -> list[DayFact]:
    return [
        *facts("groupings", on),
        *facts("group_plans", on),
        *facts("group_resources", on),
        *facts("group_supports", on),
        *facts("group_lessons", on),
    ]


def personalized(on: list[dt.date], learners=LEARNERS) -> list[DayFact]:
    return [
        *facts("profile_updates", on, learners),
        *facts("learner_paths", on, learners),
        *facts("learner_resources", on, learners),
        *facts("help_to_network", on, learners),
        *facts("benchmarks_met", on, learners),
        *facts("goal_checkins", on, learners),
    ]


def individualized(on: list[dt.date], learners=LEARNERS) -> list[DayFact]:
    return [
        *facts("individual_plans", on, learners),
        *facts("individual_sequences", on, learners),
        *facts("teacher_resources", on, learners),
        *facts("support_sessions", on, learners),
        *facts("module_passes", on, learners),
    ]


def weekly_tests(weeks: int) -> list[DayFact]:
    return facts("class_assessments", days(weeks, (4,)))


def row(report, key):
    return next(r for r in report.rows if r.key == key)


def test_rows_and_sources_are_defined_once():
    assert [r.title for r in ROWS] == [
        "Starts with",
        "Who designs",
        "Objectives",
        "Resources and tools",
        "Support",
        "Progress",
        "Assessment",
    ]
    assert len({s.key for s in SOURCES}) == len(SOURCES)
    for r in ROWS:
        assert ROW_SOURCES[r.key], r.key
    assert set(DEFINING_ROWS) <= {r.key for r in ROWS}


def test_whole_class_alike_with_weekly_tests_is_none_of_the_three():
    report = compute_continuum(weekly_tests(4))
    assert report.label == WHOLE_CLASS_LABEL
    assert report.shares == pytest.approx((1.0, 0.0, 0.0, 0.0))
    assert report.position is None
    assert report.rests_on == ("Who designs", "Resources and tools", "Progress")
    assert row(report, "assessment").learner_days == 4 * 20
    assert row(report, "support").label == NOT_ENOUGH


@pytest.mark.parametrize(
    ("build", "label", "column"),
    [
        (differentiated, "mostly differentiation", 1),
        (individualized, "mostly individualization", 2),
        (personalized, "mostly personalization", 3),
    ],
)
def test_each_style_lands_on_its_column_even_with_weekly_tests(build, label, column):
    report = compute_continuum([*build(days(4, (0, 1, 2, 3, 4))), *weekly_tests(4)])
    assert report.label == label
    assert report.shares is not None and report.shares[column] == pytest.approx(1.0)
    # The test days are governed by the style too: whole-class is the default only.
    assert row(report, "progress").days[COLUMNS[0]] == 0


def test_four_differentiated_days_and_one_personalized_is_a_fifth_personalized():
    weeks = 3
    report = compute_continuum(
        [*differentiated(days(weeks, (0, 1, 2, 3))), *personalized(days(weeks, (4,)))]
    )
    expected_days = weeks * 5 * len(LEARNERS)
    for key in ("resources", "progress", "starts_with"):
        r = row(report, key)
        assert r.learner_days == expected_days
        assert r.shares == pytest.approx((0.0, 4 / 5, 0.0, 1 / 5))
    assert report.shares == pytest.approx((0.0, 4 / 5, 0.0, 1 / 5))
    assert report.label == "mostly differentiation"


def test_per_learner_records_do_not_swamp_per_group_ones():
    # One grouping for 20 learners against 20 personal choices on one day
    # each: the same number of learner-days, so an even split.
    report = compute_continuum(
        [
            *facts("group_resources", [MONDAY], decision="entry:1"),
            *facts("learner_resources", [MONDAY + dt.timedelta(days=1)]),
        ]
    )
    assert row(report, "resources").shares == pytest.approx((0.0, 0.5, 0.0, 0.5))


def test_half_the_class_on_plans():
    on = days(2, (0, 1, 2, 3, 4))
    planned, rest = LEARNERS[:10], LEARNERS[10:]
    report = compute_continuum(
        [*individualized(on, planned), *facts("class_assessments", on, rest)]
    )
    designs = row(report, "who_designs")
    assert designs.shares == pytest.approx((0.5, 0.0, 0.5, 0.0))
    assert designs.label == "between whole-class teaching and individualization"


def test_a_day_governed_by_two_approaches_is_split():
    report = compute_continuum(
        [*facts("group_supports", [MONDAY]), *facts("support_sessions", [MONDAY], LEARNERS[:10])]
    )
    support = row(report, "support")
    assert support.learner_days == 20
    assert support.days["differentiation"] == pytest.approx(10 + 10 * 0.5)
    assert support.days["individualization"] == pytest.approx(5.0)


def test_rows_need_the_minimum_of_learner_days():
    few = facts("learner_paths", [MONDAY], LEARNERS[: MIN_LEARNER_DAYS - 1])
    report = compute_continuum(few)
    r = row(report, "who_designs")
    assert r.label == NOT_ENOUGH and r.shares is None and r.position is None
    assert f"Only {MIN_LEARNER_DAYS - 1} learner-days" in r.note
    assert report.label == NOT_ENOUGH and report.rests_on == ()
    with pytest.raises(ValueError) as exc:
        compute_continuum(few, min_learner_days=0)
    assert str(exc.value) == MIN_DAYS_ERROR.format(value=0)


def test_assessment_alone_never_places_a_class():
    mix = [
        *facts("class_assessments", days(4, (1,))),
        *facts("goal_checkins", days(4, (2,))),
        *facts("reflections", days(4, (3,))),
    ]
    report = compute_continuum(mix)
    assert row(report, "assessment").label == "mostly personalization"
    # The calendar of tests is the same for everyone: whole-class, not personalization.
    assert report.label == WHOLE_CLASS_LABEL
    assert report.rests_on == ("Who designs", "Resources and tools", "Progress")
    assert report.shares == pytest.approx((1.0, 0.0, 0.0, 0.0))


def test_labels_never_call_whole_class_one_of_the_three():
    assert placement_label((0.45, 0.2, 0.2, 0.15)) == WHOLE_CLASS_LABEL
    assert placement_label((0.7, 0.1, 0.1, 0.1)) == WHOLE_CLASS_LABEL
    assert (
        placement_label((0.3, 0.5, 0.0, 0.2)) == "between whole-class teaching and differentiation"
    )
    assert (
        placement_label((0.0, 0.45, 0.4, 0.15)) == "between differentiation and individualization"
    )
    assert placement_label((0.1, 0.3, 0.3, 0.3)) == "a mix of approaches"
    assert placement_label(None) == NOT_ENOUGH


def test_svg_has_the_whole_class_band_and_is_stable():
    report = compute_continuum([*differentiated(days(1, (0,))), *weekly_tests(2)])
    svg = render_continuum_svg(report, title="Class 7B <spring> & summer")
    assert svg == render_continuum_svg(report, title="Class 7B <spring> & summer")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Class 7B <spring> & summer"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for title in ("Whole class", "Differentiation", "Individualization", "Personalization"):
        assert title in texts
    columns = [r.get("data-column") for r in root.iter(f"{SVG}rect") if r.get("class") == "column"]
    assert columns == list(COLUMNS)
    desc = root.find(f"{SVG}desc").text
    for r in ROWS:
        assert r.title in desc
    placed = sum(1 for r in report.rows if r.has_data) + 1
    assert len(list(root.iter(f"{SVG}circle"))) == placed
    assert texts.count(NOT_ENOUGH) == len(report.rows) + 1 - placed


source_keys = st.sampled_from([s.key for s in SOURCES])
fact_strategy = st.builds(
    DayFact,
    source_keys,
    st.integers(1, 8),
    st.dates(MONDAY, MONDAY + dt.timedelta(days=13)),
    st.sampled_from(["a", "b", "c"]),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(fact_strategy, max_size=80), st.data())
def test_duplicating_a_decisions_records_moves_no_share(base, data):
    report = compute_continuum(base, min_learner_days=1)
    decisions = sorted({(f.source, f.decision) for f in base})
    if decisions:
        source, decision = data.draw(st.sampled_from(decisions))
        copies = data.draw(st.integers(1, 5))
        extra = [f for f in base if (f.source, f.decision) == (source, decision)] * copies
        again = compute_continuum([*base, *extra], min_learner_days=1)
        assert again.shares == report.shares
        for a, b in zip(report.rows, again.rows, strict=True):
            assert (a.shares, a.learner_days, a.days) == (b.shares, b.learner_days, b.days)
    for r in report.rows:
        if r.shares is not None:
            assert sum(r.shares) == pytest.approx(1.0)
            assert r.position is None or 0.0 <= r.position <= 2.0
    if report.shares is not None:
        assert sum(report.shares) == pytest.approx(1.0)
    ET.fromstring(render_continuum_svg(report))
