"""The report page, its chart and drill-down, the API payload, and the page
explaining each row."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from tests.reports.conftest import client_for
from trellis.engine.continuum import ROWS

pytestmark = pytest.mark.django_db


def test_api_rows_and_placement(styled, world, django_assert_num_queries):
    client = client_for(world.teacher)
    # Eight for the session, the teacher and the class's access, the roster,
    # then one query per kind of record in the report (groupings, group
    # plans, assessments and their parts, plans, paces, versions,
    # objectives, sessions, passes, profiles, paths, proposals, goals, help
    # requests, network, benchmarks, check-ins, reflections...): 35 for the
    # class, whatever its size.
    with django_assert_num_queries(35):
        response = client.get(f"/api/v1/reports/continuum?class={styled.pers.pk}")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["placement"] == "mostly personalization"
    assert data["rests_on"] == ["Who designs", "Resources and tools", "Support", "Progress"]
    assert [r["key"] for r in data["rows"]] == [r.key for r in ROWS]
    objectives = next(r for r in data["rows"] if r["key"] == "objectives")
    assert objectives["decisions"]["learner_goals"] == 6
    assert objectives["learner_days"] == 6  # six learners, all on one day
    assert objectives["value"] == "mostly personalization"
    assert objectives["shares"]["personalization"] == 1.0
    assert objectives["shares"]["whole_class"] == 0.0
    assert data["position"] > 1.5


def test_page_shows_chart_table_and_records_as_sentences(styled, world):
    client = client_for(world.teacher)
    page = client.get(f"/reports/continuum/?class={styled.diff.pk}").content.decode()
    assert "<svg" in page and "<desc" in page and "Whole class" in page
    assert "mostly differentiation" in page
    assert "/reports/continuum/records/groupings/" in page
    drill = client.get(
        f"/reports/continuum/records/learner_goals/?class={styled.pers.pk}"
    ).content.decode()
    assert drill.count("set the goal “") == 6  # each learner's own goal, once
    assert "Goals the learner set: 6" in drill
    assert "/goals/" in drill and "object (" not in drill
    help_page = client.get(
        f"/reports/continuum/records/help_to_network/?class={styled.pers.pk}"
    ).content.decode()
    assert "(one request)" in help_page and "HelpRequest" not in help_page


def test_about_page_explains_every_row(world):
    page = client_for(world.learner).get("/reports/continuum/about/").content.decode()
    for row in ROWS:
        assert row.title in page
        assert escape(row.measure) in page


def test_index_lists_only_report_classes(world, other_world):
    page = client_for(world.teacher).get("/reports/continuum/").content.decode()
    assert world.class_a.name in page
    assert world.class_b.name not in page
    assert other_world.class_a.name not in page
