"""The full demo school: Maths 6A reads as differentiation, 6B as
individualization, 6C as personalization."""

from __future__ import annotations

import time

import pytest

from trellis.people.demo import demo_load
from trellis.people.models import SchoolClass
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def test_demo_classes_land_on_their_approach():
    started = time.monotonic()
    demo_load()
    elapsed = time.monotonic() - started
    assert elapsed < 30, f"the demo took {elapsed:.1f} s to load"
    expected = {
        "Maths 6A": "mostly differentiation",
        "Maths 6B": "mostly individualization",
        "Maths 6C": "mostly personalization",
    }
    start, end = selectors.parse_range(None, None)
    for name, label in expected.items():
        school_class = SchoolClass.objects.get(name=name)
        result = selectors.continuum_for(counts.class_scope(school_class), start, end)
        assert result.report.label == label, (name, result.report.note)
