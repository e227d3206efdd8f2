"""Exports: class and school tables as CSV and JSON, a learner's archive and
erasure — each allowed and forbidden with the same arguments, across two
schools, through the service and the API."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from tests.interop.test_xapi_statements import make_item
from trellis.evidence.models import MasteryRecord, Response
from trellis.evidence.services import response_record
from trellis.individualization.models import IndividualPlan
from trellis.interop import access, exports
from trellis.interop.learner_record import ALREADY_ERASED, learner_erase
from trellis.interop.models import LearnerErasure
from trellis.people.access import NotVisible
from trellis.people.models import Guardianship
from trellis.personalization.models import Goal

pytestmark = pytest.mark.django_db
API = "/api/v1/exports"


def fill(w):
    item = make_item(w.school, code=f"{w.school.code}.1")
    for n, who in enumerate([w.learner, w.sibling, w.other_learner]):
        response_record(learner=who, item=item, answer="4", idempotency_key=f"k{n}")
    Goal.objects.create(learner=w.learner, title="Read two books", set_by=w.learner)
    IndividualPlan.objects.create(
        school=w.school,
        learner=w.learner,
        title="Plan",
        responsible=w.teacher,
        created_by=w.teacher,
    )


@pytest.fixture
def schools(world, other_world):
    fill(world)
    fill(other_world)
    return world, other_world


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


EXPORT_QUERIES = {"mastery": 8, "evidence": 8, "goals": 9, "plans": 8}


@pytest.mark.parametrize("table", list(exports.TABLES))
def test_a_teacher_exports_their_class_as_csv_and_json(
    client, schools, table, django_assert_num_queries
):
    world, _ = schools
    client.force_login(world.teacher)
    # The session, the teacher, the class, the access rule's three role reads
    # and the school; then the table: one query (mastery, evidence, plans:
    # the plans the caller may read are filtered in that query, not checked
    # one by one), goals with their competencies (two).
    with django_assert_num_queries(EXPORT_QUERIES[table]):
        as_csv = client.get(f"{API}/classes/{world.class_a.pk}/{table}.csv")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
    assert list(csv.reader(io.StringIO(as_csv.content.decode())))[0] == exports.COLUMNS[table]
    as_json = client.get(f"{API}/classes/{world.class_a.pk}/{table}.json").json()
    assert len(as_json) == len(rows) > 0
    learners = {row["learner"] for row in as_json}
    assert learners <= {world.learner.username, world.sibling.username}


def test_mastery_and_evidence_rows_hold_the_records(client, schools):
    world, _ = schools
    rows = get(client, world.teacher, f"{API}/classes/{world.class_a.pk}/mastery.json").json()
    assert {(r["learner"], r["attempts"], r["correct"]) for r in rows} == {
        (world.learner.username, 1, 1),
        (world.sibling.username, 1, 1),
    }
    evidence = get(client, world.teacher, f"{API}/classes/{world.class_a.pk}/evidence.json").json()
    assert sorted(r["response_id"] for r in evidence) == sorted(
        Response.objects.filter(learner__in=[world.learner, world.sibling]).values_list(
            "pk", flat=True
        )
    )


def test_an_admin_exports_the_school(client, schools, django_assert_num_queries):
    world, other = schools
    client.force_login(world.admin)
    signed_in = 2  # the session, then its user
    allowed = 2  # the school, then the person's roles in it
    exported = 1  # the school's evidence rows, in one query
    with django_assert_num_queries(signed_in + allowed + exported):
        rows = client.get(f"{API}/schools/{world.school.pk}/evidence.json").json()
    assert len(rows) == 3
    assert not {r["learner"] for r in rows} & {u.username for u in other.people().values()}


def test_unknown_table_or_format_is_a_clear_400(client, schools):
    world, _ = schools
    answer = get(client, world.teacher, f"{API}/classes/{world.class_a.pk}/secrets.csv")
    assert answer.status_code == 400
    assert answer.json()["detail"] == exports.UNKNOWN_TABLE.format(
        name="secrets", choices="mastery, evidence, goals, plans"
    )
    answer = get(client, world.teacher, f"{API}/classes/{world.class_a.pk}/goals.xlsx")
    assert answer.json()["detail"] == exports.UNKNOWN_FORMAT.format(name="xlsx")


CLASS_EXPORT = {
    "admin": 200,
    "teacher": 200,
    "teacher_b": 404,
    "dual": 404,
    "learner": 403,
    "guardian": 403,
    "other_learner": 404,
    "stranger": 404,
}


@pytest.mark.parametrize(("who", "status"), CLASS_EXPORT.items())
def test_class_export_permissions(client, schools, who, status):
    world, other = schools
    user = world.people()[who]
    url = f"{API}/classes/{world.class_a.pk}/mastery.csv"
    answer = get(client, user, url)
    assert answer.status_code == status
    if status != 200:
        assert world.learner.username not in answer.content.decode()
        error = NotVisible if status == 404 else PermissionDenied
        with pytest.raises(error):
            access.access_class_export(user, world.class_a.pk)
    # nobody of the other school gets anything of this one
    other_user = other.people()[who]
    assert get(client, other_user, url).status_code == 404
    with pytest.raises(NotVisible):
        access.access_class_export(other_user, world.class_a.pk)


@pytest.mark.parametrize("who", ["teacher", "learner", "guardian", "stranger", "dual"])
def test_only_admins_export_a_school(client, schools, who):
    world, other = schools
    assert (
        get(client, world.people()[who], f"{API}/schools/{world.school.pk}/goals.csv").status_code
        == 404
    )
    assert get(client, other.admin, f"{API}/schools/{world.school.pk}/goals.csv").status_code == 404
    with pytest.raises(NotVisible):
        access.access_school_export(other.admin, world.school.pk)


def test_plans_go_only_to_those_who_may_see_them(schools):
    world, _ = schools
    for user in (world.teacher, world.admin):
        rows = exports.plan_rows(exports.school_learner_ids(world.school), user, world.school)
        plans = IndividualPlan.objects.filter(school=world.school)
        assert [r["plan_id"] for r in rows] == [
            p.pk for p in plans if user.has_perm("individualization.view_plan", p)
        ]
    assert (
        exports.plan_rows(exports.school_learner_ids(world.school), world.stranger, world.school)
        == []
    )


def test_the_learner_archive_holds_the_whole_record(client, schools):
    world, _ = schools
    answer = get(client, world.admin, f"{API}/learners/{world.learner.pk}/archive.zip")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(answer.content))
    names = set(archive.namelist())
    assert {"account.json", "evidence.response.json", "personalization.goal.json"} <= names
    assert "individualization.individualplan.json" in names
    assert json.loads(archive.read("account.json"))["username"] == world.learner.username
    goals = json.loads(archive.read("personalization.goal.json"))
    assert [g["title"] for g in goals] == ["Read two books"]
    assert world.sibling.username not in archive.read("evidence.response.json").decode()


ARCHIVE = {"teacher": 403, "guardian": 403, "learner": 403, "teacher_b": 404, "stranger": 404}


@pytest.mark.parametrize(("who", "status"), ARCHIVE.items())
def test_archive_and_erasure_permissions(client, schools, who, status):
    world, other = schools
    user = world.people()[who]
    assert get(client, user, f"{API}/learners/{world.learner.pk}/archive.zip").status_code == status
    assert client.post(f"{API}/learners/{world.learner.pk}/erase").status_code == status
    assert (
        get(client, other.admin, f"{API}/learners/{world.learner.pk}/archive.zip").status_code
        == 404
    )
    assert client.post(f"{API}/learners/{world.learner.pk}/erase").status_code == 404
    error = NotVisible if status == 404 else PermissionDenied
    with pytest.raises(error):
        access.access_learner_erasure(user, world.learner.pk)
    assert not LearnerErasure.objects.exists()


def test_erasure_removes_personal_data_and_keeps_aggregates(client, schools):
    world, _ = schools
    before = get(client, world.teacher, f"{API}/classes/{world.class_a.pk}/mastery.json").json()
    client.force_login(world.admin)
    answer = client.post(f"{API}/learners/{world.learner.pk}/erase")
    assert answer.status_code == 200, answer.content
    assert answer.json()["removed"]["personalization.Goal"] == 1
    world.learner.refresh_from_db()
    assert world.learner.username.startswith("erased-") and not world.learner.is_active
    assert world.learner.email == world.learner.first_name == ""
    assert not Goal.objects.filter(learner=world.learner).exists()
    assert not IndividualPlan.objects.filter(learner=world.learner).exists()
    assert not Guardianship.objects.filter(learner=world.learner).exists()
    assert Response.objects.filter(learner=world.learner, answer="").count() == 1
    assert MasteryRecord.objects.filter(learner=world.learner).count() == 1
    after = get(client, world.teacher, f"{API}/classes/{world.class_a.pk}/mastery.json").json()
    assert len(after) == len(before)  # the aggregate keeps its rows, nameless
    assert world.learner.username in {r["learner"] for r in after}
    with pytest.raises(ValueError, match=str(ALREADY_ERASED)):
        learner_erase(learner=world.learner, requested_by=world.admin)
