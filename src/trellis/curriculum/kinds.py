"""The curriculum's vocabularies: the kinds of assessment item and the
formats and accessibility features of a resource.

They live apart from the models so that other apps can name a kind (score a
rubric, list the formats on a profile page) without importing the curriculum's
tables, which only the curriculum queries (docs/architecture.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CHOICE = "choice"
#: "Choose all that apply": several options may be correct; the answer is the
#: set of options chosen, stored as sorted indexes ("0,2").
MULTIPLE_RESPONSE = "multiple_response"
NUMERIC = "numeric"
TEXT = "text"
RUBRIC = "rubric"
KINDS = [
    (CHOICE, _("Multiple choice")),
    (MULTIPLE_RESPONSE, _("Multiple response (choose all that apply)")),
    (NUMERIC, _("Numeric")),
    (TEXT, _("Short text")),
    (RUBRIC, _("Performance task (rubric)")),
]
AUTO_SCORED = {CHOICE, MULTIPLE_RESPONSE, NUMERIC, TEXT}
#: The kinds whose answer picks among ``options``.
WITH_OPTIONS = {CHOICE, MULTIPLE_RESPONSE}

FORMATS = [
    ("video", _("Video")),
    ("reading", _("Reading")),
    ("interactive", _("Interactive")),
    ("hands-on", _("Hands-on")),
    ("audio", _("Audio")),
    ("project", _("Project")),
]
ACCESSIBILITY_FEATURES = [
    ("captions", _("Captions")),
    ("transcript", _("Transcript")),
    ("audio-description", _("Audio description")),
    ("screen-reader", _("Works with a screen reader")),
    ("large-print", _("Large print")),
    ("read-aloud", _("Read aloud")),
    ("keyboard", _("Keyboard operable")),
]
