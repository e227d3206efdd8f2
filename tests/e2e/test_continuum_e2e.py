"""A teacher opens the continuum report for the demo class in Chromium, reads
the chart (with its whole-class band) and the table, opens the records
behind a number -- sentences with a date, learners, who acted and a link --
and reads what each row means; at 1280 px and on a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.menu import follow_menu
from trellis.people.demo import DEMO_PASSWORD, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_teacher_opens_continuum_for_demo_class(page, live_server, sign_in, screenshot, db):
    demo_load()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("teacher1", DEMO_PASSWORD)
    follow_menu(page, "Continuum", exact=True)
    page.get_by_label("Class", exact=True).select_option(
        label="Maths 6A (Trellis Demo Middle School)"
    )
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("mostly differentiation")
    chart = page.get_by_role("img", name="Continuum: Maths 6A")
    expect(chart).to_be_visible()
    expect(chart.locator("text", has_text="Whole class")).to_have_count(1)
    expect(page.get_by_role("columnheader", name="Whole class")).to_be_visible()
    screenshot("continuum-report-1280")
    page.get_by_role("link", name="group plans").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Group plans")
    first = page.locator(".continuum-records li").first
    expect(first.locator("time")).to_be_visible()
    expect(first).to_contain_text("wrote the group plan")
    expect(first).to_contain_text("learners:")
    expect(page.locator("body")).not_to_contain_text(" object (")
    screenshot("continuum-records-1280")
    records_url = page.url
    first.get_by_role("link", name="Open the record").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(records_url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the records page is {width}px wide on a 390px phone"
    screenshot("continuum-records-390")
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the report").click()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the report is {width}px wide on a 390px phone"
    screenshot("continuum-report-390")
    page.get_by_role("link", name="What each row means").click()
    expect(page.get_by_role("heading", name="Who designs")).to_be_visible()
    screenshot("continuum-about-390")
