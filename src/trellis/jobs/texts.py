"""Task-run texts said in the reader's language.

A run's label, message and error are stored when the task runs, in English
(``gettext_noop`` templates filled with ``str.format``). Each app's
``tasks`` module registers its templates with :func:`task_text`; when a
run is shown (the task pages, ``/api/v1/tasks/{id}``), :func:`translated`
finds the template the stored text was made from, reads its values back,
and fills the template's translation with them. So runs stored before the
texts were translated read in the reader's language too, and a text that
matches no template (an error from a library, a value-free name) is shown
as stored."""

from __future__ import annotations

import re
from functools import cache

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

_TEMPLATES: dict[str, re.Pattern[str]] = {}
_FIELD = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    parts = _FIELD.split(template)
    # split alternates literal text and field names: "a {x} b" -> ["a ", "x", " b"].
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


def task_text(template: str) -> str:
    """Register ``template`` (an English msgid, marked with ``gettext_noop``)
    and return it unchanged, to be filled with ``.format`` and stored."""
    _TEMPLATES.setdefault(template, _pattern(template))
    return template


@cache
def _discovered() -> bool:
    # The tasks modules register their texts when imported; a web process
    # may not have imported them yet.
    autodiscover_modules("tasks")
    return True


def translated(text: str) -> str:
    """``text`` in the active language if it was made from a registered template."""
    if not text:
        return text
    _discovered()
    for template, pattern in _TEMPLATES.items():
        match = pattern.fullmatch(text)
        if match:
            return gettext(template).format(**match.groupdict())
    return text
