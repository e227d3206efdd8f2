"""A teacher opens the continuum report for the demo class in Chromium, reads
the chart and the table, drills down into a count, and reads what each row
means."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from trellis.people.demo import DEMO_PASSWORD, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_opens_continuum_for_demo_class(page, live_server, sign_in, screenshot, db):
    demo_load()
    sign_in("teacher1", DEMO_PASSWORD)
    page.get_by_role("link", name="Continuum", exact=True).click()
    page.get_by_label("Class", exact=True).select_option(
        label="Maths 6A (Trellis Demo Middle School)"
    )
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("mostly differentiation")
    expect(page.get_by_role("img", name="Continuum: Maths 6A")).to_be_visible()
    screenshot("continuum-report")
    page.get_by_role("link", name="groupings made").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Groupings made")
    screenshot("continuum-records")
    page.go_back()
    page.get_by_role("link", name="What each row means").click()
    expect(page.get_by_role("heading", name="Who designs")).to_be_visible()
    screenshot("continuum-about")
    page.set_viewport_size({"width": 375, "height": 800})
    page.go_back()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the report is {width}px wide on a 375px phone"
    screenshot("continuum-report-phone")
