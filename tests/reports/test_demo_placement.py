"""The full demo school: Maths 6A reads as differentiation, 6B as
individualization, 6C as personalization (timing belongs in bench/)."""

from __future__ import annotations

import pytest

from trellis.people.demo import demo_load
from trellis.people.models import SchoolClass
from trellis.reports import counts, selectors

pytestmark = pytest.mark.django_db


def test_demo_classes_land_on_their_approach():
    demo_load()
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
