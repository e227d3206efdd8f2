"""The learner simulator: reproducible, a DAG, prerequisites respected, slip
and guess visible in the data, CSV round trip and the command line."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.simulate import (
    CSV_HEADER,
    Competency,
    Simulation,
    StandardsGraph,
    generate_graph,
    main,
    read_csv,
    simulate,
    write_csv,
)


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(n_learners=120, n_competencies=15, responses_per_learner=60, seed=7)


def _arrays(s: Simulation) -> list[np.ndarray]:
    log = s.log
    assert log.item is not None and log.time is not None
    return [
        log.learner,
        log.skill,
        log.correct,
        log.order,
        log.item,
        log.time,
        s.known,
        s.initial_known,
        s.final_known,
        s.params.prior,
        s.item_difficulty,
        s.ability,
    ]


def test_same_seed_same_arrays_different_seed_different():
    a = simulate(40, 10, 30, seed=3)
    b = simulate(40, 10, 30, seed=3)
    c = simulate(40, 10, 30, seed=4)
    for x, y in zip(_arrays(a), _arrays(b), strict=True):
        np.testing.assert_array_equal(x, y)
    assert a.learners == b.learners and a.graph == b.graph and a.items == b.items
    assert len(a.log) != len(c.log) or not np.array_equal(a.log.correct, c.log.correct)
    assert not np.array_equal(a.ability, c.ability)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 80), seed=st.integers(0, 10_000))
def test_graph_is_a_dag_in_topological_order(n, seed):
    g = generate_graph(n, seed)
    assert len(g) == n and g.is_acyclic()
    assert len(set(g.codes)) == n
    for i, c in enumerate(g.competencies):
        assert all(j < i for j in g.prerequisites_of(i))
        assert c.prerequisites == tuple(g.codes[j] for j in g.prerequisites_of(i))
        assert c.grade_band in ("K-2", "3-5", "6-8")


def test_graph_rejects_a_prerequisite_that_comes_later():
    a = Competency("A", "a", "K", "K-2", "CC", prerequisites=("B",))
    b = Competency("B", "b", "K", "K-2", "CC")
    with pytest.raises(ValueError, match="topological"):
        StandardsGraph.from_competencies([a, b])


def _learned_at(s: Simulation) -> np.ndarray:
    """(learners, competencies): the response index after which the
    competency became known; -1 if known from the start; a large number if
    never learned."""
    n, k = s.final_known.shape
    never = np.iinfo(np.int64).max
    out = np.full((n, k), never, dtype=np.int64)
    out[s.initial_known] = -1
    log = s.log
    unknown = ~s.known
    # The transition happens after the last response given while unknown.
    idx = np.flatnonzero(unknown)
    last = {}
    for i in idx.tolist():
        last[(int(log.learner[i]), int(log.skill[i]))] = i
    for (lr, c), i in last.items():
        if s.final_known[lr, c]:
            out[lr, c] = i
    return out


def _check_prerequisites(s: Simulation) -> None:
    g = s.graph
    for c in range(len(g)):
        for p in g.prerequisites_of(c):
            # Initial and final true states respect the graph.
            assert not np.any(s.initial_known[:, c] & ~s.initial_known[:, p])
            assert not np.any(s.final_known[:, c] & ~s.final_known[:, p])
    learned = _learned_at(s)
    for c in range(len(g)):
        for p in g.prerequisites_of(c):
            # Never learned before a prerequisite.
            lc, lp = learned[:, c], learned[:, p]
            mask = (lc >= 0) & (lc < np.iinfo(np.int64).max)
            assert np.all(lp[mask] < lc[mask])
    # Every response is on a competency whose prerequisites were known then
    # (the learner chose a *ready* competency).
    log = s.log
    for i in range(len(log)):
        lr, c = int(log.learner[i]), int(log.skill[i])
        for p in g.prerequisites_of(c):
            assert learned[lr, p] < i


def test_learners_never_know_a_competency_before_its_prerequisites(sim):
    _check_prerequisites(sim)
    # Known only grows: once known, a competency stays known.
    log = sim.log
    for lr in range(0, sim.final_known.shape[0], 7):
        rows = np.flatnonzero(log.learner == lr)
        for c in np.unique(log.skill[rows]).tolist():
            k = sim.known[rows[log.skill[rows] == c]].astype(int)
            assert np.all(np.diff(k) >= 0)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 1000), k=st.integers(2, 12), r=st.integers(5, 60))
def test_prerequisites_respected_for_any_seed(seed, k, r):
    _check_prerequisites(simulate(15, k, r, seed=seed))


def test_correctness_rates_follow_slip_and_guess():
    s = simulate(1500, 12, 60, seed=11, irt_scale=0.0)
    log = s.log
    slip, guess = s.params.slip[log.skill], s.params.guess[log.skill]
    for known, expected in ((s.known, 1 - slip), (~s.known, guess)):
        obs = log.correct[known].mean()
        exp = expected[known].mean()
        se = np.sqrt(exp * (1 - exp) / known.sum())
        assert abs(obs - exp) < 4 * se + 1e-3
    # Per competency, where there is enough data.
    for c in range(len(s.graph)):
        for known, p in ((s.known, 1 - s.params.slip[c]), (~s.known, s.params.guess[c])):
            m = known & (log.skill == c)
            if m.sum() >= 400:
                se = np.sqrt(p * (1 - p) / m.sum())
                assert abs(log.correct[m].mean() - p) < 4.5 * se


def test_ability_shifts_correctness_as_the_model_says():
    s = simulate(1500, 12, 40, seed=5)  # irt_scale > 0
    p = s.p_correct()
    obs, exp = s.log.correct.mean(), p.mean()
    assert abs(obs - exp) < 4 * np.sqrt(exp * (1 - exp) / len(p))
    # Stronger learners answer more items correctly.
    top = s.ability[s.log.learner] > 1
    bottom = s.ability[s.log.learner] < -1
    assert s.log.correct[top].mean() > s.log.correct[bottom].mean() + 0.1


def test_practice_follows_the_curriculum_roughly(sim):
    log = sim.log
    # Within a learner, later responses are on later competencies.
    pos = log.order - np.repeat(
        np.flatnonzero(np.r_[True, np.diff(log.learner) != 0]), np.bincount(log.learner)
    )
    assert np.corrcoef(pos, log.skill)[0, 1] > 0.3
    # Learning happens: more is known at the end than at the start.
    assert sim.final_known.mean() > sim.initial_known.mean() + 0.1


def test_times_are_school_days_and_in_order(sim):
    log = sim.log
    assert log.time is not None
    same = np.diff(log.learner) == 0
    assert np.all(np.diff(log.time)[same] >= 0)
    days = (log.time // 86400).astype(int)
    assert days.min() >= 0 and days.max() < sim.days
    weekdays = {(sim.start + timedelta(days=int(d))).weekday() for d in np.unique(days)}
    assert weekdays <= {0, 1, 2, 3, 4}
    hours = (log.time % 86400) / 3600
    assert hours.min() >= 8.5 and hours.max() < 16


def test_response_counts_and_ids(sim):
    log = sim.log
    assert len(log) == np.bincount(log.learner).sum()
    assert log.learner_ids == tuple(ln.id for ln in sim.learners)
    assert log.skill_ids == sim.graph.codes
    assert log.item is not None
    assert all(
        sim.items[i].competency == c for i, c in zip(log.item[:500], log.skill[:500], strict=True)
    )
    np.testing.assert_array_equal(log.order, np.arange(len(log)))
    exact = simulate(10, 5, 17, seed=1, count_spread=0.0)
    assert len(exact.log) == 170
    for ln in sim.learners[:20]:
        assert 1 <= len(ln.interests) <= 3
        assert set(ln.profile) == {"take_in", "express", "engage"}


@pytest.mark.parametrize("stamps", ["iso", "seconds"])
def test_csv_round_trip(tmp_path, sim, stamps):
    path = tmp_path / "r.csv"
    assert write_csv(sim, path, timestamps=stamps) == len(sim.log)
    assert path.read_text().splitlines()[0] == ",".join(CSV_HEADER)
    back = read_csv(path, start=sim.start)
    a, b = sim.log, back
    assert len(a) == len(b)
    assert [a.learner_ids[i] for i in a.learner] == [b.learner_ids[i] for i in b.learner]
    assert [a.skill_ids[i] for i in a.skill] == [b.skill_ids[i] for i in b.skill]
    assert a.item is not None and b.item is not None
    assert [a.item_ids[i] for i in a.item] == [b.item_ids[i] for i in b.item]
    np.testing.assert_array_equal(a.correct, b.correct)
    np.testing.assert_array_equal(a.order, b.order)
    np.testing.assert_array_equal(a.time, b.time)


def test_csv_iso_timestamps_start_at_the_start_date(tmp_path):
    s = simulate(3, 3, 5, seed=0, start=date(2026, 1, 5))
    path = tmp_path / "r.csv"
    write_csv(s, path)
    first = path.read_text().splitlines()[1].split(",")
    assert first[4].startswith("2026-01-")


def test_cli_writes_a_file(tmp_path, capsys):
    out = tmp_path / "sim.csv"
    code = main(
        [
            "--learners",
            "8",
            "--out",
            str(out),
            "--competencies",
            "6",
            "--responses-per-learner",
            "12",
            "--seed",
            "2",
            "--days",
            "10",
        ]
    )
    assert code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == ",".join(CSV_HEADER)
    assert len(lines) > 8
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--learners", "5"],
        ["--learners", "zero", "--out", "x.csv"],
        ["--learners", "0", "--out", "x.csv"],
        ["--learners", "5", "--out", "x.csv", "--days", "-1"],
        ["--learners", "5", "--out", "x.csv", "--bogus"],
        ["--learners", "5", "--out", "/no/such/dir/x.csv"],
    ],
)
def test_cli_bad_arguments_exit_2_with_one_line(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("trellis simulate: error: ")
    assert len(err.strip().splitlines()) == 1
