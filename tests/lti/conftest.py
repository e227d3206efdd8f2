from __future__ import annotations

import pytest
import responses

from tests.lti.platform import FakeLms
from tests.world import build_school


@pytest.fixture
def lms():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeLms(mock=mock)


@pytest.fixture
def school_a(db):
    return build_school("a_")


@pytest.fixture
def school_b(db):
    return build_school("b_")
