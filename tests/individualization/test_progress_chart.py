"""The progress chart of a specific objective, drawn by the app that shows
it: accessible, well-formed whatever the numbers, deterministic, and in the
reader's language (moved here from the engine's tests with the drawing)."""

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.engine.monitoring import AimLine, DataPoint, trend_line
from trellis.individualization.charts import render_progress_svg

SVG = "{http://www.w3.org/2000/svg}"
START = date(2025, 3, 3)
AIM = AimLine(START, 20.0, START + timedelta(weeks=10), 60.0)  # +4 a week


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def pts(values, start=START + timedelta(weeks=1)):
    return [DataPoint(start + timedelta(weeks=k), v) for k, v in enumerate(values)]


def test_svg_is_accessible_and_well_formed():
    points = pts([25, 27, 33, 35])
    svg = render_progress_svg(
        AIM, points, trend_line(points), "Words read per minute <7B>", unit="wpm"
    )
    assert svg == render_progress_svg(
        AIM, points, trend_line(points), "Words read per minute <7B>", unit="wpm"
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Words read per minute <7B>"
    desc = root.find(f"{SVG}desc").text
    assert "Aim line from 20 wpm on 3 Mar 2025 to 60 wpm on 12 May 2025" in desc
    assert "10 Mar 2025: 25 wpm" in desc and "Trend:" in desc
    aim = [el for el in root.iter(f"{SVG}line") if el.get("class") == "aim"]
    assert aim and aim[0].get("stroke-dasharray")
    assert any(el.get("class") == "trend" for el in root.iter(f"{SVG}line"))
    circles = [c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert len(circles) == 4
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "3 Mar" in labels and "60" in labels


def test_svg_without_points_or_trend():
    root = ET.fromstring(render_progress_svg(AIM, [], None, "Empty"))
    assert "No data points yet" in root.find(f"{SVG}desc").text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.integers(0, 120), st.floats(-1e4, 1e4, allow_nan=False)),
        min_size=0,
        max_size=12,
    )
)
def test_svg_always_parses(raw):
    points = [DataPoint(START + timedelta(days=d), v) for d, v in raw]
    try:
        trend = trend_line(points)
    except ValueError:
        trend = None
    ET.fromstring(render_progress_svg(AIM, points, trend, "t"))


def test_svg_words_are_in_the_readers_language():
    points = pts([25, 27, 33, 35])
    with translation.override("es"):
        svg = render_progress_svg(AIM, points, trend_line(points), "t", unit="wpm")
    root = ET.fromstring(svg)
    words = {t.text for t in root.iter(f"{SVG}text")}
    titles = {t.text for t in root.iter(f"{SVG}title")}
    assert "aim line" not in words and "trend" not in words and "data point" not in words
    assert "Aim line" not in titles and "Trend line" not in titles
    assert "Aim line from" not in root.find(f"{SVG}desc").text
