"""The demo school's admin opens the mastery model card in Chromium: the
model in use, the candidates' held-out scores, the calibration chart with its
table, and what "mastery" means — at desktop and phone widths."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from trellis.evidence import mastery
from trellis.evidence.models import MasteryModel
from trellis.people.demo import DEMO_PASSWORD, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reads_the_mastery_model_card(page, live_server, sign_in, screenshot, db):
    demo_load()  # fits BKT alone, to stay quick
    # The nightly fit, choosing among the models that fit in seconds here.
    quick = ",".join(mastery.candidate_names()[:3])
    call_command("fit_mastery", candidates=quick, stdout=io.StringIO())
    row = MasteryModel.objects.latest()
    assert row.selection["candidates"]
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("admin", DEMO_PASSWORD)
    page.get_by_role("link", name="Mastery model").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mastery model")
    expect(page.locator("[data-model]")).to_have_attribute("data-model", row.name)
    expect(page.locator("[data-n-answers]")).to_have_text(str(row.n_responses))
    chosen = page.locator("table.candidates tr.chosen")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text(row.name)
    best = min(row.selection["candidates"], key=lambda c: c["log_loss"])
    expect(chosen.locator("[data-log-loss]")).to_have_text(f"{best['log_loss']:.4f}")
    expect(page.get_by_role("img", name="Calibration on held-out answers")).to_be_visible()
    expect(page.locator("table.calibration-table tbody tr")).to_have_count(
        len(row.selection["calibration"])
    )
    expect(page.locator(".meaning")).to_contain_text("P(mastery)")
    screenshot("mastery-model-card")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the model card is {width}px wide on a 390px phone"
    screenshot("mastery-model-card-phone")
