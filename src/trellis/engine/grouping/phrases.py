"""The grouping engine's words as coded phrases, so that a presentation
layer can say them in another language.

An explanation or a move reason is a *part*: ``(key, params)``. ``key``
names a phrase of :data:`PHRASES` (a ``%(name)s`` template); each parameter
is text said as it is (a code, a name, a figure), another part, or a list
(:func:`seq`, :func:`names`). :func:`say` renders a part with a phrase
table: the engine's English (:data:`PHRASES`) gives ``Group.explanation``;
the platform's gettext table gives the reader's language. Parts are plain
tuples, dicts, lists and strings, so they are stored as JSON (tuples come
back as lists; :func:`say` reads both)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from trellis.engine.grouping.types import (
    NO_EVIDENCE_NOTE,
    NO_INTERESTS_AT_ALL,
    NO_INTERESTS_SOME,
    NO_PROFILE_AT_ALL,
    NO_PROFILE_SOME,
    PROFILE_PHRASES,
)

#: (key, params); params map a name to text, a part or a list.
Part = tuple[str, dict[str, Any]]

#: Structural keys: lists, said with the words of :data:`PHRASES`.
SEQ = "_seq"  # items joined by a punctuation separator
AND = "_and"  # items joined as "a, b and c" (beyond ``limit``: "and N others")
TEXT = "_text"  # text said as it is (a teacher's own words)

#: The English of every phrase (``%(name)s`` fields).
PHRASES: dict[str, str] = {
    # Lists.
    "and": "%(items)s and %(last)s",
    "and_others": "%(items)s and %(n)s others",
    # A group's explanation: title, what the members share, count, evidence.
    "title": "%(title)s: %(text)s",
    "group_letter": "Group %(letter)s",
    "no_learners": "%(title)s: no learners.",
    "sentence": "%(text)s.",
    "today_objective": "today's objective",
    "the_objective": "the objective",
    "one_learner": "%(n)s learner",
    "learners": "%(n)s learners",
    "count_range": "%(count)s, readiness %(low)s-%(high)s",
    "evidence": "Evidence: %(items)s.",
    # Readiness.
    "not_assessed": "not yet assessed (no answers yet on %(obj)s or its prerequisites)",
    "also_not_assessed": "%(names)s not yet assessed (no answers yet on %(obj)s or its prerequisites)",
    "extension": "already shows mastery of %(obj)s: extension",
    "extension_statement": "already shows mastery of %(obj)s (%(statement)s): extension",
    "weak_one": "not yet secure on %(codes)s, the prerequisite of today's objective (%(obj)s)",
    "weak_many": "not yet secure on %(codes)s, prerequisites of today's objective (%(obj)s)",
    "averages": "%(code)s averages %(value)s",
    "ahead_one": "%(names)s is already secure on %(codes)s",
    "ahead_many": "%(names)s are already secure on %(codes)s",
    "secure": "secure on %(obj)s (mastery averages %(mean)s): ready to practise toward mastery",
    "ready": "prerequisites secure: ready for the objective %(obj)s",
    "ready_statement": "prerequisites secure: ready for the objective %(obj)s (%(statement)s)",
    "behind_one": "%(name)s is not yet secure on %(codes)s",
    "behind_many": "not yet secure: %(items)s",
    "behind_item": "%(name)s (%(codes)s)",
    # Mixed readiness.
    "mixed": (
        "mixed readiness, from %(low)s to %(high)s (mean %(mean)s), so learners further "
        "along can support the others on %(obj)s"
    ),
    # Interests.
    "shared_interest": "shared interest in %(items)s",
    "tag_count": "%(tag)s (%(count)s of %(n)s)",
    "no_shared_interest": "no interest shared by most of the group; the most common is %(tag)s (%(count)s of %(n)s)",
    "no_interests_anyone": "no interests stated yet by anyone in this group (%(names)s)",
    "no_interests_some": "no interests stated yet by %(names)s",
    # Learning profiles.
    "most": "most %(items)s",
    "held": "%(phrase)s (%(count)s of %(n)s)",
    "no_profile_anyone": "no learning profile stated yet by anyone in this group (%(names)s)",
    "mixed_profiles": "mixed learning profiles",
    "no_profile_some": "no learning profile stated yet by %(names)s",
    "take_in_other": "take in information best by %(value)s",
    "express_other": "show what they know by %(value)s",
    "engage_other": "like to work %(value)s",
    # The evidence behind each placement.
    "no_answers": "%(name)s: no answers yet",
    "answers_one": "%(name)s: %(n)s answer on %(obj)s",
    "answers": "%(name)s: %(n)s answers on %(obj)s",
    "and_prerequisites": "%(text)s and %(n)s on its prerequisites",
    "newest": "%(text)s, newest %(date)s",
    # Why a learner moved (regrouping).
    "rose": "mastery of %(code)s rose from %(before)s to %(after)s",
    "fell": "mastery of %(code)s fell from %(before)s to %(after)s",
    "first_evidence": "first evidence on %(obj)s: mastery %(after)s",
    "interests_changed": "stated interests changed",
    "profile_changed": "learning profile changed",
    "no_change": "regrouped with the class; no change in their own evidence",
    "new_to_grouping": "new to the grouping",
    "left_grouping": "not in the new grouping",
}


def _template(message: str) -> str:
    """A ``str.format`` message (``{name}``) as a phrase (``%(name)s``)."""
    return re.sub(r"\{(\w+)\}", r"%(\1)s", message)


#: The grouping's notes (``Grouping.notes``), one phrase per note.
NOTE_PHRASES: dict[str, str] = {
    "note_no_evidence": _template(NO_EVIDENCE_NOTE),
    "note_no_interests_at_all": NO_INTERESTS_AT_ALL,
    "note_no_interests_some": _template(NO_INTERESTS_SOME),
    "note_no_profile_at_all": NO_PROFILE_AT_ALL,
    "note_no_profile_some": _template(NO_PROFILE_SOME),
    "note_moved_one_band": (
        "To keep the requested learners apart or together, %(names)s was placed "
        "outside their readiness band."
    ),
    "note_moved_many_band": (
        "To keep the requested learners apart or together, %(names)s were placed "
        "outside their readiness band."
    ),
    "note_moved_one_draft": (
        "To keep the requested learners apart or together, %(names)s was placed "
        "outside their draft group."
    ),
    "note_moved_many_draft": (
        "To keep the requested learners apart or together, %(names)s were placed "
        "outside their draft group."
    ),
    "note_kept_together": "Kept together as asked: %(items)s.",
    "note_kept_apart": "Kept apart as asked: %(items)s.",
}
PHRASES.update(NOTE_PHRASES)

#: The reason given to a learner who changed group although their own
#: evidence did not change (``types.NO_CHANGE_REASON`` in words).
NO_CHANGE_PHRASE: Part = ("no_change", {})


def profile_phrase_key(dimension: str, value: str) -> str:
    """The key of a stated preference's phrase (``PROFILE_PHRASES``)."""
    return f"profile:{dimension}:{value}"


