"""Each demo role signs in through the real form in Chromium, sees its own
home page, and is refused a page it has no reason to see."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from trellis.people.demo import DEMO_PASSWORD, demo_load
from trellis.people.models import School, SchoolClass, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_people(db):
    demo_load(with_learning=False)
    outsider_school = School.objects.create(name="Elsewhere Academy", code="elsewhere")
    return outsider_school


def test_teacher_sees_their_classes_and_not_another_teachers(
    page, live_server, sign_in, screenshot, demo_people
):
    sign_in("teacher1", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Classes you teach")).to_be_visible()
    expect(page.get_by_role("link", name="Maths 6A")).to_be_visible()
    expect(page.get_by_role("link", name="Maths 6B")).to_have_count(0)
    page.get_by_text("Roster").first.click()
    expect(
        page.get_by_role("link", name=str(User.objects.get(username="learner1")))
    ).to_be_visible()
    screenshot("home-teacher")
    other = SchoolClass.objects.get(name="Maths 6B")
    response = page.goto(f"{live_server.url}/classes/{other.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_learner_sees_their_classes_and_not_a_classmate(
    page, live_server, sign_in, screenshot, demo_people
):
    sign_in("learner1", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Your classes")).to_be_visible()
    expect(page.get_by_role("link", name="Maths 6A")).to_be_visible()
    screenshot("home-learner")
    classmate = User.objects.get(username="learner2")
    assert page.goto(f"{live_server.url}/learners/{classmate.pk}/").status == 404


def test_guardian_sees_both_children_and_no_one_else(
    page, live_server, sign_in, screenshot, demo_people
):
    sign_in("guardian1", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Your children")).to_be_visible()
    for username in ("learner1", "learner2"):
        expect(
            page.get_by_role("link", name=str(User.objects.get(username=username)))
        ).to_be_visible()
    screenshot("home-guardian")
    stranger_child = User.objects.get(username="learner3")
    assert page.goto(f"{live_server.url}/learners/{stranger_child.pk}/").status == 404


def test_admin_sees_school_counts_and_not_another_school(
    page, live_server, sign_in, screenshot, demo_people
):
    User.objects.filter(username="admin").update(is_superuser=False, is_staff=False)
    sign_in("admin", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Your school")).to_be_visible()
    expect(page.locator("[data-role=admin] .counts")).to_contain_text("100")
    screenshot("home-admin")
    assert page.goto(f"{live_server.url}/schools/{demo_people.pk}/").status == 404


def test_wrong_password_says_so_without_detail(page, live_server, sign_in):
    sign_in("teacher1", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    expect(page.get_by_label("Username")).to_be_visible()


def test_home_page_is_usable_on_a_phone(page, live_server, sign_in, screenshot, demo_people):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in("guardian1", DEMO_PASSWORD)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways on a phone ({width}px)"
    header = page.evaluate("getComputedStyle(document.querySelector('.site-header')).display")
    assert header == "flex", "the stylesheet did not load"
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    screenshot("home-guardian-phone")
