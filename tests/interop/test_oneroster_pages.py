"""The command and the roster page: the same report, the same refusals."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.html import escape

from tests.factories import UserFactory
from tests.interop.roster import district, make_zip, row
from trellis.interop import tasks
from trellis.interop.models import SourcedRecord
from trellis.interop.oneroster import errors
from trellis.jobs import runner
from trellis.jobs.models import TaskRun
from trellis.people.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster_file(tmp_path):
    path = tmp_path / "roster.zip"
    path.write_bytes(make_zip(district()).getvalue())
    return path


@pytest.fixture
def bad_file(tmp_path):
    files = district()
    row(files, "enrollments", "e2")["classSourcedId"] = "nope"
    row(files, "academicSessions", "t1")["endDate"] = "31/12/2026"
    path = tmp_path / "bad.zip"
    path.write_bytes(make_zip(files).getvalue())
    return path


def test_command_dry_run_prints_the_changes_and_writes_nothing(roster_file):
    out = io.StringIO()
    call_command("import_oneroster", str(roster_file), "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.startswith("Dry run: nothing was written.")
    assert "Accounts: 8 created" in text
    assert not SourcedRecord.objects.exists()


def test_command_imports_and_reports_json(roster_file):
    out = io.StringIO()
    call_command("import_oneroster", str(roster_file), "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["changes"]["users"]["created"] == 8 and not summary["dry_run"]
    assert User.objects.filter(username="ada").exists()


def test_command_refuses_with_exit_code_1_and_every_problem(bad_file):
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("import_oneroster", str(bad_file), stderr=err)
    assert info.value.returncode == 1
    lines = err.getvalue().splitlines()
    assert lines == [
        "academicSessions.csv, line 3, column endDate: "
        + errors.BAD_DATE.format(value="31/12/2026"),
        "enrollments.csv, line 3, column classSourcedId: "
        + errors.UNKNOWN_REFERENCE.format(column="classSourcedId", value="nope", target="class"),
    ]
    assert not SourcedRecord.objects.exists()


def test_export_command_writes_a_zip(roster_file, tmp_path):
    call_command("import_oneroster", str(roster_file), stdout=io.StringIO())
    out = tmp_path / "out.zip"
    call_command("export_oneroster", str(out), stdout=io.StringIO())
    with zipfile.ZipFile(out) as archive:
        assert "users.csv" in archive.namelist()


@pytest.fixture
def operator(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_only_operators_may_use_the_roster_page(client, world):
    client.force_login(world.admin)  # a school admin, not a site operator
    assert client.get("/interop/oneroster/").status_code == 403
    assert client.post("/interop/oneroster/export/").status_code == 403
    client.logout()
    assert client.get("/interop/oneroster/").status_code == 302


def test_upload_shows_the_plan_then_confirm_imports(client, operator, roster_file):
    assert client.get("/interop/oneroster/").status_code == 200
    with roster_file.open("rb") as handle:
        response = client.post("/interop/oneroster/", {"file": handle})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This is a dry run" in page and "8 created" in page
    assert not SourcedRecord.objects.exists()
    token = response.context["token"]
    response = client.post("/interop/oneroster/confirm/", {"token": token})
    assert response.status_code == 200 and "was imported" in response.content.decode()
    assert User.objects.filter(username="ada").exists()
    # The upload cannot be imported twice.
    assert client.post("/interop/oneroster/confirm/", {"token": token}).status_code == 409


def test_upload_of_a_bad_file_lists_every_problem(client, operator, bad_file):
    with bad_file.open("rb") as handle:
        response = client.post("/interop/oneroster/", {"file": handle})
    assert response.status_code == 422
    page = response.content.decode()
    assert "was refused: 2 problems" in page
    assert "enrollments.csv" in page and "classSourcedId" in page
    assert [p.line for p in response.context["problems"]] == [3, 3]


def test_export_page_downloads_the_roster(client, operator, roster_file):
    call_command("import_oneroster", str(roster_file), stdout=io.StringIO())
    response = client.post("/interop/oneroster/export/")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "manifest.csv" in archive.namelist()


def test_a_refused_background_import_reads_in_the_starters_language(client, operator, bad_file):
    """The problems are written in the account language of whoever started
    the import; the run's label and error, stored in English, are shown in
    the reader's language (the page and /api/v1/tasks/{id})."""
    operator.language = "es"
    operator.save(update_fields=["language"])
    run = runner.start(
        tasks.import_oneroster,
        label=tasks.ROSTER_LABEL.format(name="bad.zip"),
        started_by=operator,
        args=(str(bad_file), operator.pk, "bad.zip"),
    )
    run.refresh_from_db()
    assert run.state == TaskRun.FAILED
    # Stored in English: the label and error are translated when shown.
    assert run.label == "Import the roster bad.zip"
    assert run.error == tasks.ROSTER_REFUSED.format(name="bad.zip", count=2)
    with translation.override("es"):
        spanish = errors.UNKNOWN_REFERENCE.format(
            column="classSourcedId", value="nope", target="class"
        )
        label = str(translation.gettext(tasks.ROSTER_LABEL)).format(name="bad.zip")
        error = str(translation.gettext(tasks.ROSTER_REFUSED)).format(name="bad.zip", count=2)
    english = errors.UNKNOWN_REFERENCE.format(column="classSourcedId", value="nope", target="class")
    assert spanish != english and label != run.label and error != run.error
    messages = [p["message"] for p in run.report["problems"]]
    assert spanish in messages and english not in messages

    answer = client.get(f"/api/v1/tasks/{run.pk}").json()
    assert (answer["label"], answer["error"]) == (label, error)
    assert spanish in [p["message"] for p in answer["report"]["problems"]]
    page = client.get(f"/tasks/{run.pk}/").content.decode()
    assert escape(label) in page and escape(spanish) in page
