"""The continuum's record queries filter a class's or school's learners with
a subquery, not an inlined list of every id (issue #18): the SQL sent and the
number of queries do not grow with the class."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.differentiation.conftest import enrol_more
from trellis.reports import counts

pytestmark = pytest.mark.django_db


def _sql_sent(scope) -> tuple[int, int]:
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as ctx:
        counts.gather_records(scope, today - dt.timedelta(days=30), today)
    return len(ctx.captured_queries), sum(len(q["sql"]) for q in ctx.captured_queries)


def test_class_and_school_records_do_not_inline_learner_ids(world):
    small_class = _sql_sent(counts.class_scope(world.class_a))
    small_school = _sql_sent(counts.school_scope(world.school))
    added = enrol_more(world.class_a, 25)
    big_class = counts.class_scope(world.class_a)
    assert {u.pk for u in added} <= big_class.learner_ids
    assert _sql_sent(big_class) == small_class
    assert _sql_sent(counts.school_scope(world.school)) == small_school
