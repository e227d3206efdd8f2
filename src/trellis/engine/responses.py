"""The one columnar structure every data reader, the simulator and every
mastery model share: a log of answers held as parallel NumPy arrays.

One row is one answer. An answer touches one skill (``skill``) or, when the
log carries ``skill_ptr``/``skill_idx``, a *set* of skills stored in CSR
form: the skills of answer ``i`` are ``skill_idx[skill_ptr[i]:skill_ptr[i+1]]``
(distinct, at least one, in the order the data gave them); ``skill[i]`` is
then the first of them. Build a multi-skill log with
:meth:`ResponseLog.from_skill_lists` or :meth:`ResponseLog.multi`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray


def _i64(a: Any) -> NDArray[np.int64]:
    return np.asarray(a, dtype=np.int64)


@dataclass(frozen=True)
class ResponseLog:
    """Answers as parallel arrays, one entry per answer.

    ``learner`` and ``skill`` are dense integer codes (0..n-1); the original
    identifiers are kept in ``learner_ids`` and ``skill_ids`` so that codes can
    be mapped back. ``order`` is a per-log sort key: within one learner,
    answers are in time order when sorted by ``order`` (stable: answers with
    equal ``order`` count in row order, earlier row first). ``item`` (-1 when
    unknown) and ``time`` (seconds since an epoch, NaN when unknown) are
    optional.

    ``skill_ptr`` (length ``n + 1``) and ``skill_idx`` are the optional CSR
    arrays of the answers' skill sets (see the module docstring); without them
    every answer has the single skill ``skill[i]``.
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
    skill_ptr: NDArray[np.int64] | None = None
    skill_idx: NDArray[np.int64] | None = None

    def __post_init__(self) -> None:
        if (self.skill_ptr is None) != (self.skill_idx is None):
            raise ValueError("skill_ptr and skill_idx must be given together")
        if self.skill_ptr is None or self.skill_idx is None:
            return
        n = int(self.learner.shape[0])
        ptr, idx = self.skill_ptr, self.skill_idx
        if ptr.shape != (n + 1,) or int(ptr[0]) != 0:
            raise ValueError(f"skill_ptr must have {n + 1} entries starting at 0")
        if int(ptr[-1]) != idx.shape[0]:
            raise ValueError("skill_ptr must end at len(skill_idx)")
        if np.any(np.diff(ptr) < 1):
            raise ValueError("every answer needs at least one skill")
        if n and not np.array_equal(self.skill, idx[ptr[:-1]]):
            raise ValueError("skill must be the first skill of each answer")

    # ---------------------------------------------------------- building
    @classmethod
    def multi(
        cls,
        *,
        learner: Any,
        skill_ptr: Any,
        skill_idx: Any,
        correct: Any,
        order: Any,
        item: Any = None,
        time: Any = None,
        learner_ids: tuple[str, ...] = (),
        skill_ids: tuple[str, ...] = (),
        item_ids: tuple[str, ...] = (),
        dropped: int = 0,
    ) -> ResponseLog:
        """A log whose answers may touch several skills, from CSR arrays
        (``skill`` is derived: the first skill of each answer)."""
        ptr, idx = _i64(skill_ptr), _i64(skill_idx)
        # (clipped so that a malformed ptr reaches the checks of __post_init__)
        head = np.clip(ptr[:-1], 0, max(idx.shape[0] - 1, 0))
        first = idx[head] if idx.shape[0] else np.zeros(max(ptr.shape[0] - 1, 0), np.int64)
        return cls(
            learner=_i64(learner),
            skill=first,
            correct=np.asarray(correct, dtype=np.int8),
            order=_i64(order),
            item=None if item is None else _i64(item),
            time=None if time is None else np.asarray(time, dtype=np.float64),
            learner_ids=learner_ids,
            skill_ids=skill_ids,
            item_ids=item_ids,
            dropped=dropped,
            skill_ptr=ptr,
            skill_idx=idx,
        )

    @classmethod
    def from_skill_lists(
        cls, *, learner: Any, skills: Sequence[Sequence[int]], correct: Any, order: Any, **kw: Any
    ) -> ResponseLog:
        """A log from one list of skill codes per answer (duplicates within
        an answer are dropped, first occurrence kept); other keyword
        arguments as for :meth:`multi`."""
        ptr = [0]
        idx: list[int] = []
        for i, ks in enumerate(skills):
            seen: set[int] = set()
            for k in ks:
                if int(k) not in seen:
                    seen.add(int(k))
                    idx.append(int(k))
            if not seen:
                raise ValueError(f"answer {i} has no skill")
            ptr.append(len(idx))
        return cls.multi(
            learner=learner, skill_ptr=ptr, skill_idx=idx, correct=correct, order=order, **kw
        )

    # ---------------------------------------------------------- reading
    def __len__(self) -> int:
        return int(self.learner.shape[0])

    @property
    def n_learners(self) -> int:
        return len(self.learner_ids) if self.learner_ids else int(self.learner.max(initial=-1)) + 1

    @property
    def n_skills(self) -> int:
        if self.skill_ids:
            return len(self.skill_ids)
        src = self.skill if self.skill_idx is None else self.skill_idx
        return int(src.max(initial=-1)) + 1

    @property
    def is_multi_skill(self) -> bool:
        """Whether some answer touches more than one skill."""
        return (
            self.skill_ptr is not None
            and self.skill_idx is not None
            and (self.skill_idx.shape[0] > len(self))
        )

    def csr(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """``(skill_ptr, skill_idx)``, also for a one-skill-per-answer log."""
        if self.skill_ptr is not None and self.skill_idx is not None:
            return self.skill_ptr, self.skill_idx
        return np.arange(len(self) + 1, dtype=np.int64), self.skill.astype(np.int64)

    def skills_of(self, i: int) -> NDArray[np.int64]:
        """The skill codes of answer ``i``."""
        ptr, idx = self.csr()
        return idx[int(ptr[i]) : int(ptr[i + 1])]

    def expand(self) -> tuple[ResponseLog, NDArray[np.int64]]:
        """One row per (answer, skill), for per-skill models, and the answer
        each row comes from. Rows of one answer keep its ``order``; within a
        skill every answer still appears once, so per-skill sequences are
        honest (nothing is read twice)."""
        ptr, idx = self.csr()
        answer = np.repeat(np.arange(len(self), dtype=np.int64), np.diff(ptr))
        out = ResponseLog(
            learner=self.learner[answer],
            skill=idx.astype(np.int64),
            correct=self.correct[answer],
            order=self.order[answer],
            item=None if self.item is None else self.item[answer],
            time=None if self.time is None else self.time[answer],
            learner_ids=self.learner_ids,
            skill_ids=self.skill_ids,
            item_ids=self.item_ids,
            dropped=self.dropped,
        )
        return out, answer

    def sorted(self) -> ResponseLog:
        """Return the log ordered by learner, then ``order`` (stable)."""
        idx = np.lexsort((self.order, self.learner))
        return self.take(idx)

    def take(self, idx: NDArray[np.int64]) -> ResponseLog:
        """A new log holding the answers at ``idx``; codes and ids are kept."""
        ptr: NDArray[np.int64] | None = None
        sk_idx: NDArray[np.int64] | None = None
        if self.skill_ptr is not None and self.skill_idx is not None:
            idx = np.asarray(idx, dtype=np.int64)
            lens = np.diff(self.skill_ptr)[idx]
            ptr = np.concatenate(([0], np.cumsum(lens))).astype(np.int64)
            starts = np.repeat(self.skill_ptr[idx], lens)
            within = np.arange(int(ptr[-1]), dtype=np.int64) - np.repeat(ptr[:-1], lens)
            sk_idx = self.skill_idx[starts + within]
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
            skill_ptr=ptr,
            skill_idx=sk_idx,
        )

    def for_learners(self, learners: NDArray[np.int64]) -> ResponseLog:
        """The answers of the given learner codes (for by-learner splits)."""
        mask = np.isin(self.learner, learners)
        return self.take(np.flatnonzero(mask))


_ONE = (str, int, np.integer)


def skill_list(skill: Any) -> list[str]:
    """The skill ids of one answer as the online API accepts them: one id
    (``str``/``int``) or a sequence of ids; duplicates dropped, order kept."""
    if type(skill) is str:
        return [skill]
    if isinstance(skill, _ONE):
        return [str(skill)]
    out: list[str] = []
    for s in skill:
        if str(s) not in out:
            out.append(str(s))
    if not out:
        raise ValueError("an answer needs at least one skill")
    return out
