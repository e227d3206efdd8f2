"""Words from other apps' choices that the family pages show, marked here so
that ``makemessages`` collects them (the pages translate them by value)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

WORDS = (
    # mastery levels (evidence)
    gettext_noop("Not started"),
    gettext_noop("Attempted"),
    gettext_noop("Familiar"),
    gettext_noop("Proficient"),
    gettext_noop("Mastered"),
    # goal statuses (personalization)
    gettext_noop("Waiting for the teacher"),
    gettext_noop("Approved"),
    gettext_noop("Changes asked"),
    # support kinds (individualization)
    gettext_noop("One-on-one"),
    gettext_noop("Small group"),
)
