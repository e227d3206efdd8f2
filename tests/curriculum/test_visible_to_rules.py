"""Every curriculum ``*_visible_to`` selector against its rule, for every
person of two whole schools (see tests/sweep/agreement.py)."""

from __future__ import annotations

import pytest

from tests.sweep.agreement import disagreements
from tests.sweep.fixture import build_sweep
from trellis.curriculum import selectors, services
from trellis.curriculum.models import Competency, Framework, Item, Resource

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

CASES = {
    "frameworks_visible_to": (Framework, "curriculum.view_framework", lambda r: r),
    "competencies_visible_to": (Competency, "curriculum.view_framework", lambda r: r.framework),
    "items_visible_to": (Item, "curriculum.view_item", lambda r: r),
    "resources_visible_to": (Resource, "curriculum.view_item", lambda r: r),
}


@pytest.mark.parametrize("selector", sorted(CASES))
def test_visible_to_agrees_with_rules(selector):
    sweep = build_sweep()
    for school in (sweep.a, sweep.b):  # the sweep holds no resource; one in each school
        services.resource_create(
            school=school.world.school,
            title=f"{school.marker} video",
            format="video",
            url="https://video.example.org/fractions",
            competencies=[school.curriculum.objective],
        )
    model, perm, rule_object = CASES[selector]
    listed = getattr(selectors, selector)
    assert disagreements(sweep, selector, listed, model.objects.all(), perm, rule_object) == []
