"""One date format on every page, per language (issue 20: "Dec. 5, 2026"
beside "6 Dec 2026"): a date shown bare, through ``|date`` or through
``|date:"DATE_FORMAT"`` comes out the same way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize(("language", "expected"), [("en", "5 Dec 2026"), ("es", "5 Dic 2026")])
def test_every_way_of_showing_a_date_agrees(language, expected):
    shown = Template('{{ d }}|{{ d|date }}|{{ d|date:"DATE_FORMAT" }}')
    with translation.override(language):
        parts = shown.render(Context({"d": DAY})).split("|")
    assert parts[0].lower() == parts[1].lower() == parts[2].lower() == expected.lower()
