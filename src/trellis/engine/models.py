"""The registry of mastery models, by name.

``"bkt"`` is Bayesian Knowledge Tracing, ``"best"`` is the strongest model
(currently :class:`~trellis.engine.answer_logit.AnswerLogit`); every model is
also registered under its own ``name``. ``CANDIDATES`` are the names a
school's model selection should fit and compare. ``load_model(d)`` rebuilds any saved
model from its ``to_dict()``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trellis.engine.answer_logit import AnswerLogit
from trellis.engine.base import MasteryModel, ModelFormatError, load_json
from trellis.engine.bkt import BKT, BKTForget

BEST = AnswerLogit

MODELS: dict[str, Any] = {
    "bkt": BKT,
    "best": BEST,
    BKTForget.name: BKTForget,
    AnswerLogit.name: AnswerLogit,
}

CANDIDATES: tuple[str, ...] = (BKT.name, BKTForget.name, AnswerLogit.name)


def get_model(name: str) -> Any:
    """The model class registered as ``name`` (KeyError naming the choices)."""
    try:
        return MODELS[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; expected one of {', '.join(sorted(MODELS))}")


def load_model(d: dict[str, Any]) -> MasteryModel:
    """Rebuild a fitted model from ``model.to_dict()``."""
    kind = d.get("model") if isinstance(d, dict) else None
    if not isinstance(kind, str) or kind not in MODELS or kind == "best":
        raise ModelFormatError(f"expected a saved model dictionary, got model={kind!r}")
    model: MasteryModel = MODELS[kind].from_dict(d)
    return model


def load_model_file(path: str | Path) -> MasteryModel:
    """Rebuild a fitted model saved with ``model.save(path)``."""
    return load_model(load_json(path))
