"""Whether a learner has a pace under way, read with the item they answer.

After every recorded answer the pace check (``signals``, then
``pacing.paces_sync_for_learner``) reads the learner's paces under way; most
learners have none, and that read was a round trip of its own on every
answer. The answer endpoint asks the same question inside the statement
that reads the item (:func:`paces_under_way_sql`, one more column) and
notes the reply on the learner (:func:`paces_under_way_note`); the check
after the commit is then skipped when there is none (decision 0020).

The reply is read a few milliseconds before the answer's transaction: a
pace placed in between is checked at the learner's next answer. Anything
that records answers without the note (other endpoints, pages, imports)
gets the full check, as before.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from trellis.individualization.models import LearnerPace

if TYPE_CHECKING:
    from trellis.people.models import User

#: The learner object's attribute that carries the note.
_NOTE = "_trellis_paces_under_way"


@functools.cache
def paces_under_way_sql() -> str:
    """An SQL expression, true when the learner whose id is its one
    parameter has a pace not finished (what ``paces_sync_for_learner``
    reads, without the rows)."""
    return (
        f"EXISTS (SELECT 1 FROM {LearnerPace._meta.db_table} p"
        " WHERE p.learner_id = %s AND p.finished_at IS NULL)"
    )


def paces_under_way_note(learner: User, under_way: bool) -> None:
    """Remember, for the pace check after this request's answer, whether the
    learner had a pace under way when the item was read."""
    setattr(learner, _NOTE, bool(under_way))


def no_pace_under_way(learner: User | None) -> bool:
    """True only when a note says the learner had no pace under way."""
    return learner is not None and getattr(learner, _NOTE, True) is False
