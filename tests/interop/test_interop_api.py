"""The interop API beyond exports: tools' xAPI credentials (issued, listed
and revoked by a school's admins) and OneRoster import and export (site
operators) — each allowed and forbidden."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest

from tests.factories import UserFactory
from tests.interop.roster import district, make_zip, row
from tests.interop.test_xapi_statements import URL, statement
from trellis.interop.models import RosterImport, SourcedRecord, XapiCredential, XapiStatement
from trellis.interop.oneroster import errors
from trellis.interop.xapi.credentials import NAME_TAKEN
from trellis.people.models import User

pytestmark = pytest.mark.django_db
API = "/api/v1"


def post_statement(client, key: str, secret: str, body: dict):
    auth = "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()
    return client.post(
        URL,
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_X_EXPERIENCE_API_VERSION="1.0.3",
    )


def test_a_school_admin_issues_lists_and_revokes_a_tool_credential(client, world, other_world):
    client.force_login(world.admin)
    issued = client.post(
        f"{API}/xapi/credentials",
        {"school_id": world.school.pk, "name": "quiz-app"},
        content_type="application/json",
    )
    assert issued.status_code == 201, issued.content
    body = issued.json()
    assert body["school_id"] == world.school.pk and body["active"] and body["secret"]
    stored = XapiCredential.objects.get(pk=body["id"])
    assert body["secret"] not in stored.secret_hash
    # the secret works at the Statements resource
    s = statement(world.learner.username, "https://videos.example/1")
    assert post_statement(client, body["key"], body["secret"], s).status_code == 200
    # the list shows it without the secret; another school's tools are not listed
    XapiCredential.objects.create(
        school=other_world.school, name="theirs", key="k2", secret_hash="x"
    )
    listed = client.get(f"{API}/xapi/credentials").json()
    assert [c["name"] for c in listed] == ["quiz-app"] and "secret" not in listed[0]
    # a second tool with the same name is refused with the reason
    again = client.post(
        f"{API}/xapi/credentials",
        {"school_id": world.school.pk, "name": "quiz-app"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert again.json()["detail"] == NAME_TAKEN.format(school=world.school.code, name="quiz-app")
    revoked = client.post(f"{API}/xapi/credentials/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    s2 = statement(world.learner.username, "https://videos.example/2")
    assert post_statement(client, body["key"], body["secret"], s2).status_code == 401
    assert XapiStatement.objects.count() == 1


@pytest.mark.parametrize("who", ["teacher", "learner", "guardian", "stranger"])
def test_only_a_schools_admins_manage_its_credentials(client, world, other_world, who):
    mine = XapiCredential.objects.create(school=world.school, name="t", key="k1", secret_hash="x")
    for user in (getattr(world, who), other_world.admin):
        client.force_login(user)
        issue = client.post(
            f"{API}/xapi/credentials",
            {"school_id": world.school.pk, "name": "sneaky"},
            content_type="application/json",
        )
        assert issue.status_code == 404
        assert client.post(f"{API}/xapi/credentials/{mine.pk}/revoke").status_code == 404
        assert client.get(f"{API}/xapi/credentials").json() == []
    assert XapiCredential.objects.filter(active=True).count() == 1
    assert not XapiCredential.objects.filter(name="sneaky").exists()
    client.logout()
    assert client.get(f"{API}/xapi/credentials").status_code == 401


def test_an_operator_sees_every_schools_credentials(client, world, other_world):
    XapiCredential.objects.create(school=world.school, name="a", key="k1", secret_hash="x")
    XapiCredential.objects.create(school=other_world.school, name="b", key="k2", secret_hash="x")
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert {c["name"] for c in client.get(f"{API}/xapi/credentials").json()} == {"a", "b"}


@pytest.fixture
def operator(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def upload(client, files, **query):
    data = make_zip(files).getvalue()
    suffix = "?dry_run=true" if query.get("dry_run") else ""
    handle = io.BytesIO(data)
    handle.name = "roster.zip"
    return client.post(f"{API}/oneroster/import{suffix}", {"file": handle})


def test_the_api_dry_runs_then_imports_a_roster(client, operator):
    dry = upload(client, district(), dry_run=True)
    assert dry.status_code == 200, dry.content
    assert dry.json()["dry_run"] is True and dry.json()["changes"]["users"]["created"] == 8
    assert not SourcedRecord.objects.exists() and not RosterImport.objects.exists()
    done = upload(client, district())
    assert done.status_code == 200 and done.json()["dry_run"] is False
    assert User.objects.filter(username="ada").exists()
    assert RosterImport.objects.get().user == operator


def test_the_api_refuses_a_bad_roster_with_every_problem(client, operator):
    files = district()
    row(files, "enrollments", "e2")["classSourcedId"] = "nope"
    row(files, "academicSessions", "t1")["endDate"] = "31/12/2026"
    refused = upload(client, files)
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        {
            "file": "academicSessions.csv",
            "line": 3,
            "column": "endDate",
            "message": errors.BAD_DATE.format(value="31/12/2026"),
        },
        {
            "file": "enrollments.csv",
            "line": 3,
            "column": "classSourcedId",
            "message": errors.UNKNOWN_REFERENCE.format(
                column="classSourcedId", value="nope", target="class"
            ),
        },
    ]
    assert not SourcedRecord.objects.exists()


def test_the_api_exports_the_roster(client, operator):
    assert upload(client, district()).status_code == 200
    answer = client.post(f"{API}/oneroster/export")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert {"manifest.csv", "users.csv", "enrollments.csv"} <= set(archive.namelist())


@pytest.mark.parametrize("who", ["admin", "teacher", "learner"])
def test_only_operators_import_or_export_rosters_through_the_api(client, world, who):
    client.force_login(getattr(world, who))
    assert upload(client, district()).status_code == 403
    assert upload(client, district(), dry_run=True).status_code == 403
    assert client.post(f"{API}/oneroster/export").status_code == 403
    assert not SourcedRecord.objects.exists()
    client.logout()
    assert client.post(f"{API}/oneroster/export").status_code == 401
