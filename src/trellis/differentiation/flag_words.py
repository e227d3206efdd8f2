"""Live-flag reasons in the reader's language (the grouping phrases are in
``words``).

The engine (``trellis.engine.flags``) stays free of Django and writes each
flag's ``evidence`` in English; beside it, the flag carries the same
sentence as a key of ``REASONS`` and its parameters. This table says each
key through gettext; a test checks that every key the engine has is here
and that the English it gives is the engine's own sentence."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext_lazy

from trellis.engine.flags import Flag

_IDLE = ngettext_lazy(
    "No activity for %(minutes)s minute, since %(time)s",
    "No activity for %(minutes)s minutes, since %(time)s",
    "minutes",
)
_IDLE_FROM_START = ngettext_lazy(
    "No activity since the lesson started for %(minutes)s minute, since %(time)s",
    "No activity since the lesson started for %(minutes)s minutes, since %(time)s",
    "minutes",
)
FLAG_REASONS: dict[str, Promise] = {
    "wrong_on": ngettext_lazy(
        "%(count)s wrong in a row on %(competency)s since %(time)s",
        "%(count)s wrong in a row on %(competency)s since %(time)s",
        "count",
    ),
    "wrong": ngettext_lazy(
        "%(count)s wrong in a row since %(time)s",
        "%(count)s wrong in a row since %(time)s",
        "count",
    ),
    "idle": _IDLE,
    "idle_one": _IDLE,
    "idle_from_start": _IDLE_FROM_START,
    "idle_from_start_one": _IDLE_FROM_START,
    "mastered_objective": gettext_lazy("Mastered %(objective)s at %(time)s: ready for a challenge"),
    "mastered_the_objective": gettext_lazy(
        "Mastered the lesson's objective at %(time)s: ready for a challenge"
    ),
    "right_on": ngettext_lazy(
        "%(count)s right in a row on %(competency)s since %(time)s",
        "%(count)s right in a row on %(competency)s since %(time)s",
        "count",
    ),
    "right": ngettext_lazy(
        "%(count)s right in a row since %(time)s",
        "%(count)s right in a row since %(time)s",
        "count",
    ),
}


def _clock(at: dt.datetime) -> str:
    shown = timezone.localtime(at) if timezone.is_aware(at) else at
    return f"{shown:%H:%M}"


def flag_reason(flag: Flag) -> str:
    """The flag's evidence in the active language (the engine's English
    sentence when the flag carries no key)."""
    if not flag.reason:
        return flag.evidence
    params = {
        name: _clock(value) if isinstance(value, dt.datetime) else value
        for name, value in flag.reason_params
    }
    return str(FLAG_REASONS[flag.reason] % params)
