"""The data-set page: a school admin uploads a response log for one of their
classes; the import runs as a background task (in-process here) and the page
shows its progress and report. Others cannot reach the page or the run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from tests.interop.test_dataset_import import DKT
from trellis.evidence.models import Response
from trellis.jobs.models import TaskRun

pytestmark = pytest.mark.django_db


def _upload(client, school_class, text=DKT, name="tiny.csv"):
    return client.post(
        "/interop/datasets/",
        {
            "file": SimpleUploadedFile(name, text.encode()),
            "format": "dkt",
            "school_class": school_class.pk,
        },
    )


def test_an_admin_imports_a_data_set_from_the_page(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.admin)
    assert client.get("/interop/datasets/").status_code == 200
    response = _upload(client, world.class_a)
    assert response.status_code == 200
    run = TaskRun.objects.get()
    assert run.state == TaskRun.SUCCEEDED and run.school == world.school
    assert run.report["responses"] == 5 and run.report["learners"] == 2
    assert Response.objects.filter(school=world.school).count() == 5
    page = response.content.decode()
    assert "responses: 5" in page and 'value="100"' in page
    assert not list(Path(tmp_path, "dataset-uploads").rglob("*.csv"))  # the upload is removed


def test_a_bad_file_fails_with_its_message_and_no_retry(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.admin)
    response = _upload(client, world.class_a, text="3\n1,x,2\n0,1,1\n")
    run = TaskRun.objects.get()
    assert run.state == TaskRun.FAILED and run.tries == 1 and run.error
    assert run.error.startswith("tiny.csv:2: ") and str(tmp_path) not in run.error
    assert escape(run.error) in response.content.decode()
    assert not Response.objects.exists()


def test_the_page_offers_only_the_admins_classes(client, world, other_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.admin)
    assert _upload(client, other_world.class_a).status_code == 400
    for user in (world.teacher, world.learner, world.guardian):
        client.force_login(user)
        assert client.get("/interop/datasets/").status_code == 404
    assert not TaskRun.objects.exists()
    client.force_login(world.admin)
    _upload(client, world.class_a)
    run = TaskRun.objects.get()
    other = Client()
    other.force_login(other_world.admin)
    assert other.get(f"/tasks/{run.pk}/").status_code == 404
    assert other.get(f"/api/v1/tasks/{run.pk}").status_code == 404
