"""The admin's data tools as pages (issue 20): linked from the admin's home,
exports, a learner's complete record and erasure with a confirmation step;
every forbidden role tried through the pages."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from tests.interop.test_export_privacy import fill
from trellis.evidence.models import Response
from trellis.interop.forms import ERASE_CONFIRM_MISMATCH
from trellis.interop.learner_record import ALREADY_ERASED
from trellis.interop.models import LearnerErasure
from trellis.people.models import User
from trellis.personalization.models import Goal

pytestmark = pytest.mark.django_db

EVIDENCE_COLUMNS = [
    "response_id", "learner_id", "learner", "item_id", "attempt_id", "source", "answer",
    "correct", "score", "time_on_item_ms", "corrects_id", "recorded_by", "recorded_at",
]  # fmt: skip


@pytest.fixture
def schools(world, other_world):
    fill(world)
    fill(other_world)
    return world, other_world


def login(client, user):
    client.force_login(user)
    return client


def test_the_admin_home_links_the_data_tools_and_they_link_each_tool(client, world):
    home = login(client, world.admin).get("/").content.decode()
    assert f'href="{reverse("data-tools")}"' in home
    page = client.get(reverse("data-tools")).content.decode()
    for name in ("data-exports", "data-learner-record", "dataset-import"):
        assert f'href="{reverse(name)}"' in page
    # Roster import is for site operators (a roster can touch every school).
    assert f'href="{reverse("oneroster-import")}"' not in page
    world.admin.is_superuser = True
    world.admin.save()
    page = client.get(reverse("data-tools")).content.decode()
    assert f'href="{reverse("oneroster-import")}"' in page


@pytest.mark.parametrize("who", ["teacher", "learner", "guardian", "stranger"])
@pytest.mark.parametrize("name", ["data-tools", "data-exports", "data-learner-record"])
def test_the_data_tool_pages_are_forbidden_to_everyone_but_admins(client, world, who, name):
    response = login(client, world.people()[who]).get(reverse(name))
    assert response.status_code == 403


def test_an_admin_downloads_a_school_table_as_csv(client, schools):
    world, _ = schools
    response = login(client, world.admin).get(
        reverse("data-exports"),
        {"scope": f"school-{world.school.pk}", "table": "evidence", "fmt": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="school-{world.school.pk}-evidence.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == EVIDENCE_COLUMNS
    mine = Response.objects.filter(learner__memberships__school=world.school).distinct()
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(mine.values_list("pk", flat=True))


def test_another_schools_class_is_not_offered_and_is_refused_by_name(client, schools):
    world, other = schools
    response = login(client, world.admin).get(
        reverse("data-exports"),
        {"scope": f"class-{other.class_a.pk}", "table": "goals", "fmt": "xml"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    # Both problems at once, each naming its field.
    assert body.count('<ul class="errorlist">') == 2
    assert other.class_a.name not in body


def test_the_learner_list_holds_only_the_admins_school(client, schools, django_assert_num_queries):
    world, other = schools
    login(client, world.admin)
    client.get("/")  # the session is loaded once before counting
    with django_assert_num_queries(5):
        # session, user, roles (menu), schools run, learners
        body = client.get(reverse("data-learner-record")).content.decode()
    for mine in (world.learner, world.sibling, world.other_learner):
        assert reverse("data-learner-erase", args=[mine.pk]) in body
    assert reverse("data-learner-erase", args=[other.learner.pk]) not in body
    searched = client.get(reverse("data-learner-record"), {"q": world.sibling.username})
    assert reverse("data-learner-erase", args=[world.learner.pk]) not in searched.content.decode()


def test_the_complete_record_downloads_for_the_admin_only(client, schools):
    world, other = schools
    url = reverse("data-learner-archive", args=[world.learner.pk])
    response = login(client, world.admin).get(url)
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "account.json" in names
    for who in ("teacher", "guardian", "learner"):
        assert login(client, world.people()[who]).get(url).status_code == 403
    assert login(client, other.admin).get(url).status_code == 404


def test_erasure_asks_for_the_username_then_erases(client, schools):
    world, _ = schools
    learner = world.learner
    url = reverse("data-learner-erase", args=[learner.pk])
    login(client, world.admin)
    page = client.get(url)
    assert page.status_code == 200 and "confirm_username" in page.content.decode()
    wrong = client.post(url, {"confirm_username": "someone"})
    assert wrong.status_code == 400
    expected = str(ERASE_CONFIRM_MISMATCH % {"username": learner.username})
    assert expected.replace("'", "&#x27;") in wrong.content.decode()
    assert not LearnerErasure.objects.exists()
    assert Goal.objects.filter(learner=learner).count() == 1
    done = client.post(url, {"confirm_username": learner.username})
    assert done.status_code == 200
    learner.refresh_from_db()
    assert learner.username.startswith("erased-") and not learner.is_active
    assert Goal.objects.filter(learner=learner).count() == 0
    assert LearnerErasure.objects.get(learner=learner).requested_by == world.admin
    # A second time: refused, with the reason.
    again = client.post(url, {"confirm_username": learner.username})
    assert again.status_code == 400
    assert ALREADY_ERASED.replace("'", "&#x27;") in again.content.decode()


@pytest.mark.parametrize("who", ["teacher", "guardian", "learner"])
def test_erasure_is_forbidden_to_the_learners_teacher_guardian_and_self(client, schools, who):
    world, _ = schools
    url = reverse("data-learner-erase", args=[world.learner.pk])
    login(client, world.people()[who])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm_username": world.learner.username}).status_code == 403
    assert User.objects.get(pk=world.learner.pk).is_active


def test_erasure_in_another_school_is_not_found(client, schools):
    world, other = schools
    url = reverse("data-learner-erase", args=[other.learner.pk])
    login(client, world.admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm_username": other.learner.username}).status_code == 404
    assert User.objects.get(pk=other.learner.pk).is_active
