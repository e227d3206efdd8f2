"""Classes run in each style land where they should on the continuum."""

import xml.etree.ElementTree as ET
from dataclasses import fields

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.continuum import (
    ASSESSMENT_PROFILES,
    COUNT_LABELS,
    NEGATIVE_COUNT_ERROR,
    ROWS,
    ContinuumCounts,
    assessment_shares,
    compute_continuum,
    placement_label,
    render_continuum_svg,
)

SVG = "{http://www.w3.org/2000/svg}"

DIFFERENTIATED_CLASS = ContinuumCounts(
    groups_formed=12,
    group_plans=10,
    class_objectives=10,
    resources_assigned_to_group=40,
    group_supports=25,
    help_requests_to_teacher=3,
    calendar_advances=60,
    assessments_for=30,
    assessments_of=20,
)
INDIVIDUALIZED_CLASS = ContinuumCounts(
    individual_plans=25,
    groups_formed=1,
    teacher_set_sequences=25,
    specific_objectives=50,
    class_objectives=2,
    resources_assigned_to_individual=80,
    one_on_one_supports=40,
    help_requests_to_teacher=30,
    own_pace_advances=70,
    calendar_advances=5,
    assessments_of=40,
    assessments_for=4,
)
PERSONALIZED_CLASS = ContinuumCounts(
    learner_profile_updates=25,
    learner_chosen_paths=20,
    learner_proposals=15,
    goals_set_by_learner=40,
    goals_set_by_teacher=2,
    resources_chosen_by_learner=120,
    help_requests_to_network=45,
    network_members_added=30,
    help_requests_to_teacher=8,
    mastery_advances=80,
    assessments_as=50,
    assessments_for=40,
    assessments_of=8,
)


def test_every_count_has_a_label_and_a_row():
    names = {f.name for f in fields(ContinuumCounts)}
    assert names == set(COUNT_LABELS)
    in_rows = {name for row in ROWS for name, _ in row.sources}
    assert in_rows == names
    assert [r.title for r in ROWS] == [
        "Starts with",
        "Who designs",
        "Objectives",
        "Resources and tools",
        "Support",
        "Progress",
        "Assessment",
    ]


@pytest.mark.parametrize(
    ("counts", "label", "lo", "hi"),
    [
        (DIFFERENTIATED_CLASS, "mostly differentiation", 0.0, 0.3),
        (INDIVIDUALIZED_CLASS, "mostly individualization", 0.8, 1.2),
        (PERSONALIZED_CLASS, "mostly personalization", 1.7, 2.0),
    ],
)
def test_classes_run_in_one_style_land_there(counts, label, lo, hi):
    report = compute_continuum(counts)
    assert report.label == label
    assert report.position is not None and lo <= report.position <= hi
    assert report.rows_with_data == 7
    for row in report.rows:
        assert row.has_data
        assert row.label == label, row.key


def test_mixed_class_sits_between():
    # Teacher-run groups for half the work, learner-led for the rest.
    mixed = ContinuumCounts(
        groups_formed=10,
        learner_profile_updates=10,
        group_plans=10,
        learner_chosen_paths=10,
        class_objectives=10,
        goals_set_by_learner=10,
        resources_assigned_to_group=30,
        resources_chosen_by_learner=30,
        group_supports=10,
        help_requests_to_network=10,
        calendar_advances=20,
        mastery_advances=20,
        assessments_as=10,
        assessments_for=20,
        assessments_of=10,
    )
    report = compute_continuum(mixed)
    assert report.label == "between differentiation and personalization"
    assert report.shares is not None
    d, i, p = report.shares
    assert d == pytest.approx(p, abs=0.1)
    assert i < 0.15
    assert report.position == pytest.approx(1.0, abs=0.15)


def test_three_way_mix_label():
    assert placement_label((0.34, 0.33, 0.33)) == "a mix of all three"
    assert placement_label((0.45, 0.4, 0.15)) == "between differentiation and individualization"
    assert placement_label(None) == "no data"


def test_rows_without_records_say_so_and_do_not_count():
    counts = ContinuumCounts(resources_chosen_by_learner=5, assessments_of=3)
    report = compute_continuum(counts)
    placed = {r.key for r in report.rows if r.has_data}
    assert placed == {"resources", "assessment"}
    empty = next(r for r in report.rows if r.key == "objectives")
    assert empty.label == "no data"
    assert empty.position is None and empty.shares is None
    assert "No records" in empty.note
    assert report.rows_with_data == 2
    # Overall is the mean of the two placed rows only.
    assert report.shares == pytest.approx((0.0, 0.5, 0.5))
    assert "Objectives" in report.note


