"""Replaying a log response by response through a model's online path, to
compare with what its batch path computes."""

from __future__ import annotations

from typing import Any

import numpy as np

from trellis.engine.base import skill_names
from trellis.engine.responses import ResponseLog


def _time_order(log: ResponseLog) -> list[int]:
    return np.lexsort((np.arange(len(log)), log.order, log.learner)).tolist()


def online_predictions(model: Any, log: ResponseLog) -> np.ndarray:
    """``predict_one`` before each response, then ``update`` with it."""
    names = skill_names(log)
    out = np.empty(len(log))
    states: dict[int, Any] = {}
    for i in _time_order(log):
        s = states.setdefault(int(log.learner[i]), model.init_state())
        out[i] = model.predict_one(s, names[log.skill[i]])
        model.update(s, names[log.skill[i]], int(log.correct[i]))
    return out


def online_features(model: Any, log: ResponseLog) -> np.ndarray:
    """A history model's scalar feature vector before each response."""
    names = skill_names(log)
    out: np.ndarray | None = None
    states: dict[int, Any] = {}
    for i in _time_order(log):
        s = states.setdefault(int(log.learner[i]), model.init_state())
        row = model._features(s, names[log.skill[i]])
        if out is None:
            out = np.empty((len(log), len(row)))
        out[i] = row
        model._advance(s, names[log.skill[i]], int(log.correct[i]))
    return np.empty((0, 0)) if out is None else out
