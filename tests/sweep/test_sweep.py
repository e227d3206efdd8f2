"""The privacy sweep: two whole schools, every role, every API operation in
the OpenAPI document and every page in the URL patterns, through a session
and through a bearer token. Nobody sees the other school (the answer for
its record is the answer for a record that does not exist, and never shows
its names), the operator sees everything, and nothing answers 5xx.

``make test`` runs a compact sweep (school A's actors; bearer tokens for a
teacher and a learner); ``TRELLIS_FULL_SWEEP=1`` (set by ``.ci/run``) runs
every actor of both schools both ways."""

from __future__ import annotations

import os

import pytest

from tests.sweep.fixture import build_sweep
from tests.sweep.walk import Findings, operations, pages, walk_api, walk_pages
from trellis.api.main import api

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

FULL = os.environ.get("TRELLIS_FULL_SWEEP") == "1"
ROLES = (
    "admin",
    "teacher",
    "teacher_b",
    "dual",
    "learner",
    "sibling",
    "other_learner",
    "guardian",
    "stranger",
)
#: The compact sweep of ``make test``: one of each kind of person of school A.
COMPACT = (
    ("a", "teacher", False),
    ("a", "teacher", True),
    ("a", "learner", False),
    ("a", "learner", True),
    ("a", "guardian", False),
    ("a", "dual", False),
    ("a", "stranger", False),
    ("-", "anonymous", False),
    ("-", "operator", False),
)


def groups(school: str) -> list[list[tuple[str, str, bool]]]:
    """Actors (school, role, bearer) walked by each test: in the full sweep one
    actor a test (each on fresh schools); in the compact one all in one test,
    on one pair of schools, the operator last (who may change records).
    School A's actors (with the operator and the anonymous visitor) run in
    this file, school B's in ``test_sweep_school_b.py``, so that two workers
    share the full sweep."""
    if not FULL:
        return [list(COMPACT)] if school == "a" else []
    out = []
    for role in ROLES:
        out += [[(school, role, False)], [(school, role, True)]]
    if school == "a":
        out += [[("-", "operator", False)], [("-", "operator", True)], [("-", "anonymous", False)]]
    return out


def name(group: list[tuple[str, str, bool]]) -> str:
    if len(group) > 1:
        return "compact"
    school, role, bearer = group[0]
    return f"{school}-{role}-{'bearer' if bearer else 'session'}"


def _report(findings: Findings) -> str:
    return f"{len(findings.problems)} problem(s) in {findings.requests} requests:\n" + "\n".join(
        findings.problems
    )


def walk_actor(sweep, schema, school: str, role: str, bearer: bool, findings: Findings) -> None:
    if role == "operator":
        user, mine, foreign = sweep.operator, sweep.a, None
    elif role == "anonymous":
        user, mine, foreign = None, None, sweep.a
    else:
        mine, foreign = (sweep.a, sweep.b) if school == "a" else (sweep.b, sweep.a)
        user = mine.people()[role]
    before = findings.requests
    walk_api(sweep, schema, user, mine, foreign, bearer, findings)
    if not bearer:
        walk_pages(sweep, user, mine, foreign, findings)
    expected = len(operations(schema)) + (0 if bearer else len(pages()))
    assert findings.requests - before >= expected, (school, role, bearer)


def sweep_group(group: list[tuple[str, str, bool]]) -> None:
    sweep = build_sweep()
    schema = api.get_openapi_schema()
    findings = Findings()
    for school, role, bearer in group:
        walk_actor(sweep, schema, school, role, bearer, findings)
    assert not findings.problems, _report(findings)


@pytest.mark.parametrize("group", groups("a"), ids=[name(g) for g in groups("a")])
def test_every_operation_and_page_as_every_actor(group):
    sweep_group(group)
