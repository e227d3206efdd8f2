"""The demo school's pages, read in Spanish by each role, show no English
that the catalogue translates (issue 20).

For every role's demo account the test follows the links of its pages from
its home page (one page per URL shape, so a class page is read once, not
once per class) and collects every visible text node and every visible
attribute (``title``, ``alt``, ``placeholder``, ``aria-label``). A text
equal to an English msgid whose Spanish differs is a failure: it means some
string reached the page without passing through gettext. What people wrote
(names, goals, competency statements) is never a msgid, so it cannot fail
the test by accident; a sentence an English speaker would write the same way
in both languages (``No``, ``Audio``) has an msgstr equal to its msgid and is
left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from tests.i18n.test_spanish import catalogue
from tests.i18n.test_templates_marked import NOT_YET_OURS
from trellis.people.demo import demo_load
from trellis.people.models import User

pytestmark = pytest.mark.django_db

ROLES = ("admin", "teacher1", "learner1", "guardian1")
PAGES_PER_ROLE = 45
# Links that leave the pages: sign-out, the site operator's admin, the API,
# downloads and exports (files, not pages), and the language switch.
NOT_PAGES = re.compile(
    r"^/(accounts/logout|logout|admin/|api/|static/|media/|i18n/)|\.(csv|json|zip|pdf|svg)$|/export|/case/?$|/file/?$|/download"
)
VISIBLE_ATTRIBUTES = ("title", "alt", "placeholder", "aria-label")
# Menus (<nav>) are left out only while a template is still being
# translated in another branch (NOT_YET_OURS); they are read now.
NOT_READ = ("script", "style", "code", "textarea") + (("nav",) if NOT_YET_OURS else ())


def english_msgids() -> set[str]:
    """Every English msgid without placeholders whose Spanish differs."""
    found = set()
    for entry in catalogue():
        fields = entry["fields"]
        msgid = fields["msgid"]
        if "msgid_plural" in fields or "%(" in msgid or "{" in msgid:
            continue
        msgid = msgid.replace("%%", "%")
        if fields.get("msgstr", "").replace("%%", "%") != msgid and re.search("[A-Za-z]", msgid):
            found.add(msgid)
    return found


class _Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in NOT_READ:
            self.hidden += 1
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name) and not self.hidden:
                self.texts.append(values[name].strip())

    def handle_endtag(self, tag):
        if tag in NOT_READ and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(" ".join(data.split()))


def read(html: str) -> _Texts:
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return parser


def crawl(client: Client, start: str = "/") -> dict[str, str]:
    """Pages reachable by links from ``start``: one per URL shape."""
    pages: dict[str, str] = {}
    shapes: set[str] = set()
    queue = [start]
    while queue and len(pages) < PAGES_PER_ROLE:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", url)
        if shape in shapes:
            continue
        shapes.add(shape)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in read(html).links:
            parts = urlsplit(urljoin(url, href))
            if parts.scheme and parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith("/") and not NOT_PAGES.search(parts.path):
                queue.append(target)
    return pages


def test_the_check_catches_an_english_text_node():
    # A page that leaked one catalogue string in English, in a text node and
    # in a visible attribute, is caught; Spanish and people's words are not.
    english = {"Save goal", "Close now"}
    html = '<p>Guardar meta</p><button>Save goal</button><a title="Close now">x</a><p>Fractions</p>'
    assert sorted(t for t in read(html).texts if t in english) == ["Close now", "Save goal"]


@pytest.fixture
def demo():
    return demo_load(days=3)


def test_every_role_reads_its_pages_in_spanish(demo):
    english = english_msgids()
    assert len(english) > 500  # the catalogue was read, not just its header
    problems = []
    visited = 0
    for username in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.cookies["django_language"] = "es"
        pages = crawl(client)
        assert len(pages) >= 3, f"{username} reached only {sorted(pages)}"
        visited += len(pages)
        for url, html in pages.items():
            assert 'lang="es"' in html, f"{url} for {username} is not in Spanish"
            for text in read(html).texts:
                if text in english:
                    problems.append(f"{username} {url}: {text!r}")
    assert visited > 40
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
