""" "Log session" with a wrong value (issue 20): the plan page comes back with
every problem listed and what was typed still in the fields; nothing is
logged."""

from __future__ import annotations

import pytest

from tests.individualization.test_objective_and_support_changes import _client, _setup
from trellis.individualization.constants import MINUTES_POSITIVE
from trellis.individualization.models import SupportSession

pytestmark = pytest.mark.django_db


def test_negative_minutes_keep_the_fields_and_show_the_error(world):
    _cur, plan, _objective, support = _setup(world)
    response = _client(world.teacher).post(
        f"/supports/{support.pk}/sessions/",
        {"on": "2026-09-02", "minutes": "-30", "note": "Reading with Ms Diaz"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert str(MINUTES_POSITIVE) in body
    assert 'value="2026-09-02"' in body
    assert 'value="-30"' in body
    assert 'value="Reading with Ms Diaz"' in body
    assert not SupportSession.objects.filter(support=support).exists()


def test_every_problem_at_once(world):
    _cur, plan, _objective, support = _setup(world)
    response = _client(world.teacher).post(
        f"/supports/{support.pk}/sessions/", {"on": "not a date", "minutes": "many"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("<li>Date:") == 1 and body.count("<li>Minutes:") == 1
    assert 'value="many"' in body


def test_a_good_session_is_logged_and_the_page_reloads(world):
    _cur, plan, _objective, support = _setup(world)
    response = _client(world.teacher).post(
        f"/supports/{support.pk}/sessions/", {"on": "2026-09-02", "minutes": "30"}
    )
    assert response.status_code == 302
    assert SupportSession.objects.get(support=support).minutes == 30
