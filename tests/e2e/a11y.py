"""The accessibility sweep's machinery (issue 20): which URLs each role is
sent to, and what is checked on each page. The sweep itself is in
``test_every_page_a11y_*.py`` (split in two files so that ``make test``'s
two xdist workers, ``--dist loadfile``, share it).

Each page is loaded once per role at 1280 px; axe-core runs on it, the
width is checked, then the same document is narrowed to 390 x 844 (no
reload: no script of ours reads the width, the CSS alone lays the phone
out) and axe and the width check run again. axe-core is added to every
document of the sweep's browser context once, as an init script, instead of
being sent over the wire before each run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import Error as PlaywrightError

from tests.e2e.conftest import SCREENSHOTS
from trellis.people.demo import DEMO_PASSWORD, demo_load
from trellis.people.models import SchoolClass, User

#: Desktop first, then the phone (its height is a common phone's).
VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 390, "height": 844})
ROLES = {"teacher": "teacher1", "learner": "learner1", "guardian": "guardian1", "admin": "admin"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERIOUS = ("serious", "critical")
#: Only the violations come back from the browser, and of each only what a
#: failure names (the rule, its impact, the first element).
AXE_RUN = """([options, impacts]) => axe.run(document, options).then(results => results.violations
  .filter(v => impacts.includes(v.impact))
  .map(v => ({id: v.id, impact: v.impact, target: v.nodes.length ? v.nodes[0].target : []})))
"""
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
#: htmx has finished what the page asked on load (the notification count).
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')"
#: Not pages a person reads: sign-out, switches, files, fragments polled by
#: htmx, machine endpoints.
SKIP = re.compile(
    r"(^/admin/|^/api/|^/i18n/|logout|healthz|^/xapi/|\.json$|\.zip$|/file/$|/count/$|/live/$"
    r"|/reads/$|/live/flags/$|^/tasks/|/export/$|/delete/$|/confirm/$)"
)
#: The pages ``make test`` visits for each role (besides the home page)
#: when TRELLIS_FULL_A11Y=0 (a quick local run).
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
    for field_name, value in (("learner", learner), ("school_class", school_class)):
        if field_name in names and rows.filter(**{field_name: value}).exists():
            return rows.filter(**{field_name: value}).values_list("pk", flat=True).first()
    return rows.values_list("pk", flat=True).first()


def page_urls(*, full: bool) -> list[str]:
    """One URL per pattern of the URL conf (its ids from the demo school);
    all of them when ``full``, else the home page and ``SUBSET``."""
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
    urls = sorted(set(urls))
    return urls if full else [u for u in urls if u == "/" or SUBSET.match(u)]


def check_page(page, url: str, width: int) -> list[str]:
    """The problems of the document now shown, each naming the page, the
    width and the rule: serious or critical axe violations, and sideways
    scrolling. axe-core must be in the page (``add_axe``)."""
    problems = [
        f"{url} @{width}px: axe {v['id']} ({v['impact']}) at {v['target']}"
        for v in page.evaluate(AXE_RUN, [AXE_OPTIONS, list(SERIOUS)])
    ]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{url} @{width}px: scrolls sideways ({scroll} px wide)")
    return problems


def add_axe(context) -> None:
    """axe-core (shipped inside axe-playwright-python: nothing from a CDN) in
    every document the context loads from now on."""
    context.add_init_script(script=Axe().axe_script)


@dataclass
class Sweep:
    """What one role's sweep saw."""

    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    screenshots: list = field(default_factory=list)


def sweep_role(browser, base: str, role: str, urls: list[str]) -> Sweep:
    """Sign in as ``role``'s demo account in a fresh context (no service
    worker: its background fetches would only load the server) and check
    every URL that answers this role with an HTML page, at both widths.
    Screenshots of the home page at both widths go to var/screenshots/."""
    context = browser.new_context(viewport=VIEWPORTS[0], service_workers="block")
    context.set_default_timeout(20_000)
    add_axe(context)
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(ROLES[role])
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shots = [SCREENSHOTS / f"home-{role}-{viewport['width']}.png" for viewport in VIEWPORTS]
    for shot in shots:
        shot.unlink(missing_ok=True)
    seen = Sweep()
    for url in urls:
        page.set_viewport_size(VIEWPORTS[0])
        try:
            response = page.goto(f"{base}{url}")
        except PlaywrightError:
            continue  # an action (POST only) answers a visit with an empty error
        if response is None or response.status != 200:
            continue  # a page this role has no reason to see
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        seen.visited.append(url)
        for viewport in VIEWPORTS:
            page.set_viewport_size(viewport)
            page.wait_for_function(SETTLED)
            seen.problems += [f"{role}: {p}" for p in check_page(page, url, viewport["width"])]
            if url == "/":
                page.screenshot(path=str(shots[VIEWPORTS.index(viewport)]), full_page=True)
    context.close()
    seen.screenshots = [shot for shot in shots if shot.exists()]
    return seen


def run_sweep(browser, base: str, roles: tuple[str, ...], *, full: bool) -> None:
    """Load the demo school and sweep ``roles``; fail with every problem."""
    demo_load()
    urls = page_urls(full=full)
    assert "/" in urls and "/goals/" in urls
    problems: list[str] = []
    for role in roles:
        seen = sweep_role(browser, base, role, urls)
        assert "/" in seen.visited and len(seen.visited) >= 3, (role, seen.visited)
        assert len(seen.screenshots) == len(VIEWPORTS), (role, seen.screenshots)
        problems += seen.problems
    assert problems == [], "\n".join(problems)
