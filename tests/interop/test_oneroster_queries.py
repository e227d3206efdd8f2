"""The import plans in memory and writes in bulk: a roster with more people,
roles and enrollments takes exactly as many queries as a small one (there is
no query per row), for a first import and for a file that changes rows."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.interop.roster import district, make_zip, row
from trellis.interop.oneroster import import_roster
from trellis.people.models import User

pytestmark = pytest.mark.django_db


class _Undo(Exception):
    pass


def _with_learners(count: int, renamed: int = 0):
    """The test district with ``count`` more learners in class cl1, the first
    ``renamed`` of them with a new family name."""
    files = district()
    for i in range(count):
        sid = f"extra{i}"
        family = "Renamed" if i < renamed else "Extra"
        user = dict(row(files, "users", "stu2"), sourcedId=sid, username=sid, familyName=family)
        role = dict(row(files, "roles", "r-stu2"), sourcedId=f"r-{sid}", userSourcedId=sid)
        enrollment = dict(row(files, "enrollments", "e2"), sourcedId=f"e-{sid}", userSourcedId=sid)
        files["users"].append(user)
        files["roles"].append(role)
        files["enrollments"].append(enrollment)
    return files


def _queries(files) -> int:
    """How many queries importing ``files`` takes; the import is undone."""
    try:
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                import_roster(make_zip(files))
            raise _Undo
    except _Undo:
        pass
    return len(queries)


def test_a_first_import_takes_as_many_queries_for_a_larger_roster():
    small = _queries(_with_learners(1))
    assert _queries(_with_learners(40)) == small
    assert not User.objects.exists()  # both were undone


def test_changing_more_rows_takes_as_many_queries():
    import_roster(make_zip(_with_learners(40)))
    one = _queries(_with_learners(40, renamed=1))
    assert _queries(_with_learners(40, renamed=30)) == one
    assert not User.objects.filter(last_name="Renamed").exists()
