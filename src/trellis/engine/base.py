"""What every mastery model shares: the protocol, skill-id handling, JSON I/O.

Models follow scikit-learn conventions: ``__init__`` only stores parameters,
``fit(log)`` returns ``self``, learned attributes end in ``_``. On top of that
every model offers an *online* interface used by the platform, one learner at
a time::

    state = model.init_state()                 # a learner with no history
    p = model.predict_one(state, "fractions")  # P(next answer correct)
    model.update(state, "fractions", True)     # constant time, mutates state
    model.update(state, ["fractions", "ratio"], False, item="q17")  # one answer, two skills
    m = model.mastery(state, "fractions")      # P(knows the skill), see docs
    n = model.attempts(state, "fractions")

States are small JSON-able objects (``state.to_dict()`` /
``StateClass.from_dict(d)``). Skills are identified by their id *string*
(``ResponseLog.skill_ids``); skills the model never saw get defaults.

:class:`EngineModel` is the base class of the models: its ``get_params``
reads the parameters from ``__init__``'s signature (as scikit-learn's
``BaseEstimator`` does), so ``type(m)(**m.get_params())`` is an unfitted
copy of ``m``, and it writes and checks the head every saved dictionary
starts with (``model``, ``version``, ``params``).
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from trellis.engine.responses import ResponseLog


class NotFittedError(RuntimeError):
    """A model was used before ``fit`` (or ``from_dict``)."""


class ModelFormatError(ValueError):
    """A saved model dictionary is not one this version can read."""


@runtime_checkable
class MasteryModel(Protocol):
    """The interface the platform relies on (see module docstring)."""

    name: str

    def fit(self, log: ResponseLog) -> MasteryModel: ...

    def predict_proba(self, log: ResponseLog) -> NDArray[np.float64]: ...

    def init_state(self) -> Any: ...

    def update(self, state: Any, skill: Any, correct: bool | int, **kwargs: Any) -> Any: ...

    def predict_one(self, state: Any, skill: Any, item: str | None = None) -> float: ...

    def mastery(self, state: Any, skill: str | int) -> float: ...

    def attempts(self, state: Any, skill: str | int) -> int: ...

    def to_dict(self) -> dict[str, Any]: ...

    def save(self, path: str | Path) -> None: ...


def skill_names(log: ResponseLog) -> list[str]:
    """The id string of every skill code of ``log`` (``str(code)`` if unnamed)."""
    if log.skill_ids:
        return list(log.skill_ids)
    return [str(k) for k in range(log.n_skills)]


def save_json(obj: dict[str, Any], path: str | Path) -> None:
    """Write a model dictionary as JSON. Floats are written with ``repr`` so
    that loading gives back the very same bits."""
    Path(path).write_text(json.dumps(obj, allow_nan=True, separators=(",", ":")), encoding="utf-8")


def load_json(path: str | Path) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ModelFormatError(f"{path}: expected a JSON object")
    return data


def check_kind(d: dict[str, Any], kind: str, version: int) -> None:
    if d.get("model") != kind:
        raise ModelFormatError(f"expected a saved {kind!r} model, got {d.get('model')!r}")
    if d.get("version") != version:
        raise ModelFormatError(
            f"expected {kind!r} format version {version}, got {d.get('version')!r}"
        )


UNKNOWN_PARAM = "{model} has no parameter {name!r}; its parameters are {names}."


class EngineModel:
    """The base of the engine's models. ``__init__`` takes every parameter
    by name (no ``*args``/``**kwargs``) and stores it unchanged under the
    same attribute name; a subclass sets ``name`` and ``format_version``
    and writes ``to_dict``/``from_dict`` with :meth:`_dict_head` and
    :meth:`_from_dict_head`."""

    name: str = ""
    #: The version of the saved dictionary's layout (``to_dict``).
    format_version: int = 0

    @classmethod
    def _param_names(cls) -> list[str]:
        """The parameters of ``__init__``, in the order of its signature."""
        names = []
        for p in inspect.signature(cls.__init__).parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must name every parameter")
            names.append(p.name)
        return names

    def get_params(self) -> dict[str, Any]:
        """The model's parameters (read from ``__init__``'s signature)."""
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Change parameters by name (ValueError for a name ``__init__`` does
        not take); learned attributes are not touched: fit again."""
        names = self._param_names()
        for k, v in params.items():
            if k not in names:
                raise ValueError(
                    UNKNOWN_PARAM.format(model=type(self).__name__, name=k, names=", ".join(names))
                )
            setattr(self, k, v)
        return self

    def _dict_head(self) -> dict[str, Any]:
        """What every saved dictionary starts with."""
        return {"model": self.name, "version": self.format_version, "params": self.get_params()}

    @classmethod
    def _from_dict_head(cls, d: dict[str, Any]) -> Self:
        """Check a saved dictionary's kind and version; an unfitted model
        with its parameters."""
        check_kind(d, cls.name, cls.format_version)
        return cls(**d["params"])

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Self:
        raise NotImplementedError

    def save(self, path: str | Path) -> None:
        save_json(self.to_dict(), path)

    @classmethod
    def load(cls, path: str | Path) -> Self:
        return cls.from_dict(load_json(path))
