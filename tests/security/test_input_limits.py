"""Finding 4 and the Lows: every timestamp, number and string is checked
against what PostgreSQL and the exports hold; the answer is a 400 naming what
was wrong, never a 500."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.interop.test_xapi_statements import Tool, statement
from trellis.interop.models import XapiStatement
from trellis.interop.xapi.errors import BAD_TIMESTAMP

pytestmark = pytest.mark.django_db
W = "statement"


@pytest.mark.parametrize(
    "stamp", ["0001-01-01T00:00:00+00:00", "1899-12-31T23:59:59Z", "9999-12-31T23:59:59-12:00"]
)
def test_an_xapi_timestamp_outside_the_years_held_is_refused(world, stamp):
    tool = Tool(Client(), world.school)
    s = statement(world.learner.username, "https://videos.example/1")
    s["timestamp"] = stamp
    answer = tool.send("POST", s)
    assert answer.status_code == 400
    assert answer.json()["error"] == BAD_TIMESTAMP.format(where=W, got=stamp)
    assert not XapiStatement.objects.exists()


def test_after_a_refused_year_one_statement_the_learners_pages_still_answer(world):
    tool = Tool(Client(), world.school)
    s = statement(world.learner.username, "https://videos.example/1")
    s["timestamp"] = "0001-01-01T00:00:00+00:00"
    assert tool.send("POST", s).status_code == 400
    ok = statement(world.learner.username, "https://videos.example/1")
    ok["timestamp"] = "2026-03-02T10:00:00+00:00"
    assert tool.send("POST", ok).status_code == 200
    teacher = Client()
    teacher.force_login(world.teacher)
    listed = teacher.get(f"/api/v1/xapi/learners/{world.learner.pk}/statements")
    assert listed.status_code == 200 and listed.json()[0]["when"] == "2026-03-02 10:00"


@pytest.mark.parametrize("raw", ["1" + "0" * 400, "1e400", "-1" + "0" * 20])
def test_an_xapi_score_too_large_to_hold_is_refused(world, raw):
    tool = Tool(Client(), world.school)
    s = statement(world.learner.username, "https://videos.example/1")
    body = json.dumps(s)[:-1] + ', "result": {"score": {"raw": ' + raw + "}}}"
    answer = tool.send("POST", body)
    assert answer.status_code == 400, answer.content
    assert "result.score.raw" in answer.json()["error"]
    assert not XapiStatement.objects.exists()


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("idle", [10**30, 0, 121])
def test_live_flags_thresholds_out_of_range_are_a_400(world, idle):
    r = _session(world.teacher).get(
        f"/api/v1/groupings/classes/{world.class_a.pk}/live?idle_minutes={idle}"
    )
    assert r.status_code in (400, 422), r.content
    if r.status_code == 400:
        assert "idle_minutes" in r.json()["detail"]


def test_live_flags_accept_a_naive_lesson_start(world):
    r = _session(world.teacher).get(
        f"/api/v1/groupings/classes/{world.class_a.pk}/live?lesson_start=2026-03-02T09:00:00"
    )
    assert r.status_code == 200, r.content


@pytest.mark.parametrize(
    "url",
    ["/?q=a%00b", "/reports/continuum/?class=1%00", "/api/v1/learners?x=%00", "/family/children/"],
)
def test_a_nul_byte_in_a_query_string_is_a_400(world, url):
    client = _session(world.guardian)
    sep = "&" if "?" in url else "?"
    r = client.get(url + ("" if "%00" in url else f"{sep}n=%00"))
    assert r.status_code == 400
    assert "NUL" in r.content.decode()


def test_a_nul_byte_in_a_goal_title_is_a_400_and_nothing_is_saved(world):
    from trellis.personalization.models import Goal

    body = {
        "title": "Read\u0000more",
        "benchmarks": [
            {"description": "a", "due_on": "2030-01-01", "success_looks_like": "b"},
        ],
    }
    r = _session(world.learner).post("/api/v1/goals", json.dumps(body), "application/json")
    assert r.status_code == 400
    assert "NUL" in r.json()["detail"]
    assert not Goal.objects.exists()
    page = _session(world.learner).post("/goals/", {"title": "Read\x00more"})
    assert page.status_code == 400
    assert not Goal.objects.exists()


def test_an_escaped_backslash_before_u0000_is_not_a_nul(world):
    from trellis.people.middleware import _JSON_NUL

    assert _JSON_NUL.search(rb'{"a": "x\u0000"}')
    assert _JSON_NUL.search(rb'{"a": "x\\\\\u0000"}')
    assert not _JSON_NUL.search(rb'{"a": "x\\u0000"}')


def test_the_continuum_of_someone_who_is_not_a_learner_is_404_not_500(world, django_user_model):
    operator = django_user_model.objects.create_superuser("op", "op@example.org", "pw-long-9x")
    client = _session(operator)
    assert client.get(f"/reports/continuum/?learner={world.teacher.pk}").status_code == 404
    assert client.get(f"/reports/continuum/?learner={world.learner.pk}").status_code == 200


def test_a_nul_byte_in_a_oneroster_file_is_a_listed_problem_not_a_500(world):
    from tests.interop.roster import district, make_zip, row
    from trellis.interop.oneroster import RosterRefused, errors, import_roster
    from trellis.interop.oneroster.errors import Problem

    files = district()
    first = files["users"][0]["sourcedId"]
    row(files, "users", first)["givenName"] = "Ada\x00"
    with pytest.raises(RosterRefused) as info:
        import_roster(make_zip(files))
    assert Problem("users.csv", 2, "", errors.NUL_CHARACTER) in info.value.problems
