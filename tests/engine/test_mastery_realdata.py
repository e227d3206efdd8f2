"""Smoke test on real ASSISTments data (skipped when ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trellis.engine.datasets import read_assistments
from trellis.engine.evaluate import auc, split_by_learner
from trellis.engine.models import get_model


@pytest.mark.realdata
@pytest.mark.parametrize(("name", "floor"), [("best", 0.65), ("bkt", 0.6)])
def test_skill_builder_sample_auc(shared_data: Path, name: str, floor: float) -> None:
    path = shared_data / "assistments2009" / "skill_builder_sample.csv"
    if not path.exists():
        pytest.skip(f"{path} not found (see ../shared/data/README.md)")
    log = read_assistments(path)
    train, test = split_by_learner(log, 0.2, seed=0)
    model = get_model(name)().fit(train)
    assert auc(test.correct, model.predict_proba(test)) > floor
