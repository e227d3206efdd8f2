"""``python -m trellis.engine evaluate`` end to end, in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

KEYS = {
    "model",
    "auc",
    "rmse",
    "n_train",
    "n_test",
    "fit_seconds",
    "predict_seconds",
    "peak_rss_mb",
}


def dkt_file(path: Path, n_learners: int, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(n_learners):
        n = int(rng.integers(3, 15))
        skills = rng.integers(1, 4, n)
        p = np.clip(0.4 + 0.05 * np.arange(n), 0, 0.95)
        correct = (rng.random(n) < p).astype(int)
        lines += [str(n), ",".join(map(str, skills)) + ",", ",".join(map(str, correct)) + ","]
    path.write_text("\n".join(lines) + "\n")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trellis.engine", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("model", ["bkt", "best"])
def test_evaluate_train_test_prints_one_json_line(tmp_path: Path, model: str) -> None:
    train = dkt_file(tmp_path / "train.csv", 40, 0)
    test = dkt_file(tmp_path / "test.csv", 15, 1)
    r = run(
        "evaluate", "--train", str(train), "--test", str(test), "--format", "dkt", "--model", model
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert set(out) == KEYS
    assert 0.0 <= out["auc"] <= 1.0 and out["n_test"] > 0


def test_evaluate_cv(tmp_path: Path) -> None:
    train = dkt_file(tmp_path / "train.csv", 30, 0)
    r = run(
        "evaluate",
        "--train",
        str(train),
        "--cv",
        "3",
        "--seed",
        "1",
        "--format",
        "dkt",
        "--model",
        "bkt",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == KEYS and out["model"] == "bkt"


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--train", "x.csv", "--format", "dkt"],  # neither --test nor --cv
        ["evaluate", "--train", "x.csv", "--cv", "3", "--format", "xml"],
        ["evaluate", "--train", "x.csv", "--cv", "3", "--format", "dkt", "--model", "nope"],
        ["evaluate", "--train", "x.csv", "--cv", "1", "--format", "dkt"],
        ["evaluate", "--train", "x.csv", "--cv", "3", "--test", "y.csv", "--format", "dkt"],
        [],
    ],
)
def test_bad_arguments_exit_2(args: list[str]) -> None:
    r = run(*args)
    assert r.returncode == 2
    assert r.stdout == ""


def test_unreadable_or_malformed_data_exit_2_with_one_line(tmp_path: Path) -> None:
    r = run("evaluate", "--train", str(tmp_path / "missing.csv"), "--cv", "3", "--format", "dkt")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("2\n1,2\n1,x\n")
    r = run("evaluate", "--train", str(bad), "--cv", "3", "--format", "dkt")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"trellis.engine: error: {bad}:3: expected comma-separated 0/1 correctness values, got '1,x'"
    ]


def test_evaluate_answers_format_with_multi_skill_answers(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    rows = ["learner,item,skills,correct,time"]
    for u in range(24):
        for t in range(12):
            skills = "_".join(map(str, sorted({int(rng.integers(1, 4)), int(rng.integers(1, 4))})))
            ok = int(rng.random() < 0.3 + 0.05 * t)
            rows.append(f"u{u},q{int(rng.integers(0, 6))},{skills},{ok},{1_700_000_000 + 60 * t}")
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(rows) + "\n")
    r = run("evaluate", "--train", str(path), "--cv", "3", "--format", "answers", "--model", "best")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["model"] == "answer-logit" and out["n_test"] == 24 * 12
    bad = tmp_path / "bad.csv"
    bad.write_text("learner,item,skills,correct\nu,q,1__2,1\n")
    r = run("evaluate", "--train", str(bad), "--cv", "3", "--format", "answers")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        f"trellis.engine: error: {bad}:2: expected one or more skill ids joined by '_' "
        "in column 'skills', got '1__2'"
    ]
