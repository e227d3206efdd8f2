"""Every page a teacher or a guardian may see, in Chromium, at 1280 px and 390 px
(issue 20): axe-core's WCAG 2.2 AA rules with no serious or critical
violation, and no sideways scrolling. The URLs come from the URL conf, their
ids from the demo school; a failure names the role, page, width and rule.
The machinery is in ``tests/e2e/a11y.py``; the other roles are in the
sibling file, so that ``make test``'s two workers share the sweep.

``make test`` (and ``.ci/run``) visit every page; ``TRELLIS_FULL_A11Y=0`` visits
only each role's home and a representative page of each part."""

from __future__ import annotations

import os

import pytest

from tests.e2e.a11y import run_sweep

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_page_a_teacher_or_guardian_may_see_is_accessible_and_fits_a_phone(
    browser, live_server
):
    run_sweep(
        browser,
        live_server.url,
        ("teacher", "guardian"),
        full=os.environ.get("TRELLIS_FULL_A11Y") != "0",
    )
