"""The full sweep's second half: school B's people looking at school A
(``TRELLIS_FULL_SWEEP=1`` only; see ``test_sweep.py``)."""

from __future__ import annotations

import pytest

from tests.sweep.test_sweep import groups, name, sweep_group

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]


@pytest.mark.skipif(not groups("b"), reason="the full sweep only (TRELLIS_FULL_SWEEP=1)")
@pytest.mark.parametrize(
    "group", groups("b") or [[]], ids=[name(g) if g else "none" for g in groups("b") or [[]]]
)
def test_every_operation_and_page_as_every_actor_of_school_b(group):
    sweep_group(group)
