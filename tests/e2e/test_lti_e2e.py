"""LTI in Chromium: the school admin's registration page (at 1280 px and
390 px), and a learner launched from the pretend LMS landing on the placed
assessment, signed in. The LMS's authentication endpoint is answered by the
browser itself (a routed page that posts the signed id token back, as an
LMS does); its JWKS by ``responses`` inside the server."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import responses
from playwright.sync_api import expect

from tests.differentiation.conftest import make_curriculum
from tests.factories import PASSWORD
from tests.lti.platform import CLAIM, LEARNER, FakeLms
from tests.world import build_school
from trellis.evidence.models.assessment import OF_LEARNING
from trellis.evidence.services import assessment_create
from trellis.lti.models import KIND_ASSESSMENT, Context, Placement, Platform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lms():
    # Only the LMS's own addresses are mocked; the browser's traffic to the
    # live server does not go through requests.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_passthru("http://localhost")
        mock.add_passthru("http://127.0.0.1")
        yield FakeLms(mock=mock)


def _no_horizontal_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_admin_registers_an_lms_on_the_registration_page(
    page, live_server, sign_in, screenshot, db
):
    school = build_school("e_")
    sign_in(school.admin.username, PASSWORD)
    page.goto(f"{live_server.url}/lti/platforms/")
    expect(page.get_by_role("heading", name="Trellis in your LMS (LTI 1.3)")).to_be_visible()
    expect(page.locator("#lti-jwks-url")).to_have_text(f"{live_server.url}/lti/jwks/")
    expect(page.locator("#lti-login-url")).to_have_text(f"{live_server.url}/lti/login/")
    page.get_by_label("Name (for you)").fill("School Moodle")
    page.get_by_label("Issuer").fill("https://moodle.example.edu")
    page.get_by_label("Client id").fill("Xy12")
    page.get_by_label("Deployment ids").fill("3")
    page.get_by_label("Authentication request URL").fill(
        "https://moodle.example.edu/mod/lti/auth.php"
    )
    page.get_by_label("Access token URL").fill("https://moodle.example.edu/mod/lti/token.php")
    page.get_by_label("Public keyset (JWKS) URL").fill(
        "https://moodle.example.edu/mod/lti/certs.php"
    )
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_text("The LMS is registered.")).to_be_visible()
    expect(page.get_by_role("link", name="School Moodle")).to_be_visible()
    assert Platform.objects.get().deployment_ids == ["3"]
    screenshot("lti-platforms-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_horizontal_scroll(page)
    screenshot("lti-platforms-390")


def test_a_learner_launched_from_the_lms_lands_on_the_placed_assessment(
    page, live_server, screenshot, lms, db
):
    school = build_school("f_")
    platform = lms.register(school.school)
    # The LMS's login endpoint lives (for the browser) next to Trellis.
    platform.auth_login_url = f"{live_server.url}/pretend-lms/auth"
    platform.save()
    cur = make_curriculum(school.school, "f_")
    assessment = assessment_create(
        school_class=school.class_a,
        title="Ratios end-of-unit check",
        purpose=OF_LEARNING,
        created_by=school.teacher,
        items=[cur.prereq_item, cur.objective_item],
    )
    context = Context.objects.create(
        platform=platform, context_id="course-7", school_class=school.class_a
    )
    placement = Placement.objects.create(
        platform=platform,
        context=context,
        kind=KIND_ASSESSMENT,
        target_id=assessment.pk,
        title=assessment.title,
        created_by=school.teacher,
    )
    school.learner.email = "ana@f.example"
    school.learner.save()

    # Trellis answers the login initiation by sending the browser to the
    # LMS's authentication endpoint (with state and nonce, and the state
    # cookie set); the LMS's answer is a page that posts the id token back.
    page.goto(
        f"{live_server.url}/lti/login/?iss={lms.issuer}&client_id={lms.client_id}"
        f"&login_hint=ana&target_link_uri={live_server.url}/lti/launch/"
    )
    assert urlparse(page.url).path == "/pretend-lms/auth"
    asked = {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}
    claims = lms.claims(
        sub="lms-ana",
        nonce=asked["nonce"],
        roles=[LEARNER],
        email="ana@f.example",
        **{
            CLAIM + "custom": {"trellis_placement": str(placement.key)},
            CLAIM + "resource_link": {"id": "link-e2e"},
        },
    )
    html = (
        f'<form method="post" action="{asked["redirect_uri"]}">'
        f'<input type="hidden" name="id_token" value="{lms.sign(claims)}">'
        f'<input type="hidden" name="state" value="{asked["state"]}">'
        '<button type="submit">Continue</button></form>'
    )
    page.set_content(html)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path == f"/assessments/{assessment.pk}/take/"
    expect(page.get_by_text("Ratios end-of-unit check").first).to_be_visible()
    screenshot("lti-launch-landing-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    _no_horizontal_scroll(page)
