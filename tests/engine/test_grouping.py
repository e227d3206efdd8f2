"""The grouping engine: partitions under size bounds and keep-apart /
keep-together constraints, the four kinds, the errors and the wording."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trellis.engine.grouping import (
    APART_AND_TOGETHER,
    APART_CLIQUE,
    BOUNDS_ORDER,
    DUPLICATE_LEARNER,
    EXTENSION,
    KINDS,
    NO_INTERESTS_AT_ALL,
    NO_INTERESTS_SOME,
    NO_LEARNERS,
    NO_PROFILE_AT_ALL,
    NO_PROFILE_SOME,
    NOT_ASSESSED,
    ON_TRACK,
    PROFILE_PHRASES,
    SIZE_IMPOSSIBLE,
    SIZE_IMPOSSIBLE_N,
    STRUGGLE,
    TOGETHER_TOO_LARGE,
    TOO_MANY_GROUPS,
    UNKNOWN_GROUP_MEMBER,
    UNKNOWN_LEARNER,
    Grouping,
    GroupingConstraintError,
    GroupingRequest,
    LearnerFeatures,
    change_reasons,
    compare_groupings,
    describe_groups,
    form_groups,
    match_groups,
    placement,
    readiness,
    resolve_profiles,
)

TAGS = ("animals", "art", "games", "music", "space", "sports")
PROFILE = {
    "take_in": ("visual", "auditory", "reading", "hands-on"),
    "express": ("written", "oral", "visual"),
    "engage": ("independent", "collaborative"),
}


def make_class(n: int, seed: int = 0) -> list[LearnerFeatures]:
    r = random.Random(seed)
    out = []
    for i in range(n):
        out.append(
            LearnerFeatures(
                id=f"s{i:03d}",
                name=f"Pupil {i}",
                objective_mastery=round(r.random(), 3),
                prerequisite_mastery={
                    "6.RP.1": round(r.random(), 3),
                    "6.RP.2": round(r.random(), 3),
                },
                interests=tuple(sorted(r.sample(TAGS, r.randint(1, 3)))),
                profile={k: r.choice(v) for k, v in PROFILE.items()},
            )
        )
    return out


def req(kind="readiness", **kw) -> GroupingRequest:
    return GroupingRequest(kind=kind, objective_code="6.RP.3", **kw)


def check_partition(learners, grouping: Grouping, request: GroupingRequest) -> None:
    ids = [m for g in grouping.groups for m in g.members]
    assert sorted(ids) == sorted(ln.id for ln in learners)  # each exactly once
    if request.n_groups is not None:
        assert len(grouping.groups) == request.n_groups
    for g in grouping.groups:
        if request.min_size is not None:
            assert len(g) >= request.min_size
        if request.max_size is not None:
            assert len(g) <= request.max_size
        assert g.explanation.startswith(f"Group {g.label}: ")
    label = grouping.label_of()
    for a, b in request.keep_apart:
        assert label[a] != label[b]
    for a, b in request.keep_together:
        assert label[a] == label[b]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [1, 7, 35, 120])
def test_every_learner_in_exactly_one_group_within_bounds(kind, n):
    learners = make_class(n, seed=n)
    r = req(kind, min_size=min(3, n), max_size=6)
    g = form_groups(learners, r)
    check_partition(learners, g, r)
    assert [x.label for x in g.groups][:3] == ["A", "B", "C"][: len(g.groups)]


@pytest.mark.parametrize("kind", KINDS)
def test_number_of_groups(kind):
    learners = make_class(30, seed=1)
    r = req(kind, n_groups=4)
    g = form_groups(learners, r)
    check_partition(learners, g, r)
    assert all(len(x) >= 3 for x in g.groups)  # implicit bounds: no tiny bands


@st.composite
def satisfiable(draw):
    """A class, a kind, size bounds and constraints planted on a valid
    grouping, so that a solution is known to exist."""
    n = draw(st.integers(4, 40))
    seed = draw(st.integers(0, 10_000))
    kind = draw(st.sampled_from(KINDS))
    g = draw(st.integers(1, max(1, n // 2)))
    r = random.Random(seed)
    ids = [f"s{i:03d}" for i in range(n)]
    order = ids[:]
    r.shuffle(order)
    planted = {lid: i % g for i, lid in enumerate(order)}
    sizes = [sum(1 for v in planted.values() if v == k) for k in range(g)]
    lo = draw(st.integers(1, min(sizes)))
    hi = draw(st.integers(max(sizes), max(sizes) + 3))
    same = [(a, b) for a in ids for b in ids if a < b and planted[a] == planted[b]]
    diff = [(a, b) for a in ids for b in ids if a < b and planted[a] != planted[b]]
    together = r.sample(same, min(len(same), draw(st.integers(0, 4))))
    apart = r.sample(diff, min(len(diff), draw(st.integers(0, 5))))
    use_n = draw(st.booleans())
    request = GroupingRequest(
        kind=kind,
        objective_code="6.RP.3",
        n_groups=g,
        min_size=lo if use_n else None,
        max_size=hi if use_n else None,
        keep_apart=apart,
        keep_together=together,
    )
    return make_class(n, seed), request


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(satisfiable())
def test_satisfiable_constraints_are_always_met(case):
    learners, request = case
    g = form_groups(learners, request)
    check_partition(learners, g, request)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 60), seed=st.integers(0, 1000), data=st.data())
def test_readiness_bands_are_ordered(n, seed, data):
    learners = make_class(n, seed)
    lo = data.draw(st.integers(1, min(3, n)))
    hi = data.draw(st.integers(max(2 * lo - 1, 2), 8))  # always feasible
    g = form_groups(learners, req("readiness", min_size=lo, max_size=hi))
    r = {ln.id: readiness(ln) for ln in learners}
    bands = [[r[m] for m in grp.members] for grp in g.groups]
    for a, b in zip(bands, bands[1:], strict=False):
        assert max(a) <= min(b)


def test_no_answers_on_the_objective_count_as_not_started_in_readiness():
    """Secure prerequisites and no answer on the objective make a learner
    ready for it, not ahead of those who have shown it: the readiness bands
    agree with ``placement`` (what "Before the lesson" lists)."""
    pia = LearnerFeatures("p", "Pia", None, {"6.RP.1": 0.98}, objective_answers=0)
    assert readiness(pia) == pytest.approx(0.5 * 0.98)
    assert readiness(LearnerFeatures("o", "Oli", 0.7)) == pytest.approx(0.7)
    assert readiness(LearnerFeatures("n", "New")) is None
    shown = [
        LearnerFeatures(f"m{i}", f"Mo {i}", 0.96, {"6.RP.1": 0.9 + i / 100}, objective_answers=5)
        for i in range(4)
    ]
    started = [
        LearnerFeatures(f"s{i}", f"Sam {i}", 0.3 + i / 10, {"6.RP.1": 0.8}, objective_answers=6)
        for i in range(3)
    ]
    learners = [*shown, pia, *started]
    g = form_groups(learners, req("readiness", n_groups=2))
    low, top = g.groups
    assert set(top.members) == {ln.id for ln in shown}
    assert all(placement(ln) == EXTENSION for ln in shown)
    assert top.explanation.startswith("Group B: already shows mastery of 6.RP.3")
    assert "p" in low.members and placement(pia) == ON_TRACK


def test_heterogeneous_groups_each_span_a_range():
    for seed in range(5):
        learners = make_class(35, seed)
        r = {ln.id: readiness(ln) for ln in learners}
        median = sorted(r.values())[len(r) // 2]
        g = form_groups(learners, req("heterogeneous", min_size=3, max_size=6))
        for grp in g.groups:
            vals = [r[m] for m in grp.members]
            assert min(vals) < median < max(vals)
            assert grp.readiness_range is not None
            assert grp.readiness_range[1] - grp.readiness_range[0] > 0.2
            assert "mixed readiness" in grp.explanation


def test_interest_groups_share_tags():
    learners = make_class(36, seed=3)
    g = form_groups(learners, req("interest", n_groups=6))
    for grp in g.groups:
        assert grp.shared_interests, grp.explanation
        assert "shared interest in " + grp.shared_interests[0] in grp.explanation


def test_profile_groups_share_a_preference():
    learners = make_class(36, seed=3)
    g = form_groups(learners, req("profile", n_groups=6))
    agree = sum(bool(grp.profile) for grp in g.groups)
    assert agree == len(g.groups)
    assert all("take in information best" in grp.explanation for grp in g.groups)


# ------------------------------------------------------------------ errors
def _names(learners):
    return {ln.id: ln.name for ln in learners}


def test_keep_together_chain_larger_than_max_size():
    ls = make_class(12)
    r = req(keep_together=[("s000", "s001"), ("s001", "s002"), ("s002", "s003")], max_size=3)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, r)
    assert str(e.value) == TOGETHER_TOO_LARGE.format(
        names="Pupil 0, Pupil 1, Pupil 2 and Pupil 3", size=4, max_size=3
    )


def test_keep_apart_pair_also_kept_together_transitively():
    ls = make_class(12)
    r = req(keep_together=[("s000", "s001"), ("s002", "s001")], keep_apart=[("s002", "s000")])
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, r)
    assert str(e.value) == APART_AND_TOGETHER.format(
        a="Pupil 0", b="Pupil 2", chain="Pupil 0 - Pupil 1 - Pupil 2"
    )


def test_more_keep_apart_learners_than_groups():
    ls = make_class(12)
    r = req(n_groups=2, keep_apart=[("s000", "s001"), ("s001", "s002"), ("s000", "s002")])
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, r)
    assert str(e.value) == APART_CLIQUE.format(
        names="Pupil 0, Pupil 1 and Pupil 2", k=3, n_groups=2
    )


def test_keep_apart_with_a_single_group():
    ls = make_class(5)
    with pytest.raises(GroupingConstraintError, match="Pupil 3 and Pupil 4 are all to be kept"):
        form_groups(ls, req(n_groups=1, keep_apart=[("s004", "s003")]))


def test_keep_apart_chain_via_blocks_counts_blocks():
    # a,b together; c apart from a; d apart from b and c: blocks {a,b}, c, d
    # are pairwise apart -> three groups needed.
    ls = make_class(9)
    r = req(
        n_groups=2,
        keep_together=[("s000", "s001")],
        keep_apart=[("s002", "s000"), ("s003", "s001"), ("s003", "s002")],
    )
    with pytest.raises(GroupingConstraintError, match="needs 3 groups, but there are only 2"):
        form_groups(ls, r)


def test_size_bounds_impossible():
    ls = make_class(7)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, req(min_size=4, max_size=6))
    assert str(e.value) == SIZE_IMPOSSIBLE.format(n=7, min_size=4, max_size=6)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, req(n_groups=2, min_size=4))
    assert str(e.value) == SIZE_IMPOSSIBLE_N.format(n=7, n_groups=2, min_size=4, max_size=6)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, req(min_size=5, max_size=3))
    assert str(e.value) == BOUNDS_ORDER.format(min_size=5, max_size=3)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, req(n_groups=8))
    assert str(e.value) == TOO_MANY_GROUPS.format(n_groups=8, n=7)


def test_unknown_learner_in_a_constraint():
    ls = make_class(7)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, req(keep_apart=[("s001", "ghost")]))
    assert str(e.value) == UNKNOWN_LEARNER.format(
        constraint="keep-apart", a="s001", b="ghost", id="ghost"
    )


def test_no_learners_and_duplicates():
    with pytest.raises(GroupingConstraintError, match=re.escape(NO_LEARNERS)):
        form_groups([], req())
    ls = make_class(3)
    with pytest.raises(GroupingConstraintError) as e:
        form_groups([*ls, ls[0]], req())
    assert str(e.value) == DUPLICATE_LEARNER.format(id="s000")


def test_unsatisfiable_combination_is_reported_not_half_done():
    # Groups of exactly two; Pupil 0 may sit with nobody.
    ls = make_class(4)
    r = req(
        n_groups=2,
        min_size=2,
        max_size=2,
        keep_apart=[("s000", "s001"), ("s000", "s002"), ("s000", "s003")],
    )
    with pytest.raises(GroupingConstraintError, match="No grouping into 2 groups of 2 to 2"):
        form_groups(ls, r)


# ----------------------------------------------------------- determinism
@pytest.mark.parametrize("kind", KINDS)
def test_deterministic_and_independent_of_input_order(kind):
    ls = make_class(40, seed=9)
    r = req(
        kind,
        min_size=3,
        max_size=6,
        keep_apart=[("s001", "s002")],
        keep_together=[("s003", "s004")],
    )
    a = form_groups(ls, r)
    b = form_groups(ls, r)
    shuffled = ls[:]
    random.Random(1).shuffle(shuffled)
    c = form_groups(shuffled, r)
    assert a == b == c


# ---------------------------------------------------------- explanations
def test_explanation_names_the_weak_prerequisite():
    weak = [
        LearnerFeatures(f"w{i}", f"Weak {i}", 0.2, {"6.RP.1": 0.3, "6.RP.2": 0.8}) for i in range(4)
    ]
    ready = [
        LearnerFeatures(f"r{i}", f"Ready {i}", 0.4, {"6.RP.1": 0.8, "6.RP.2": 0.85})
        for i in range(4)
    ]
    done = [
        LearnerFeatures(f"x{i}", f"Ext {i}", 0.97, {"6.RP.1": 0.98, "6.RP.2": 0.99})
        for i in range(4)
    ]
    r = GroupingRequest(
        kind="readiness",
        objective_code="6.RP.3",
        objective_statement="Use ratio reasoning to solve problems",
        n_groups=3,
    )
    g = form_groups(weak + ready + done, r)
    a, b, c = g.groups
    assert set(a.members) == {f"w{i}" for i in range(4)}
    assert a.explanation.startswith(
        "Group A: not yet secure on 6.RP.1, the prerequisite of today's objective"
    )
    assert a.weak_prerequisites == ("6.RP.1",)
    assert b.explanation.startswith("Group B: prerequisites secure: ready for the objective 6.RP.3")
    assert c.explanation.startswith("Group C: already shows mastery of 6.RP.3")
    assert "extension" in c.explanation


def test_constraint_repairs_are_noted():
    ls = make_class(12, seed=2)
    order = sorted(ls, key=readiness)
    a, b = order[0].id, order[1].id  # certainly in the same band
    g = form_groups(ls, req(n_groups=3, keep_apart=[(a, b)]))
    assert g.label_of()[a] != g.label_of()[b]
    assert any("placed outside their readiness band" in note for note in g.notes)
    assert any("Kept apart as asked" in note for note in g.notes)


def test_learners_without_evidence_are_placed_and_noted():
    # 13 learners in 3 groups: at least 2 a group, so Newcomer joins the lowest band.
    ls = [*make_class(12), LearnerFeatures("new", "Newcomer")]
    g = form_groups(ls, req(n_groups=3))
    assert "new" in g.label_of()
    assert any("prerequisites): Newcomer. Their readiness is unknown" in note for note in g.notes)
    assert not any("median" in note for note in g.notes)
    group = g.group(g.label_of()["new"])
    # Flagged in their group, and left out of the group's readiness figures.
    assert "Newcomer not yet assessed (no answers yet on 6.RP.3" in group.explanation
    assessed = [readiness(ln) for ln in ls if ln.id in group.members and ln.id != "new"]
    assert group.readiness_range == (min(assessed), max(assessed))
    assert "Newcomer: no answers yet" in group.explanation


def test_unassessed_learners_form_their_own_group_never_said_to_show_mastery():
    done = [
        LearnerFeatures(
            f"x{i}",
            f"Ext {i}",
            0.98,
            {"6.RP.1": 0.99},
            objective_answers=6,
            prerequisite_answers=4,
            last_answer="2026-12-01",
        )
        for i in range(4)
    ]
    weak = [
        LearnerFeatures(f"w{i}", f"Weak {i}", 0.2, {"6.RP.1": 0.3}, objective_answers=3)
        for i in range(4)
    ]
    new = [LearnerFeatures(f"n{i}", f"New {i}") for i in range(4)]
    g = form_groups(done + weak + new, req(n_groups=3))
    by_members = {frozenset(grp.members): grp for grp in g.groups}
    unassessed = by_members[frozenset(f"n{i}" for i in range(4))]
    assert unassessed.explanation.startswith(
        f"Group {unassessed.label}: not yet assessed (no answers yet on 6.RP.3"
    )
    assert unassessed.readiness_range is None and unassessed.mean_readiness is None
    assert "mastery" not in unassessed.explanation
    ext = by_members[frozenset(f"x{i}" for i in range(4))]
    assert "already shows mastery of 6.RP.3" in ext.explanation
    assert "Ext 0: 6 answers on 6.RP.3 and 4 on its prerequisites, newest 2026-12-01" in (
        ext.explanation
    )
    # A group with one learner below mastery is not said to show mastery.
    (mixed,) = describe_groups(done + weak + new, req(), [("Mixed", ["x0", "x1", "n0"])])
    assert "already shows mastery" in mixed.explanation
    assert "New 0 not yet assessed" in mixed.explanation
    (below,) = describe_groups(
        [*done, LearnerFeatures("p", "Pat", 0.9, {"6.RP.1": 0.9}, objective_answers=5)],
        req(),
        [("Top", ["x0", "x1", "x2", "p"])],
    )
    assert "already shows mastery" not in below.explanation
    # Two lucky answers are not mastery (levels.MIN_ATTEMPTS_MASTERED).
    assert placement(LearnerFeatures("l", objective_mastery=0.99, objective_answers=2)) == ON_TRACK
    assert placement(done[0]) == EXTENSION
    assert placement(weak[0]) == STRUGGLE
    assert placement(new[0]) == NOT_ASSESSED


def test_compare_groupings_says_who_moved_and_why():
    before = [
        LearnerFeatures("a", "Ana", 0.42, {"6.RP.1": 0.5}),
        LearnerFeatures("b", "Ben", 0.9, {"6.RP.1": 0.9}),
    ]
    after = [
        LearnerFeatures("a", "Ana", 0.81, {"6.RP.1": 0.7}),
        LearnerFeatures("b", "Ben", 0.9, {"6.RP.1": 0.9}),
    ]
    r = GroupingRequest(kind="readiness", objective_code="6.RP.3", n_groups=1)
    new = form_groups(after, r)
    old = {"a": "B", "b": "A"}
    moves = compare_groupings(old, new, change_reasons(before, after, "6.RP.3"))
    by = {m.learner_id: m for m in moves}
    assert by["a"].from_label == "B" and by["a"].to_label == "A"
    assert by["a"].text == (
        "Ana moved from Group B to Group A: mastery of 6.RP.3 rose from 0.42 to 0.81; "
        "mastery of 6.RP.1 rose from 0.50 to 0.70."
    )
    assert "b" not in by


# ------------------------------------------- profiles as learners write them
def _learner(lid, name, *, tags=(), **profile):
    return LearnerFeatures(lid, name, interests=tuple(tags), profile=profile)


def test_the_learner_profile_vocabulary_reads_as_words():
    """The platform's learner profile stores lists of choices such as
    take_in=["video", "reading"]; every value reads as words."""
    pairs = [
        _learner(f"p{i}", f"Pat {i}", take_in=["video"], engage=["pairs"], express=["drawing"])
        for i in range(3)
    ]
    alone = [
        _learner(f"q{i}", f"Quin {i}", take_in=["reading"], engage=["alone"], express=["writing"])
        for i in range(3)
    ]
    g = form_groups(pairs + alone, req("profile", n_groups=2))
    by_members = {grp.members: grp for grp in g.groups}
    a = by_members[tuple(f"p{i}" for i in range(3))]
    b = by_members[tuple(f"q{i}" for i in range(3))]
    assert a.explanation == (
        f"Group {a.label}: most take in information best by watching (video) (3 of 3), "
        "show what they know with drawings or diagrams (3 of 3) and like to work with a "
        "partner (3 of 3). 3 learners."
    )
    assert "take in information best by reading (3 of 3)" in b.explanation
    assert "like to work on their own (3 of 3)" in b.explanation
    assert a.profile == {"take_in": "video", "express": "drawing", "engage": "pairs"}
    assert "_" not in " ".join(grp.explanation for grp in g.groups)  # no field names


def test_an_unknown_preference_still_reads_as_a_sentence():
    ls = [_learner(f"u{i}", f"U{i}", engage=["outdoors"]) for i in range(2)]
    (grp,) = form_groups(ls, req("profile", n_groups=1)).groups
    assert grp.explanation == "Group A: most like to work outdoors (2 of 2). 2 learners."


def test_several_preferences_count_under_the_one_the_class_shares():
    ls = [
        _learner("a", "Ana", engage=["alone", "pairs"]),  # ticked both
        _learner("b", "Ben", engage=["pairs"]),
        _learner("c", "Cy", engage=["pairs", "group"]),
        _learner("d", "Dee", engage=["alone"]),
        _learner("e", "Eve", engage=["group", "teacher"]),  # a tie: the first listed
        _learner("f", "Fay"),
    ]
    resolved = resolve_profiles(ls)
    assert resolved["a"] == {"engage": "pairs"}  # pairs: 3 learners, alone: 2
    assert resolved["c"] == {"engage": "pairs"}
    assert resolved["e"] == {"engage": "group"}  # group 2, teacher 1
    assert resolved["f"] == {}
    # The explanation counts everyone who ticked the preference.
    g = form_groups(ls[:3], req("profile", n_groups=1))
    assert "like to work with a partner (3 of 3)" in g.groups[0].explanation


def test_learners_without_a_profile_are_placed_and_named():
    ls = [
        *[_learner(f"p{i}", f"Pat {i}", engage=["pairs"]) for i in range(4)],
        _learner("x1", "Xan"),
        _learner("x2", "Yul"),
    ]
    g = form_groups(ls, req("profile", n_groups=2))
    assert sorted(m for grp in g.groups for m in grp.members) == sorted(ln.id for ln in ls)
    assert NO_PROFILE_SOME.format(names="Xan and Yul") in g.notes
    where = g.label_of()
    assert where["x1"] == where["x2"]  # placed after those who stated one
    theirs = g.group(where["x1"])
    assert "no learning profile stated yet" in theirs.explanation
    assert "Xan" in theirs.explanation and "Yul" in theirs.explanation
    others = [grp for grp in g.groups if grp.label != where["x1"]]
    assert all("like to work with a partner" in grp.explanation for grp in others)
    nobody = form_groups([_learner("a", "Ana"), _learner("b", "Ben")], req("profile", n_groups=1))
    assert nobody.notes == (NO_PROFILE_AT_ALL,)
    assert nobody.groups[0].explanation == (
        "Group A: no learning profile stated yet by anyone in this group (Ana and Ben). 2 learners."
    )


def test_interest_groups_from_stated_interests_and_learners_with_none():
    ls = [
        *[_learner(f"s{i}", f"Sam {i}", tags=["space", "games"]) for i in range(3)],
        *[_learner(f"m{i}", f"Mo {i}", tags=["music"]) for i in range(3)],
        _learner("z", "Zed"),
    ]
    g = form_groups(ls, req("interest", n_groups=2))
    where = g.label_of()
    assert len({where[f"s{i}"] for i in range(3)}) == 1
    assert len({where[f"m{i}"] for i in range(3)}) == 1
    assert where["s0"] != where["m0"]
    space = g.group(where["s0"])
    music = g.group(where["m0"])
    assert "shared interest in games (3 of" in space.explanation
    assert "space (3 of" in space.explanation
    assert "shared interest in music (3 of" in music.explanation
    zed = g.group(where["z"])
    assert "no interests stated yet by Zed" in zed.explanation
    assert NO_INTERESTS_SOME.format(names="Zed") in g.notes
    nobody = form_groups([_learner("a", "Ana"), _learner("b", "Ben")], req("interest", n_groups=2))
    assert nobody.notes == (NO_INTERESTS_AT_ALL,)
    assert all("no interests stated yet" in grp.explanation for grp in nobody.groups)


# ------------------------------------------- groups as the teacher edits them
def test_describe_groups_explains_edited_groups_under_their_names():
    ls = [
        LearnerFeatures("w", "Wren", 0.2, {"6.RP.1": 0.3}),
        LearnerFeatures("x", "Xia", 0.3, {"6.RP.1": 0.4}),
        LearnerFeatures("y", "Yan", 0.97, {"6.RP.1": 0.99}),
        LearnerFeatures("n", "New"),  # no evidence: not yet assessed
        LearnerFeatures("t", "Tia", 0.4, {"6.RP.1": 0.9}),
    ]
    r = GroupingRequest(kind="readiness", objective_code="6.RP.3", n_groups=2)
    crew, top = describe_groups(ls, r, [("Ratio crew", ["w", "x", "y"]), ("Top", ["n"])])
    assert crew.label == "Ratio crew" and crew.members == ("w", "x", "y")
    # The range now reaches Yan's readiness, who was moved in.
    assert crew.explanation.startswith("Ratio crew: ")
    assert f"3 learners, readiness 0.25-{readiness(ls[2]):.2f}. Evidence: " in crew.explanation
    assert top.readiness_range is None
    assert top.explanation.startswith("Top: not yet assessed")
    # A learner moved into a secure group is named, not hidden by the mean.
    (mixed,) = describe_groups(ls, r, [("Top", ["y", "w"])])
    assert "; Wren is not yet secure on 6.RP.1. 2 learners" in mixed.explanation
    (top2,) = describe_groups(ls, r, [("Top", ["y", "t"])])
    assert top2.explanation.startswith("Top: secure on 6.RP.3")
    assert "; Tia is not yet secure on 6.RP.3. 2 learners" in top2.explanation
    # Secure prerequisites alone rank a learner beside those who have shown
    # the objective; with no answer on it yet, she is named too.
    pre_only = LearnerFeatures("p", "Pia", None, {"6.RP.1": 0.99})
    (top3,) = describe_groups([*ls, pre_only], r, [("Top", ["y", "p"])])
    assert top3.explanation.startswith("Top: secure on 6.RP.3 (mastery averages 0.97)")
    assert "; Pia is not yet secure on 6.RP.3. 2 learners" in top3.explanation
    (low,) = describe_groups(ls, r, [("Low", ["w", "x", "y"])])
    assert low.explanation.startswith("Low: not yet secure on 6.RP.1")
    assert "; Yan is already secure on 6.RP.1. 3 learners" in low.explanation
    (empty,) = describe_groups(ls, r, [("Empty", [])])
    assert empty.explanation == "Empty: no learners."
    with pytest.raises(GroupingConstraintError) as exc:
        describe_groups(ls, r, [("Ratio crew", ["ghost"])])
    assert str(exc.value) == UNKNOWN_GROUP_MEMBER.format(group="Ratio crew", id="ghost")


def test_match_groups_follows_the_learners_not_the_names():
    old = [["a", "b", "c"], ["d", "e", "f"], ["g", "h"]]
    # The same groups in another order, one learner moved: each new group
    # continues the old group it shares most learners with.
    new = [["g", "h", "c"], ["a", "b"], ["d", "e", "f"]]
    assert match_groups(old, new) == [2, 0, 1]
    # A group sharing nobody with what is left continues nothing; nor does
    # one sharing less than half of the smaller group.
    assert match_groups([["a"], ["b"]], [["a"], ["z"]]) == [0, None]
    assert match_groups([["a", "b", "c", "d"]], [["a", "x", "y", "z"]]) == [None]
    assert match_groups([["a", "b", "c", "d"]], [["a", "b", "y", "z"]]) == [0]
    # Ties keep the position.
    assert match_groups([["a", "b"], ["c", "d"]], [["a", "c"], ["b", "d"]]) == [0, 1]
    # More or fewer groups than before.
    assert match_groups([["a", "b"]], [["a"], ["b"]]) in ([0, None], [None, 0])
    assert match_groups([], [["a"]]) == [None]


def test_every_phrase_set_covers_the_three_dimensions():
    assert set(PROFILE_PHRASES) == {"take_in", "express", "engage"}


def test_profile_changes_are_compared_as_preferences():
    before = [LearnerFeatures("a", "Ana", profile={"engage": ("pairs",)})]
    same = [LearnerFeatures("a", "Ana", profile={"engage": ["pairs"]})]
    other = [LearnerFeatures("a", "Ana", profile={"engage": "alone"})]
    assert change_reasons(before, same) == {}
    assert change_reasons(before, other) == {"a": "learning profile changed"}


def _cut_cost(sizes, values, seg):
    """Within-segment weighted sum of squares of a cut (segment per unit)."""
    total = 0.0
    for k in set(seg):
        ws = [s for s, x in zip(sizes, seg, strict=True) if x == k]
        vs = [v for v, x in zip(values, seg, strict=True) if x == k]
        mean = sum(w * v for w, v in zip(ws, vs, strict=True)) / sum(ws)
        total += sum(w * (v - mean) ** 2 for w, v in zip(ws, vs, strict=True))
    return total


def test_contiguous_cut_is_the_cheapest_valid_cut():
    """The vectorised dynamic program against every possible cut of small
    sorted inputs: same feasibility, sizes within bounds, least cost."""
    import itertools

    from trellis.engine.grouping.cuts import contiguous_cut

    r = random.Random(7)
    for _ in range(150):
        u = r.randint(1, 9)
        sizes = [r.choice([1, 1, 2, 3]) for _ in range(u)]
        values = sorted(r.random() for _ in range(u))
        g = r.randint(1, 4)
        lo = r.randint(1, 3)
        hi = lo + r.randint(0, 4)
        best = None
        for cuts in itertools.combinations(range(1, u), g - 1):
            bounds = (0, *cuts, u)
            weights = [sum(sizes[a:b]) for a, b in itertools.pairwise(bounds)]
            if all(lo <= w <= hi for w in weights):
                seg = [
                    k for k, (a, b) in enumerate(itertools.pairwise(bounds)) for _ in range(a, b)
                ]
                cost = _cut_cost(sizes, values, seg)
                best = cost if best is None else min(best, cost)
        got = contiguous_cut(sizes, None, values, g, lo, hi)
        if best is None:
            assert got is None
            continue
        assert got is not None and got == sorted(got) and set(got) == set(range(g))
        for k in range(g):
            assert lo <= sum(s for s, x in zip(sizes, got, strict=True) if x == k) <= hi
        assert _cut_cost(sizes, values, got) == pytest.approx(best, abs=1e-9)


def test_first_oversized_keep_together_block_is_the_one_named():
    """Two chains too large: the error names the one whose first learner
    comes first, members in learner order (as the union-find did)."""
    ls = make_class(12)
    r = req(
        keep_together=[("s009", "s008"), ("s008", "s007"), ("s007", "s006"), ("s005", "s001")]
        + [("s002", "s001"), ("s003", "s002")],
        max_size=3,
    )
    with pytest.raises(GroupingConstraintError) as e:
        form_groups(ls, r)
    assert str(e.value) == TOGETHER_TOO_LARGE.format(
        names="Pupil 1, Pupil 2, Pupil 3 and Pupil 5", size=4, max_size=3
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=12))
def test_keep_together_blocks_match_transitive_closure(pairs):
    """Two learners share a block exactly when a chain of pairs joins them;
    blocks are numbered in the order of their first learner."""
    from trellis.engine.grouping.constraints import together_blocks

    n = 10
    joined = [{i} for i in range(n)]
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            merged = joined[a] | joined[b]
            for x in merged:
                if joined[x] != merged:
                    joined[x] = merged
                    changed = True
    labels = together_blocks(n, pairs)
    for a in range(n):
        for b in range(n):
            assert (labels[a] == labels[b]) == (b in joined[a])
    firsts = [min(i for i in range(n) if labels[i] == label) for label in sorted(set(labels))]
    assert firsts == sorted(firsts)
