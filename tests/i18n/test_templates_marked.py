"""Every word a template shows goes through a translate tag (issue 20).

The templates are read with Django's own template Lexer: text outside
``{% translate %}`` / ``{% blocktranslate %}`` (and outside comments,
``<script>`` and ``<style>``) that contains a letter is a failure, and so is
a letter in an attribute a person sees or hears (``title``, ``alt``,
``placeholder``, ``aria-label``, the ``value`` of an input button). Variables and
other tags are left out, since what they print is translated where it is
made (forms, models, views)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

import trellis

ROOT = Path(trellis.__file__).parent

# Templates another branch is still translating, left out until it lands
# (none now: the header and menus came in with the "ui" branch).
NOT_YET_OURS: set[str] = set()

# Names and units that read the same in both languages (formats, standards).
SAME_IN_BOTH = {
    "Trellis",
    "s",
    "min",
    "CSV",
    "JSON",
    "OneRoster",
    "xAPI",
    "LRS",
    "DKT",
    "ASSISTments",
    "DataShop",
    "CASE",
}

VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}
BUTTON_TYPES = {"submit", "button", "reset"}
# Text that is not prose: commands and code, and the class names a page
# gives its body through a block.
NOT_PROSE_TAGS = {"script", "style", "code"}
NOT_PROSE_BLOCKS = {"body_class"}
# Stand-ins for what the lexer took out: a variable or another tag (may
# print anything) and a translated string (printed in the reader's language).
OTHER, TRANSLATED = "\x01", "\x02"
LETTER = re.compile(r"[^\W\d_]")
TRANSLATE_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}
SKIPPED_BLOCKS = {"comment": "endcomment", "verbatim": "endverbatim", **TRANSLATE_BLOCKS}


def templates() -> list[Path]:
    return sorted(
        p
        for p in ROOT.rglob("*")
        if p.suffix in {".html", ".txt"} and "templates" in p.relative_to(ROOT).parts
    )


def _masked(source: str) -> str:
    """The template with every tag and variable replaced by a stand-in and
    the inside of translate, comment and verbatim blocks dropped."""
    out: list[str] = []
    closing = None
    for token in Lexer(source).tokenize():
        if closing:
            if token.token_type == TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type == TokenType.TEXT:
            out.append(token.contents)
        elif token.token_type == TokenType.VAR:
            out.append(OTHER)
        elif token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if (
                name == "block"
                and token.contents.split()[1:2]
                and token.contents.split()[1] in NOT_PROSE_BLOCKS
            ):
                closing = "endblock"
            elif name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
                out.append(TRANSLATED if name in TRANSLATE_BLOCKS else "")
            elif name in {"translate", "trans"}:
                out.append(TRANSLATED)
            else:
                out.append(OTHER)
    return "".join(out)


def _words(text: str) -> str:
    """What is left once stand-ins and same-in-both names are taken out, if
    it has a letter."""
    text = text.replace(OTHER, " ").replace(TRANSLATED, " ")
    words = [w for w in text.split() if w.strip(".,:;()") not in SAME_IN_BOTH]
    left = " ".join(words)
    return left if LETTER.search(left) else ""


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_PROSE_TAGS:
            self.hidden += 1
        values = dict(attrs)
        for name, value in attrs:
            shown = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and values.get("type") in BUTTON_TYPES
            )
            if shown and value and _words(value):
                self.found.append(f'{name}="{_words(value)}"')

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_PROSE_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden and _words(data):
            self.found.append(_words(data))


def untranslated(source: str) -> list[str]:
    finder = _Finder()
    finder.feed(_masked(source))
    finder.close()
    return finder.found


def test_the_scanner_finds_text_outside_translate_tags():
    # The check itself must be able to fail: each of these is caught ...
    assert untranslated("<h1>Groups · {{ name }}</h1>") == ["Groups ·"]
    assert untranslated('<img alt="Heat map" src="x.png">') == ['alt="Heat map"']
    assert untranslated('<input type="submit" value="Save">') == ['value="Save"']
    assert untranslated("{% if x %}Saved{% endif %}") == ["Saved"]
    # ... and these are not.
    assert untranslated("{% load i18n %}<h1>{% translate 'Groups' %} · {{ n }}</h1>") == []
    assert untranslated("{% blocktranslate %}Hi {{ n }}{% endblocktranslate %}") == []
    assert untranslated('<a title="{% translate "Open" %}" href="/x/">{{ n }}</a>') == []
    assert untranslated('<input type="hidden" name="kind" value="readiness">') == []
    assert (
        untranslated('<button name="decision" value="accept">{% translate "Accept" %}</button>')
        == []
    )
    assert (
        untranslated(
            "<p><code>trellis fit-mastery</code></p>{% block body_class %}wide{% endblock %}"
        )
        == []
    )
    assert untranslated("<script>const label = 'x';</script>{# a note #}") == []
    assert untranslated("<p>CSV · JSON</p>") == []


def test_every_template_marks_its_text_for_translation():
    found = templates()
    assert len(found) > 90  # every app's templates were walked, not just one folder
    problems = []
    for path in found:
        name = str(path.relative_to(ROOT))
        if name in NOT_YET_OURS:
            continue
        for text in untranslated(path.read_text(encoding="utf-8")):
            problems.append(f"{name}: {text}")
    assert problems == [], "\n".join(problems)
