"""The engine speaks English and stays free of Django; the pages translate
its words through Django-side tables keyed by the engine's keys. These tests
fail when the engine gains a row, a kind of decision, a column or a
placement phrase that the tables do not translate."""

from __future__ import annotations

import itertools

from django.utils import translation

from trellis.engine import continuum
from trellis.reports import words


def test_every_continuum_key_has_words():
    assert set(words.ROW_TITLES) == set(words.ROW_MEASURES) == set(continuum.ROW_KEYS)
    assert set(words.SOURCE_LABELS) == {s.key for s in continuum.SOURCES}
    assert set(words.COLUMN_TITLES) == set(continuum.COLUMNS)


def test_every_placement_the_engine_can_say_is_translated():
    steps = [i / 10 for i in range(11)]
    said = {continuum.placement_label(None)}
    for a, b, c in itertools.product(steps, repeat=3):
        if a + b + c <= 1:
            said.add(continuum.placement_label((round(1 - a - b - c, 2), a, b, c)))
    assert len(said) >= 8  # the grid reached the engine's different phrases
    assert said <= set(words.PLACEMENTS)
    with translation.override("es"):
        spanish = {label: words.placement(label) for label in said}
    assert all(spanish[label] != label for label in said), spanish
