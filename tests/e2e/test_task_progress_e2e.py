"""A task run's page polls its state: the progress bar moves and the report
appears without a reload, and polling stops once the run has finished."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.world import build_school
from trellis.jobs.models import TaskRun
from trellis.jobs.services import task_run_progress, task_run_started, task_run_succeeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_bar_follows_the_run(page, live_server, sign_in, screenshot):
    world = build_school("t1_")
    world.admin.set_password("pw-for-the-browser")
    world.admin.save()
    run = TaskRun.objects.create(
        name="trellis.refit_school", label="Refit t1", started_by=world.admin, school=world.school
    )
    task_run_started(run=run, tries=1)
    task_run_progress(run=run, progress=40, message="Fitting the model")
    sign_in(world.admin.username, "pw-for-the-browser")
    page.goto(f"{live_server.url}/tasks/{run.pk}/")
    bar = page.locator(".task-run progress")
    assert bar.get_attribute("value") == "40"
    page.set_viewport_size({"width": 390, "height": 800})
    screenshot("task-run-running-390")
    task_run_progress(run=run, progress=70, message="Rebuilding the records")
    expect(page.locator(".task-run progress")).to_have_attribute("value", "70")
    task_run_succeeded(run=run, report={"lines": ["Fitted on 0 responses."]}, message="Done")
    page.get_by_text("Fitted on 0 responses.").wait_for()
    assert page.locator(".task-run").get_attribute("data-state") == "succeeded"
    assert page.locator(".task-run").get_attribute("hx-trigger") is None
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot("task-run-done-1280")
