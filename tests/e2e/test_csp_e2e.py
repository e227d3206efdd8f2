"""The Content-Security-Policy breaks nothing: Chromium reports no policy
violation on the pages that use scripts, styles, SVG and the API docs."""

from __future__ import annotations

import pytest

from trellis.people.demo import DEMO_PASSWORD, demo_load
from trellis.people.models import SchoolClass

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pages_load_without_a_policy_violation(page, live_server, sign_in, screenshot):
    demo_load(with_learning=True)
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    sign_in("teacher1", DEMO_PASSWORD)
    school_class = SchoolClass.objects.get(name="Maths 6A")
    for path in (
        "/",
        f"/classes/{school_class.pk}/",
        f"/classes/{school_class.pk}/mastery/",
        f"/reports/continuum/?class={school_class.pk}",
        "/api/v1/docs",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("networkidle")
    # The Swagger UI rendered from Trellis's own files.
    assert page.locator(".swagger-ui").count() >= 1
    screenshot("csp-api-docs")
    assert violations == []
