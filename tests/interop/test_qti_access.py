"""Who may import and export QTI packages: a school's teachers and admins,
for their own school only — through the page, the API with a session and
the API with a bearer token. Learners, guardians and other schools' staff
are refused, and an import lands in the caller's school only."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client

from tests.curriculum.factories import leaf, make_framework, make_items
from tests.interop.qti_packages import package
from trellis.api.models import ApiToken
from trellis.curriculum.models import Item

pytestmark = pytest.mark.django_db
API = "/api/v1/qti"
PAGE = "/interop/qti/"
PAGE_EXPORT = "/interop/qti/export/"


@pytest.fixture
def competency(world):
    return leaf(make_framework(world.school), "A.1")


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _bearer(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="qti")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _items_in(body: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return sum(1 for name in archive.namelist() if name.startswith("items/"))


@pytest.mark.parametrize("who", ["teacher", "admin"])
@pytest.mark.parametrize("how", ["session", "bearer"])
def test_staff_import_and_export_through_the_api(world, competency, who, how):
    user = getattr(world, who)
    client = _session(user) if how == "session" else _bearer(user)
    answer = client.post(f"{API}/import", {"file": package(competency)})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["school_id"] == world.school.pk and body["imported"] == 1
    item = Item.objects.get(pk=body["item_ids"][0])
    assert item.school == world.school and item.created_by == user
    exported = client.get(f"{API}/export")
    assert exported.status_code == 200
    assert exported["Content-Type"] == "application/zip"
    assert _items_in(exported.content) == Item.objects.filter(school=world.school).count() == 1


def test_a_refused_package_is_a_422_listing_problems(world, competency):
    client = _session(world.teacher)
    answer = client.post(f"{API}/import", {"file": io.BytesIO(b"nope")})
    assert answer.status_code == 422
    problems = answer.json()["problems"]
    assert problems[0]["file"] == "(zip)" and set(problems[0]) == {
        "file",
        "line",
        "element",
        "message",
    }
    assert not Item.objects.exists()


@pytest.mark.parametrize("who", ["learner", "guardian"])
@pytest.mark.parametrize("how", ["session", "bearer"])
def test_learners_and_guardians_are_refused_by_the_api(world, competency, who, how):
    make_items(world.school, competency)
    user = getattr(world, who)
    client = _session(user) if how == "session" else _bearer(user)
    assert client.post(f"{API}/import", {"file": package(competency)}).status_code == 403
    assert client.get(f"{API}/export").status_code == 403
    # naming the school does not help
    named = client.get(f"{API}/export", {"school_id": world.school.pk})
    assert named.status_code in (403, 404)
    assert Item.objects.count() == 4


@pytest.mark.parametrize("how", ["session", "bearer"])
def test_another_schools_teacher_never_reaches_this_school(world, other_world, competency, how):
    make_items(world.school, competency)
    client = _session(other_world.teacher) if how == "session" else _bearer(other_world.teacher)
    named = {"school_id": world.school.pk}
    assert client.get(f"{API}/export", named).status_code == 404
    answer = client.post(f"{API}/import?school_id={world.school.pk}", {"file": package(competency)})
    assert answer.status_code == 404
    # their own export holds none of this school's items
    own = client.get(f"{API}/export")
    assert own.status_code == 200 and _items_in(own.content) == 0
    # this school's competencies are unknown to them: refused, nothing written
    refused = client.post(f"{API}/import", {"file": package(competency)})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["element"] == "taxon"
    assert Item.objects.filter(school=other_world.school).count() == 0
    # nor may they export by this school's framework
    framework = competency.framework_id
    assert client.get(f"{API}/export", {"framework": framework}).status_code == 404


def test_the_page_for_teachers(world, competency):
    client = _session(world.teacher)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b'action="/interop/qti/"' in page.content
    assert b"/interop/qti/" in client.get("/items/").content
    done = client.post(PAGE, {"file": package(competency)})
    assert done.status_code == 200
    assert Item.objects.filter(school=world.school).count() == 1
    download = client.get(PAGE_EXPORT, {"framework": competency.framework_id})
    assert download.status_code == 200 and _items_in(download.content) == 1


def test_the_page_lists_every_problem(world, competency):
    broken = package(competency, {"items/q1.xml": "<qti-assessment-item"})
    answer = _session(world.admin).post(PAGE, {"file": broken})
    assert answer.status_code == 422
    text = answer.content.decode()
    assert "items/q1.xml" in text and "not well formed" in text
    assert not Item.objects.exists()


@pytest.mark.parametrize("who", ["learner", "guardian", "stranger"])
def test_the_page_refuses_everyone_else(world, competency, who):
    client = _session(getattr(world, who))
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"file": package(competency)}).status_code == 403
    assert client.get(PAGE_EXPORT).status_code == 403
    assert not Item.objects.exists()


def test_the_page_of_another_school_shows_its_own_frameworks_only(world, other_world, competency):
    page = _session(other_world.teacher).get(PAGE)
    assert competency.framework.title.encode() not in page.content
    answer = _session(other_world.teacher).get(PAGE_EXPORT, {"framework": competency.framework_id})
    assert answer.status_code == 404


def test_a_missing_file_is_named(world):
    answer = _session(world.teacher).post(PAGE, {})
    assert answer.status_code == 400
    assert "This field is required." in answer.content.decode()
    assert not Item.objects.exists()


def test_the_page_queries_do_not_grow_with_frameworks(world, django_assert_num_queries):
    """Session, account, the caller's school, their roles (the rule), the
    navigation's roles and plans, and the frameworks for the export list:
    seven, however many frameworks there are."""
    client = _session(world.teacher)
    make_framework(world.school)
    with django_assert_num_queries(7):
        assert client.get(PAGE).status_code == 200
    make_framework(world.school, codes=("B.1",))
    make_framework(None, codes=("C.1",))
    with django_assert_num_queries(7):
        page = client.get(PAGE)
    assert page.content.decode().count("<option") == 1 + 3
