"""Every page each role may see, in Chromium, at 1280 px and 390 px (issue 20):
axe-core's WCAG 2.2 AA rules with no serious or critical violation, and no
sideways scrolling. The URLs come from the URL conf; their ids from the demo
school (the records a person of each role really has). A failure names the
page, the width and the rule.

The full sweep (every page, every role, both widths) runs when
``TRELLIS_FULL_A11Y=1`` (``.ci/run`` sets it); ``make test`` runs each
role's home and a representative page of each part, to stay quick."""

from __future__ import annotations

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import SCREENSHOTS
from trellis.people.demo import DEMO_PASSWORD, demo_load
from trellis.people.models import SchoolClass, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FULL = os.environ.get("TRELLIS_FULL_A11Y") == "1"
WIDTHS = (1280, 390)
ROLES = {"teacher": "teacher1", "learner": "learner1", "guardian": "guardian1", "admin": "admin"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = {"serious", "critical"}
#: Not pages a person reads: sign-out, switches, files, fragments polled by
#: htmx, machine endpoints.
SKIP = re.compile(
    r"(^/admin/|^/api/|^/i18n/|logout|healthz|^/xapi/|\.json$|\.zip$|/file/$|/count/$|/live/$"
    r"|/reads/$|/live/flags/$|^/tasks/|/export/$|/delete/$|/confirm/$)"
)
#: The pages ``make test`` visits for each role (besides the home page).
SUBSET = re.compile(
    r"^/(assessments|goals|plans|family/children|differentiate|data|data/exports|competencies"
    r"|my-group|reports/continuum|classes/\d+/mastery)/$"
)
#: A URL parameter and the model its id names (``learner_id`` is a person).
MODELS = {
    "assessment_id": "evidence.Assessment", "child_id": "people.User",
    "choice_id": "personalization.AssessmentChoice", "class_id": "people.SchoolClass",
    "competency_id": "curriculum.Competency", "entry_id": "personalization.PortfolioEntry",
    "framework_id": "curriculum.Framework", "goal_id": "personalization.Goal",
    "grouping_id": "differentiation.Grouping", "learner_id": "people.User",
    "module_id": "individualization.Module", "objective_id": "individualization.SpecificObjective",
    "plan_id": "individualization.IndividualPlan", "proposal_id": "personalization.Proposal",
    "report_id": "individualization.SummativeReport", "request_id": "personalization.HelpRequest",
    "response_id": "evidence.Response", "school_id": "people.School",
    "sequence_id": "individualization.ModuleSequence", "support_id": "individualization.Support",
}  # fmt: skip


def _patterns(resolvers, prefix: str = "") -> list[str]:
    out = []
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            out += _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            out.append("/" + prefix + str(entry.pattern))
    return out


def _an_id(param: str, learner: User, school_class: SchoolClass) -> int | None:
    """An id for ``param``: learner1's own record, or one of their class's."""
    if param in ("learner_id", "child_id"):
        return learner.pk
    if param == "class_id":
        return school_class.pk
    label = MODELS.get(param)
    if label is None:
        return None
    model = apps.get_model(label)
    names = {f.name for f in model._meta.get_fields()}
    rows = model.objects.order_by("pk")
    for field, value in (("learner", learner), ("school_class", school_class)):
        if field in names and rows.filter(**{field: value}).exists():
            return rows.filter(**{field: value}).values_list("pk", flat=True).first()
    return rows.values_list("pk", flat=True).first()


def page_urls() -> list[str]:
    learner = User.objects.get(username="learner1")
    school_class = SchoolClass.objects.get(name="Maths 6A")
    urls = []
    for pattern in _patterns(get_resolver().url_patterns):
        if SKIP.search(pattern) or pattern.endswith(("$", "\\Z")):
            continue
        params = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        url = pattern
        for param in params:
            pk = _an_id(param, learner, school_class)
            if pk is None:
                break
            url = re.sub(rf"<(?:\w+:)?{param}>", str(pk), url, count=1)
        else:
            urls.append(url)
    return sorted(set(urls))


def check_page(page, axe: Axe, url: str, width: int) -> list[str]:
    """The problems of the page now shown: serious axe violations and width."""
    problems = []
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            where = violation["nodes"][0]["target"] if violation["nodes"] else ""
            problems.append(
                f"{url} @{width}px: axe {violation['id']} ({violation['impact']}) at {where}"
            )
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{url} @{width}px: scrolls sideways ({scroll} px wide)")
    return problems


def sign_in_as(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def test_every_page_each_role_may_see_is_accessible_and_fits_a_phone(page, live_server):
    demo_load()
    urls = page_urls()
    assert "/" in urls and "/data/" in urls and "/goals/" in urls
    if not FULL:
        urls = [u for u in urls if u == "/" or SUBSET.match(u)]
    axe = Axe()
    problems: list[str] = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visited = 0
    for role, username in ROLES.items():
        sign_in_as(page, live_server.url, username)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 844 if width < 500 else 900})
            for url in urls:
                try:
                    response = page.goto(f"{live_server.url}{url}")
                except PlaywrightError:
                    continue  # an action (POST only) answers a visit with an empty error
                if response is None or response.status != 200:
                    continue  # a page this role has no reason to see
                if "text/html" not in response.headers.get("content-type", ""):
                    continue
                page.wait_for_load_state("networkidle")
                visited += 1
                problems += [f"{role}: {p}" for p in check_page(page, axe, url, width)]
                if url == "/":
                    page.screenshot(
                        path=str(SCREENSHOTS / f"home-{role}-{width}.png"), full_page=True
                    )
    assert visited >= len(ROLES) * len(WIDTHS) * 3
    assert problems == [], "\n".join(problems)
