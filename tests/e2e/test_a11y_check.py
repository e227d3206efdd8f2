"""The accessibility sweep's check itself (tests/e2e/a11y.py): a page with a
real violation fails it with the page, the width and the rule, and the same
page without it passes (so the sweep's silence means something)."""

from __future__ import annotations

import pytest

from tests.e2e.a11y import VIEWPORTS, add_axe, check_page

pytestmark = pytest.mark.browser

URL = "http://a11y.test/some/page/"
PAGE = (
    '<!doctype html><html lang="en"><head><title>A page</title></head><body><main>'
    "<h1>A page</h1>{extra}</main></body></html>"
)
#: An image with no text alternative (axe's image-alt: critical) and a box
#: wider than a phone.
VIOLATING = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
WIDE = '<div style="width: 600px">wide</div>'


def _show(page, html: str) -> None:
    page.route(URL, lambda route: route.fulfill(body=html, content_type="text/html"))
    add_axe(page.context)
    page.goto(URL)


def test_a_violation_is_named_with_its_page_width_and_rule(page):
    _show(page, PAGE.format(extra=VIOLATING + WIDE))
    page.set_viewport_size(VIEWPORTS[1])
    width = VIEWPORTS[1]["width"]

    problems = check_page(page, "/some/page/", width)

    assert len(problems) == 2, problems
    assert problems[0].startswith(f"/some/page/ @{width}px: axe image-alt (critical) at ")
    assert problems[1].startswith(f"/some/page/ @{width}px: scrolls sideways (")


def test_the_same_page_without_them_passes_at_both_widths(page):
    _show(
        page,
        PAGE.format(extra='<img alt="A dot" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'),
    )

    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        assert check_page(page, "/some/page/", viewport["width"]) == []
