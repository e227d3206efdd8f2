"""The one columnar structure every data reader, the simulator and every
mastery model share: a log of responses held as parallel NumPy arrays."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class ResponseLog:
    """Responses as parallel arrays, one entry per response.

    ``learner`` and ``skill`` are dense integer codes (0..n-1); the original
    identifiers are kept in ``learner_ids`` and ``skill_ids`` so that codes can
    be mapped back. ``order`` is a per-log sort key: within one learner,
    responses are in time order when sorted by ``order`` (stable).
    ``item`` (-1 when unknown) and ``time`` (seconds since an epoch, NaN when
    unknown) are optional.
    """

    learner: NDArray[np.int64]
    skill: NDArray[np.int64]
    correct: NDArray[np.int8]
    order: NDArray[np.int64]
    item: NDArray[np.int64] | None = None
    time: NDArray[np.float64] | None = None
    learner_ids: tuple[str, ...] = field(default_factory=tuple)
    skill_ids: tuple[str, ...] = field(default_factory=tuple)
    item_ids: tuple[str, ...] = field(default_factory=tuple)
    dropped: int = 0

    def __len__(self) -> int:
        return int(self.learner.shape[0])

    @property
    def n_learners(self) -> int:
        return len(self.learner_ids) if self.learner_ids else int(self.learner.max(initial=-1)) + 1

    @property
    def n_skills(self) -> int:
        return len(self.skill_ids) if self.skill_ids else int(self.skill.max(initial=-1)) + 1

    def sorted(self) -> ResponseLog:
        """Return the log ordered by learner, then ``order`` (stable)."""
        idx = np.lexsort((self.order, self.learner))
        return self.take(idx)

    def take(self, idx: NDArray[np.int64]) -> ResponseLog:
        """A new log holding the responses at ``idx``; codes and ids are kept."""
        return ResponseLog(
            learner=self.learner[idx],
            skill=self.skill[idx],
            correct=self.correct[idx],
            order=self.order[idx],
            item=None if self.item is None else self.item[idx],
            time=None if self.time is None else self.time[idx],
            learner_ids=self.learner_ids,
            skill_ids=self.skill_ids,
            item_ids=self.item_ids,
            dropped=self.dropped,
        )

    def for_learners(self, learners: NDArray[np.int64]) -> ResponseLog:
        """The responses of the given learner codes (for by-learner splits)."""
        mask = np.isin(self.learner, learners)
        return self.take(np.flatnonzero(mask))
