"""The continuum report reads people as values (issue #18: a grade's month is
thousands of records) and names them as ``str(user)`` does, so a record's
sentence is the same as when it built a ``User`` per row."""

from __future__ import annotations

import pytest

from trellis.people.models import User, shown_name
from trellis.reports import counts

PEOPLE = [
    User(username="u1", display_name="Ms Ortega", first_name="Ana", last_name="Ortega"),
    User(username="u2", first_name="Ana", last_name="Ortega"),
    User(username="u3", first_name="Ana"),
    User(username="u4", last_name="Ortega"),
    User(username="u5"),
]


@pytest.mark.parametrize("user", PEOPLE, ids=lambda u: u.username)
def test_shown_name_is_str_of_the_user(user):
    assert shown_name(user.display_name, user.first_name, user.last_name, user.username) == str(
        user
    )


@pytest.mark.parametrize("user", PEOPLE, ids=lambda u: u.username)
def test_a_values_row_names_its_person_as_str_does(user):
    row = {"set_by": 7, **{f"set_by__{name}": getattr(user, name) for name in counts._PERSON}}
    assert counts._actor(row, "set_by") == str(user)


def test_a_values_row_without_a_person_has_no_actor():
    row = {"set_by": None, **{f"set_by__{name}": None for name in counts._PERSON}}
    assert counts._actor(row, "set_by") is None
