"""The mastery model card (page and ``GET /api/v1/mastery-model``): for the
school's admins only, and its numbers are ``fit-mastery``'s."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from tests.evidence.simschool import load_log
from trellis.api.models import ApiToken
from trellis.engine.simulate import simulate
from trellis.evidence import mastery
from trellis.evidence.models import MasteryModel
from trellis.people.access import NOT_FOUND

pytestmark = [pytest.mark.django_db, pytest.mark.privacy]

#: The quick candidates (every engine model but the slowest to fit).
CANDIDATES = ",".join(mastery.candidate_names()[:3])
LINE = re.compile(r"^  ([ *]) (\S+)\s+held-out AUC (\S+)  log loss (\S+)  fit", re.MULTILINE)


@pytest.fixture(autouse=True)
def _fresh_model_cache():
    mastery._cache.clear()
    yield
    mastery._cache.clear()


@pytest.fixture
def fitted(world):
    """``world``'s school with a simulated term of evidence, fitted; the
    command's output."""
    load_log(world.school, simulate(40, 5, 40, seed=5, irt_scale=1.2).log)
    out = io.StringIO()
    call_command("fit_mastery", school=world.school.code, candidates=CANDIDATES, stdout=out)
    return out.getvalue()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_card_numbers_are_fit_masterys(world, fitted):
    printed = {name: (mark == "*", auc, loss) for mark, name, auc, loss in LINE.findall(fitted)}
    assert set(printed) == set(CANDIDATES.split(","))
    row = MasteryModel.objects.get(school=world.school)
    client = _client(world.admin)
    body = client.get("/api/v1/mastery-model").json()  # the admin's one school
    assert body == client.get(f"/api/v1/mastery-model?school_id={world.school.pk}").json()
    assert body["model"] == row.name and [n for n, v in printed.items() if v[0]] == [row.name]
    assert f"{body['n_answers']} responses, {body['n_learners']} learners" in fitted
    assert body["n_learners"] == 40 and body["fitted"] is True
    for c in body["candidates"]:
        chosen, auc, loss = printed[c["name"]]
        assert (c["chosen"], f"{c['auc']:.4f}", f"{c['log_loss']:.4f}") == (chosen, auc, loss)
    bins = body["calibration"]
    assert sum(b["n"] for b in bins) == body["n_test_answers"] > 0
    assert body["meaning"] == mastery.model_meaning(row.name)
    # The page shows the same numbers, in the candidates and calibration tables.
    page = html.unescape(client.get(f"/schools/{world.school.pk}/mastery-model/").content.decode())
    for c in body["candidates"]:
        row_html = re.search(rf'<tr data-candidate="{c["name"]}".*?</tr>', page, re.S).group(0)
        assert f"{c['auc']:.4f}" in row_html and f"{c['log_loss']:.4f}" in row_html
        assert ("in use" in row_html) == c["chosen"]
    for b in bins:
        assert f"<td>{b['n']}</td><td>{b['predicted']:.4f}</td><td>{b['observed']:.4f}</td>" in page
    assert page.count("<circle") == len(bins)  # one dot per bin in the chart
    assert f"data-n-answers>{body['n_answers']}<" in page
    assert "expected performance" in page or "knows the competency" in page


def test_card_before_any_fit_says_defaults(world):
    body = _client(world.admin).get("/api/v1/mastery-model").json()
    assert body["model"] == "bkt" and body["fitted"] is False and body["candidates"] == []
    assert str(mastery.MIN_RESPONSES_TO_FIT) in body["selection_note"]
    page = _client(world.admin).get(f"/schools/{world.school.pk}/mastery-model/")
    assert page.status_code == 200 and "<svg" not in page.content.decode()


def test_admin_home_links_to_the_card(world):
    page = _client(world.admin).get("/").content.decode()
    assert f'href="/schools/{world.school.pk}/mastery-model/"' in page
    assert "mastery-model" not in _client(world.teacher).get("/").content.decode()


@pytest.mark.parametrize(
    "viewer", ["teacher", "teacher_b", "dual", "learner", "guardian", "stranger"]
)
def test_only_the_schools_admin_sees_the_card(world, fitted, viewer):
    client = _client(world.people()[viewer])
    assert client.get(f"/schools/{world.school.pk}/mastery-model/").status_code == 404
    api = client.get(f"/api/v1/mastery-model?school_id={world.school.pk}")
    assert api.status_code == 404 and api.json() == {"detail": NOT_FOUND}
    assert client.get("/api/v1/mastery-model").status_code == 404  # no school of theirs
    _, raw = ApiToken.issue(user=world.people()[viewer], name="t")
    bearer = Client().get(
        f"/api/v1/mastery-model?school_id={world.school.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert bearer.status_code == 404


def test_another_schools_admin_sees_nothing(world, other_world, fitted):
    client = _client(other_world.admin)
    assert client.get(f"/schools/{world.school.pk}/mastery-model/").status_code == 404
    assert client.get(f"/api/v1/mastery-model?school_id={world.school.pk}").status_code == 404
    # Their own school's card is theirs (defaults: nothing fitted there).
    assert client.get("/api/v1/mastery-model").json()["school_id"] == other_world.school.pk
    _, raw = ApiToken.issue(user=other_world.admin, name="t")
    bearer = Client().get(
        f"/api/v1/mastery-model?school_id={world.school.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert bearer.status_code == 404


def test_admin_bearer_token_and_anonymous(world, fitted):
    _, raw = ApiToken.issue(user=world.admin, name="t")
    ok = Client().get("/api/v1/mastery-model", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200 and ok.json()["school_id"] == world.school.pk
    assert Client().get("/api/v1/mastery-model").status_code == 401
    page = Client().get(f"/schools/{world.school.pk}/mastery-model/")
    assert page.status_code == 302  # to sign in


def test_card_says_when_models_were_not_compared(world):
    from trellis.evidence.services import mastery_fit_school

    load_log(world.school, simulate(20, 3, 20, seed=6).log)
    mastery_fit_school(school=world.school, select=False)  # as the demo does
    body = _client(world.admin).get("/api/v1/mastery-model").json()
    assert body["model"] == "bkt" and body["fitted"] and body["candidates"] == []
    assert body["selection_note"] == str(mastery.NOTE_NOT_ASKED)
    assert body["n_learners"] == 20