def test_min_records_threshold():
    counts = ContinuumCounts(resources_chosen_by_learner=2)
    report = compute_continuum(counts, min_records=3)
    assert report.shares is None and report.label == "no data"
    row = next(r for r in report.rows if r.key == "resources")
    assert "Only 2 records" in row.note
    with pytest.raises(ValueError):
        compute_continuum(counts, min_records=0)


def test_no_data_at_all():
    report = compute_continuum(ContinuumCounts())
    assert report.position is None and report.rows_with_data == 0
    ET.fromstring(render_continuum_svg(report))


def test_negative_counts_rejected_with_the_constant():
    with pytest.raises(ValueError) as exc:
        ContinuumCounts(goals_set_by_learner=-1)
    assert str(exc.value) == NEGATIVE_COUNT_ERROR.format(field="goals_set_by_learner", value=-1)


def test_drill_down_counts_and_note():
    report = compute_continuum(PERSONALIZED_CLASS)
    objectives = next(r for r in report.rows if r.key == "objectives")
    assert objectives.counts == {
        "class_objectives": 0,
        "specific_objectives": 0,
        "goals_set_by_teacher": 2,
        "goals_set_by_learner": 40,
    }
    assert objectives.total == 42
    assert "40 goals set by the learner" in objectives.note
    assert objectives.shares == pytest.approx((0.0, 2 / 42, 40 / 42))


@pytest.mark.parametrize("approach", list(ASSESSMENT_PROFILES))
def test_assessment_profiles_map_to_their_approach(approach):
    as_, for_, of = ASSESSMENT_PROFILES[approach]
    shares = assessment_shares(round(100 * as_), round(100 * for_), round(100 * of))
    k = list(ASSESSMENT_PROFILES).index(approach)
    assert shares[k] == pytest.approx(1.0)


def test_assessment_extremes_use_nearest_blend():
    # Only AS learning: nearest is personalization's mix.
    assert assessment_shares(10, 0, 0)[2] == pytest.approx(1.0)
    # Only OF learning: individualization.
    assert assessment_shares(0, 0, 10)[1] == pytest.approx(1.0)
    # Only FOR learning: shared by differentiation and personalization.
    d, i, p = assessment_shares(0, 10, 0)
    assert i == pytest.approx(0.0, abs=1e-9) and d > 0.3 and p > 0.3


def test_svg_is_accessible_well_formed_and_stable():
    report = compute_continuum(INDIVIDUALIZED_CLASS)
    svg = render_continuum_svg(report, title="Class 7B <spring> & summer")
    assert svg == render_continuum_svg(report, title="Class 7B <spring> & summer")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "continuum-title continuum-desc"
    assert root.find(f"{SVG}title").text == "Class 7B <spring> & summer"
    desc = root.find(f"{SVG}desc").text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for row in ROWS:
        assert row.title in texts
        assert row.title in desc
    for title in ("Differentiation", "Individualization", "Personalization", "Overall"):
        assert title in texts
    assert "mostly individualization" in desc
    # One marker per placed row plus the overall.
    markers = [c for c in root.iter(f"{SVG}circle")]
    assert len(markers) == 8


def test_svg_marks_no_data_rows():
    report = compute_continuum(ContinuumCounts(assessments_as=3))
    root = ET.fromstring(render_continuum_svg(report))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("no data") == 6
    assert len(list(root.iter(f"{SVG}circle"))) == 2


counts_strategy = st.builds(
    ContinuumCounts, **{f.name: st.integers(0, 500) for f in fields(ContinuumCounts)}
)


@settings(max_examples=150, deadline=None)
@given(counts_strategy, st.integers(1, 20))
def test_positions_in_range_and_shares_sum_to_one(counts, min_records):
    report = compute_continuum(counts, min_records=min_records)
    for row in [*report.rows]:
        if row.shares is None:
            assert row.position is None
            continue
        assert sum(row.shares) == pytest.approx(1.0)
        assert all(0.0 <= s <= 1.0 for s in row.shares)
        assert row.position is not None and 0.0 <= row.position <= 2.0
    if report.shares is not None:
        assert sum(report.shares) == pytest.approx(1.0)
        assert report.position is not None and 0.0 <= report.position <= 2.0
    ET.fromstring(render_continuum_svg(report))
