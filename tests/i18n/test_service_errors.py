"""The services' error messages reach the API in the request's language."""

from __future__ import annotations

import json

import pytest

from tests.personalization.conftest import api
from trellis.personalization.services import goals as goal_svc

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("es", "Una meta necesita al menos un punto de control."),
        ("en", "A goal needs at least one benchmark."),
    ],
)
def test_goal_refusal_follows_accept_language(world, accept, expected):
    r = api(world.learner).post(
        "/api/v1/goals",
        data=json.dumps({"title": "Ratios", "benchmarks": []}),
        content_type="application/json",
        headers={"accept-language": accept},
    )
    assert r.status_code == 400
    assert r.json()["detail"] == expected


def test_formatted_refusal_is_translated_with_its_values(world):
    from django.utils import translation

    with translation.override("es"):
        text = goal_svc.UNKNOWN_DECISION.format(value="maybe")
    assert text == "Decisión desconocida 'maybe'; usa approve, comment o changes."
