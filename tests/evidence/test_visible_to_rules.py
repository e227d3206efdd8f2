"""Every evidence ``*_visible_to`` selector against its rule, for every
person of two whole schools (see tests/sweep/agreement.py)."""

from __future__ import annotations

import pytest

from tests.sweep.agreement import disagreements
from tests.sweep.fixture import build_sweep
from trellis.evidence import selectors
from trellis.evidence.models import Assessment, Response

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

CASES = {
    "assessments_visible_to": (Assessment, "evidence.view_assessment"),
    "responses_visible_to": (Response, "evidence.view_response"),
}


@pytest.mark.parametrize("selector", sorted(CASES))
def test_visible_to_agrees_with_rules(selector):
    sweep = build_sweep()
    model, perm = CASES[selector]
    listed = getattr(selectors, selector)
    assert disagreements(sweep, selector, listed, model.objects.all(), perm) == []
