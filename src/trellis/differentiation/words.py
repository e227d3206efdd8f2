"""Grouping explanations and move reasons in the reader's language.

The grouping engine (``trellis.engine.grouping``) stays free of Django: it
writes each explanation and move reason in English and, beside it, as a
phrase (``trellis.engine.grouping.phrases``: a key and parameters). The
platform stores the phrase with the group (``Group.explanation_phrase``,
``GroupMembership.reason_phrase``) and says it here through gettext, so a
grouping saved in one language reads in another. Text stored without a
phrase (a teacher's own words, groupings saved before phrases were kept) is
shown as it was written.

``PHRASES`` has one entry per engine phrase (``tests/i18n`` fails when the
engine gains one this table lacks) and the few the platform adds
(``PLATFORM_ENGLISH``: the teacher's edits and moves, the note on learners
without a learner profile). A grouping's notes are kept the same way
(``Grouping.note_phrases`` beside ``Grouping.notes``, said by
:func:`notes_said`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from trellis.engine.grouping import PHRASES as ENGINE_PHRASES
from trellis.engine.grouping import say as engine_say

#: The platform's own phrases, in English (the engine does not write these).
PLATFORM_ENGLISH: dict[str, str] = {
    "edited": "Changed by %(teacher)s: %(changes)s.",
    "the_teacher": "the teacher",
    "joined_from": "%(name)s joined from %(group)s",
    "joined": "%(name)s joined",
    "left_for": "%(name)s left for %(group)s",
    "left": "%(name)s left",
    "moved_by_teacher": "Moved by %(teacher)s",
    "joined_class": "New to the class",
    "no_profile_yet_interest": (
        "No learner profile yet for %(names)s: ask them to fill in “My learner profile” "
        "so that they can be grouped by interest."
    ),
    "no_profile_yet_profile": (
        "No learner profile yet for %(names)s: ask them to fill in “My learner profile” "
        "so that they can be grouped by learning profile."
    ),
}

PHRASES: dict[str, Promise] = {
    "and": gettext_lazy("%(items)s and %(last)s"),
    "and_others": gettext_lazy("%(items)s and %(n)s others"),
    "title": gettext_lazy("%(title)s: %(text)s"),
    "group_letter": gettext_lazy("Group %(letter)s"),
    "no_learners": gettext_lazy("%(title)s: no learners."),
    "sentence": gettext_lazy("%(text)s."),
    "today_objective": gettext_lazy("today's objective"),
    "the_objective": gettext_lazy("the objective"),
    "one_learner": gettext_lazy("%(n)s learner"),
    "learners": gettext_lazy("%(n)s learners"),
    "count_range": gettext_lazy("%(count)s, readiness %(low)s-%(high)s"),
    "evidence": gettext_lazy("Evidence: %(items)s."),
    "not_assessed": gettext_lazy(
        "not yet assessed (no answers yet on %(obj)s or its prerequisites)"
    ),
    "also_not_assessed": gettext_lazy(
        "%(names)s not yet assessed (no answers yet on %(obj)s or its prerequisites)"
    ),
    "extension": gettext_lazy("already shows mastery of %(obj)s: extension"),
    "extension_statement": gettext_lazy(
        "already shows mastery of %(obj)s (%(statement)s): extension"
    ),
    "weak_one": gettext_lazy(
        "not yet secure on %(codes)s, the prerequisite of today's objective (%(obj)s)"
    ),
    "weak_many": gettext_lazy(
        "not yet secure on %(codes)s, prerequisites of today's objective (%(obj)s)"
    ),
    "averages": gettext_lazy("%(code)s averages %(value)s"),
    "ahead_one": gettext_lazy("%(names)s is already secure on %(codes)s"),
    "ahead_many": gettext_lazy("%(names)s are already secure on %(codes)s"),
    "secure": gettext_lazy(
        "secure on %(obj)s (mastery averages %(mean)s): ready to practise toward mastery"
    ),
    "ready": gettext_lazy("prerequisites secure: ready for the objective %(obj)s"),
    "ready_statement": gettext_lazy(
        "prerequisites secure: ready for the objective %(obj)s (%(statement)s)"
    ),
    "behind_one": gettext_lazy("%(name)s is not yet secure on %(codes)s"),
    "behind_many": gettext_lazy("not yet secure: %(items)s"),
    "behind_item": gettext_lazy("%(name)s (%(codes)s)"),
    "mixed": gettext_lazy(
        "mixed readiness, from %(low)s to %(high)s (mean %(mean)s), so learners further along can support the others on %(obj)s"
    ),
    "shared_interest": gettext_lazy("shared interest in %(items)s"),
    "tag_count": gettext_lazy("%(tag)s (%(count)s of %(n)s)"),
    "no_shared_interest": gettext_lazy(
        "no interest shared by most of the group; the most common is %(tag)s (%(count)s of %(n)s)"
    ),
    "no_interests_anyone": gettext_lazy(
        "no interests stated yet by anyone in this group (%(names)s)"
    ),
    "no_interests_some": gettext_lazy("no interests stated yet by %(names)s"),
    "most": gettext_lazy("most %(items)s"),
    "held": gettext_lazy("%(phrase)s (%(count)s of %(n)s)"),
    "no_profile_anyone": gettext_lazy(
        "no learning profile stated yet by anyone in this group (%(names)s)"
    ),
    "mixed_profiles": gettext_lazy("mixed learning profiles"),
    "no_profile_some": gettext_lazy("no learning profile stated yet by %(names)s"),
    "take_in_other": gettext_lazy("take in information best by %(value)s"),
    "express_other": gettext_lazy("show what they know by %(value)s"),
    "engage_other": gettext_lazy("like to work %(value)s"),
    "no_answers": gettext_lazy("%(name)s: no answers yet"),
    "answers_one": gettext_lazy("%(name)s: %(n)s answer on %(obj)s"),
    "answers": gettext_lazy("%(name)s: %(n)s answers on %(obj)s"),
    "and_prerequisites": gettext_lazy("%(text)s and %(n)s on its prerequisites"),
    "newest": gettext_lazy("%(text)s, newest %(date)s"),
    "rose": gettext_lazy("mastery of %(code)s rose from %(before)s to %(after)s"),
    "fell": gettext_lazy("mastery of %(code)s fell from %(before)s to %(after)s"),
    "first_evidence": gettext_lazy("first evidence on %(obj)s: mastery %(after)s"),
    "interests_changed": gettext_lazy("stated interests changed"),
    "profile_changed": gettext_lazy("learning profile changed"),
    "no_change": gettext_lazy("regrouped with the class; no change in their own evidence"),
    "new_to_grouping": gettext_lazy("new to the grouping"),
    "left_grouping": gettext_lazy("not in the new grouping"),
    "profile:take_in:video": gettext_lazy("take in information best by watching (video)"),
    "profile:take_in:reading": gettext_lazy("take in information best by reading"),
    "profile:take_in:interactive": gettext_lazy(
        "take in information best by trying things on screen"
    ),
    "profile:take_in:hands-on": gettext_lazy(
        "take in information best by doing and making (hands-on)"
    ),
    "profile:take_in:audio": gettext_lazy("take in information best by listening"),
    "profile:take_in:project": gettext_lazy("take in information best by working on a project"),
    "profile:take_in:visual": gettext_lazy("take in information best by seeing it"),
    "profile:take_in:auditory": gettext_lazy("take in information best by hearing it"),
    "profile:express:writing": gettext_lazy("show what they know in writing"),
    "profile:express:speaking": gettext_lazy("show what they know by speaking or presenting"),
    "profile:express:making": gettext_lazy("show what they know by making or building something"),
    "profile:express:drawing": gettext_lazy("show what they know with drawings or diagrams"),
    "profile:express:video": gettext_lazy("show what they know by recording a video"),
    "profile:express:test": gettext_lazy("show what they know in a quiz or test"),
    "profile:express:written": gettext_lazy("show what they know in writing"),
    "profile:express:oral": gettext_lazy("show what they know by talking it through"),
    "profile:express:visual": gettext_lazy("show what they know with drawings and diagrams"),
    "profile:express:building": gettext_lazy("show what they know by making things"),
    "profile:engage:alone": gettext_lazy("like to work on their own"),
    "profile:engage:pairs": gettext_lazy("like to work with a partner"),
    "profile:engage:group": gettext_lazy("like to work in a small group"),
    "profile:engage:teacher": gettext_lazy("like to work with the teacher nearby"),
    "profile:engage:independent": gettext_lazy("like to work on their own"),
    "profile:engage:collaborative": gettext_lazy("like to work with others"),
    "profile:engage:guided": gettext_lazy("like to work with the teacher's guidance"),
    # The grouping's notes.
    "note_no_evidence": gettext_lazy(
        "Not yet assessed (no answers yet on %(obj)s or its prerequisites): %(names)s. Their "
        "readiness is unknown: they are kept together where the group sizes allow, and "
        "flagged in their group's explanation."
    ),
    "note_no_interests_at_all": gettext_lazy(
        "No learner has stated any interests yet, so the groups are only balanced in size."
    ),
    "note_no_interests_some": gettext_lazy(
        "No interests stated yet by %(names)s, so they could not be matched by interest; "
        "they were placed to balance the group sizes."
    ),
    "note_no_profile_at_all": gettext_lazy(
        "No learner has stated a learning profile yet, so the groups are only balanced in size."
    ),
    "note_no_profile_some": gettext_lazy(
        "No learning profile stated yet by %(names)s, so they could not be matched by "
        "preference; they were placed after the learners who stated one."
    ),
    "note_moved_one_band": gettext_lazy(
        "To keep the requested learners apart or together, %(names)s was placed "
        "outside their readiness band."
    ),
    "note_moved_many_band": gettext_lazy(
        "To keep the requested learners apart or together, %(names)s were placed "
        "outside their readiness band."
    ),
    "note_moved_one_draft": gettext_lazy(
        "To keep the requested learners apart or together, %(names)s was placed "
        "outside their draft group."
    ),
    "note_moved_many_draft": gettext_lazy(
        "To keep the requested learners apart or together, %(names)s were placed "
        "outside their draft group."
    ),
    "note_kept_together": gettext_lazy("Kept together as asked: %(items)s."),
    "note_kept_apart": gettext_lazy("Kept apart as asked: %(items)s."),
    # The platform's own.
    "edited": gettext_lazy("Changed by %(teacher)s: %(changes)s."),
    "the_teacher": gettext_lazy("the teacher"),
    "joined_from": gettext_lazy("%(name)s joined from %(group)s"),
    "joined": gettext_lazy("%(name)s joined"),
    "left_for": gettext_lazy("%(name)s left for %(group)s"),
    "left": gettext_lazy("%(name)s left"),
    "moved_by_teacher": gettext_lazy("Moved by %(teacher)s"),
    "joined_class": gettext_lazy("New to the class"),
    "no_profile_yet_interest": gettext_lazy(
        "No learner profile yet for %(names)s: ask them to fill in “My learner profile” "
        "so that they can be grouped by interest."
    ),
    "no_profile_yet_profile": gettext_lazy(
        "No learner profile yet for %(names)s: ask them to fill in “My learner profile” "
        "so that they can be grouped by learning profile."
    ),
}


def english(value: Any) -> str:
    """A phrase in English, as the engine (or the platform) writes it."""
    return engine_say(value, lambda key: ENGINE_PHRASES.get(key) or PLATFORM_ENGLISH[key])


def notes_said(notes: Sequence[str], phrases: Sequence[Any] | None) -> list[str]:
    """A grouping's notes in the active language: each note's phrase
    (``phrases[i]``) said, or the stored note when it has none (notes saved
    before phrases were kept, or a list of another length)."""
    notes = list(notes or [])
    phrases = list(phrases or [])
    if len(phrases) != len(notes):
        return notes
    return [say(phrase, note) for note, phrase in zip(notes, phrases, strict=True)]


def say(value: Any, fallback: str = "") -> str:
    """A phrase in the active language; ``fallback`` (the stored text) when
    there is no phrase or it names a key this table does not know (a
    phrase written by a newer engine)."""
    if not value:
        return fallback
    try:
        return engine_say(value, lambda key: str(PHRASES[key]))
    except (KeyError, TypeError, ValueError):
        return fallback
