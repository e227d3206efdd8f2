"""Replaying a log answer by answer through a model's online path, to
compare with what its batch path computes."""

from __future__ import annotations

from typing import Any

import numpy as np

from trellis.engine.base import skill_names
from trellis.engine.responses import ResponseLog


def time_order(log: ResponseLog) -> list[int]:
    """Answers in processing order: by learner, ``order``, then row."""
    return np.lexsort((np.arange(len(log)), log.order, log.learner)).tolist()


def online_predictions(model: Any, log: ResponseLog) -> np.ndarray:
    """``predict_one`` before each answer (all its skills, its item), then
    ``update`` with it."""
    names = skill_names(log)
    out = np.empty(len(log))
    states: dict[int, Any] = {}
    for i in time_order(log):
        s = states.setdefault(int(log.learner[i]), model.init_state())
        skills = [names[k] for k in log.skills_of(i).tolist()]
        item = None
        if log.item is not None and log.item_ids and int(log.item[i]) >= 0:
            item = log.item_ids[int(log.item[i])]
        arg: Any = skills[0] if len(skills) == 1 else skills
        out[i] = model.predict_one(s, arg, item=item)
        model.update(s, arg, int(log.correct[i]), item=item)
    return out