def part(key: str, **params: Any) -> Part:
    return (key, params)


def seq(items: Sequence[Any], sep: str) -> Part:
    """Items said one after another, separated by ``sep`` (punctuation)."""
    return (SEQ, {"items": list(items), "sep": sep})


def names(items: Sequence[Any], limit: int = 12) -> Part:
    """Items said as "a, b and c"; beyond ``limit``, "a, ... and N others"."""
    return (AND, {"items": list(items), "limit": limit})


def text(value: str) -> Part:
    return (TEXT, {"text": value})


def _is_part(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], dict)
    )


def say(value: Any, phrase: Callable[[str], str] = PHRASES.__getitem__) -> str:
    """A part (or text) in words, each phrase's template from ``phrase(key)``."""
    if isinstance(value, str):
        return value
    if not _is_part(value):
        return str(value)
    key, params = value
    if key == TEXT:
        return str(params["text"])
    if key == SEQ:
        return str(params["sep"]).join(say(v, phrase) for v in params["items"])
    if key == AND:
        return _and([say(v, phrase) for v in params["items"]], int(params["limit"]), phrase)
    values: Mapping[str, str] = {
        k: v if isinstance(v, str) else say(v, phrase) for k, v in params.items()
    }
    return phrase(key) % values


def _and(words: list[str], limit: int, phrase: Callable[[str], str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    if len(words) <= limit:
        return phrase("and") % {"items": ", ".join(words[:-1]), "last": words[-1]}
    return phrase("and_others") % {"items": ", ".join(words[:limit]), "n": len(words) - limit}


def keys_of(value: Any) -> set[str]:
    """Every phrase key a part uses (structural keys left out)."""
    if not _is_part(value):
        if isinstance(value, (list, tuple)):
            return set().union(*(keys_of(v) for v in value)) if value else set()
        return set()
    key, params = value
    out = set() if key.startswith("_") else {key}
    if key == AND:
        out |= {"and", "and_others"}
    for v in params.values():
        out |= keys_of(v)
    return out


def _profile_phrases() -> dict[str, str]:
    return {
        profile_phrase_key(k, v): phrase
        for k, values in PROFILE_PHRASES.items()
        for v, phrase in values.items()
    }


PHRASES.update(_profile_phrases())


def retitle(value: Any, title: str) -> Any:
    """The explanation ``value`` under another title (a renamed group): the
    ``title`` parameter of its first ``title`` or ``no_learners`` part."""
    if not _is_part(value):
        return value
    key, params = value
    if key in ("title", "no_learners"):
        return (key, {**params, "title": title})
    if key == SEQ and params["items"]:
        items = list(params["items"])
        items[0] = retitle(items[0], title)
        return (key, {**params, "items": items})
    return value
