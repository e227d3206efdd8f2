"""Recommendations follow readiness, interests and preferences, and say why."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trellis.engine.recommend import (
    MASTERED,
    READINESS_LEVEL_ERROR,
    Bm25Index,
    LearnerContext,
    ResourceInfo,
    TfidfIndex,
    level_fit,
    recommend,
    stem,
    tokenize,
)

CATALOGUE = [
    ResourceInfo(
        "r-space-video",
        "Ratios on the International Space Station",
        "Astronauts measure rocket fuel and orbit speed using unit rates.",
        ("7.RP.2",),
        2,
        "video",
        ("space",),
        ("captions",),
    ),
    ResourceInfo(
        "r-space-reading",
        "Planets and proportions",
        "Compare the sizes of planets and moons with scale drawings.",
        ("7.RP.2",),
        2,
        "reading",
        ("space",),
    ),
    ResourceInfo(
        "r-cooking",
        "Recipe ratios",
        "Scale a recipe for a bigger party: flour, sugar and eggs.",
        ("7.RP.2",),
        2,
        "video",
        ("cooking",),
        ("captions",),
    ),
    ResourceInfo(
        "r-sports",
        "Batting averages",
        "Unit rates in baseball and basketball statistics.",
        ("7.RP.2",),
        2,
        "interactive",
        ("sports",),
    ),
    ResourceInfo(
        "r-geometry",
        "Angles in a spaceship hatch",
        "Measure angles of a rocket hatch and its window.",
        ("7.G.5",),
        2,
        "video",
        ("space",),
    ),
]

SPACE_FAN = LearnerContext(
    "learner-1",
    mastery={"7.RP.2": 0.25, "7.G.5": 0.3},
    ready_to_learn=frozenset({"7.RP.2"}),
    interests_text="I love space, rockets and the planets. Astronauts are cool.",
    interest_tags=frozenset({"space"}),
    preferred_formats=("video",),
)


def test_tokenizer_and_stemmer():
    assert tokenize("I love the Planets and ROCKETS!") == ["planet", "rocket"]
    assert stem("stories") == "story"
    assert stem("drawing") == "draw"
    assert stem("boxes") == "box"
    assert stem("class") == "class"


def test_bm25_prefers_matching_documents():
    idx = Bm25Index([["rocket", "planet"], ["flour", "sugar"], ["rocket"]])
    s = idx.scores(["rocket"])
    assert s[1] == 0.0 and s[0] > 0 and s[2] > s[0]  # shorter document wins
    t = TfidfIndex([["rocket", "planet"], ["flour", "sugar"]]).scores(["rocket"])
    assert t[0] > 0 and t[1] == 0


def test_space_fan_gets_space_resources_first():
    recs = recommend(SPACE_FAN, CATALOGUE)
    ids = [r.resource_id for r in recs]
    assert ids[0] == "r-space-video"
    assert set(ids[:2]) <= {"r-space-video", "r-space-reading", "r-geometry"}
    assert ids.index("r-space-reading") < ids.index("r-cooking")


def test_reason_mentions_interest_format_and_level():
    top = recommend(SPACE_FAN, CATALOGUE)[0]
    assert top.reason == (
        "Matches your interest in space; a video, as you prefer; "
        "at your level for 7.RP.2 (you're ready to learn it)"
    )
    assert "\n" not in top.reason
    assert set(top.components) >= {"level", "ready", "interest", "format", "access"}


def test_reason_quotes_the_learners_own_words_when_no_tag_matches():
    learner = LearnerContext("l", interests_text="baking cakes and cooking with sugar")
    recs = recommend(learner, CATALOGUE, k=1)
    assert recs[0].resource_id == "r-cooking"
    assert "sugar" in recs[0].reason


def test_resource_above_level_ranks_lower():
    easy = ResourceInfo(
        "a-easy", "Space rates", "rocket speed", ("7.RP.2",), 2, "video", ("space",)
    )
    hard = ResourceInfo(
        "b-hard", "Space rates", "rocket speed", ("7.RP.2",), 5, "video", ("space",)
    )
    recs = recommend(SPACE_FAN, [hard, easy])
    assert [r.resource_id for r in recs] == ["a-easy", "b-hard"]
    assert "may be hard" in recs[1].reason
    assert level_fit(5, 0.25) < level_fit(2, 0.25)
    # Too hard costs more than equally too easy.
    assert level_fit(4, 0.5) < level_fit(2, 0.5)
    assert level_fit(5, 0.5) < level_fit(1, 0.5)


def test_competency_filter():
    recs = recommend(SPACE_FAN, CATALOGUE, competency="7.G.5")
    assert [r.resource_id for r in recs] == ["r-geometry"]
    assert recs[0].competency == "7.G.5"
    assert recommend(SPACE_FAN, CATALOGUE, competency="8.EE.1") == []


def test_empty_catalogue_and_k():
    assert recommend(SPACE_FAN, []) == []
    assert len(recommend(SPACE_FAN, CATALOGUE, k=2)) == 2
    with pytest.raises(ValueError):
        recommend(SPACE_FAN, CATALOGUE, k=0)


def test_accessibility_needs_lower_and_explain():
    learner = LearnerContext(
        "l",
        interest_tags=frozenset({"space"}),
        needs_accessibility=frozenset({"captions"}),
    )
    recs = {r.resource_id: r for r in recommend(learner, CATALOGUE)}
    assert recs["r-space-video"].score > recs["r-space-reading"].score
    assert "lacks captions" in recs["r-space-reading"].reason


def test_deterministic_with_id_tie_break():
    twins = [ResourceInfo(i, "Same", "same words", ("X",), 3, "reading", ("t",)) for i in "cab"]
    learner = LearnerContext("l", interest_tags=frozenset({"t"}))
    first = recommend(learner, twins)
    assert [r.resource_id for r in first] == ["a", "b", "c"]
    assert recommend(learner, list(reversed(twins))) == first
    assert recommend(SPACE_FAN, CATALOGUE) == recommend(SPACE_FAN, CATALOGUE)


def test_tfidf_option_and_bad_model():
    recs = recommend(SPACE_FAN, CATALOGUE, text_model="tfidf")
    assert recs[0].resource_id == "r-space-video"
    with pytest.raises(ValueError):
        recommend(SPACE_FAN, CATALOGUE, text_model="lsa")  # type: ignore[arg-type]


def test_validation_messages():
    with pytest.raises(ValueError) as exc:
        ResourceInfo("r", "t", readiness_level=7)
    assert str(exc.value) == READINESS_LEVEL_ERROR.format(value=7)
    with pytest.raises(ValueError):
        LearnerContext("l", mastery={"X": 1.5})


words = st.text(alphabet="abcdefgh ", max_size=30)
resources = st.lists(
    st.builds(
        ResourceInfo,
        id=st.text(alphabet="xyz0123", min_size=1, max_size=4),
        title=words,
        description=words,
        competency_codes=st.tuples(st.sampled_from(["A", "B", "C"])),
        readiness_level=st.integers(1, 5),
        format=st.sampled_from(["video", "reading", "audio"]),
        interest_tags=st.tuples(st.sampled_from(["p", "q", "r"])),
    ),
    max_size=12,
)


@settings(max_examples=80, deadline=None)
@given(resources, words, st.floats(0, 1))
def test_scores_bounded_and_sorted(catalogue, text, m):
    learner = LearnerContext(
        "l", mastery={"A": m}, interests_text=text, preferred_formats=("audio",)
    )
    recs = recommend(learner, catalogue, k=50)
    review = recommend(learner, catalogue, k=50, review=True)
    # Every resource is offered once: as new work, or (its competency
    # mastered) as review.
    mastered = [r for r in catalogue if r.competency_codes == ("A",) and m >= MASTERED]
    assert len(review) == len(mastered)
    assert len(recs) + len(review) == len(catalogue)
    assert all(0.0 <= r.score <= 1.0 for r in recs)
    keys = [(-r.score, r.resource_id) for r in recs]
    assert keys == sorted(keys)
    assert all(r.reason and r.reason[0].isupper() for r in recs)
    assert all("for review: you have mastered A" in r.reason for r in review)


def test_mastered_competencies_are_offered_only_as_review_and_say_so():
    catalogue = [
        ResourceInfo("m", "Ratio tables again", competency_codes=("6.RP.1",), readiness_level=5),
        ResourceInfo("n", "Rates", competency_codes=("6.RP.2",), readiness_level=2),
        ResourceInfo("both", "Ratios and rates", competency_codes=("6.RP.1", "6.RP.2")),
    ]
    learner = LearnerContext("l", mastery={"6.RP.1": 0.99, "6.RP.2": 0.3})
    recs = recommend(learner, catalogue, k=10)
    # A resource on both is judged on the competency not yet mastered.
    assert {r.resource_id: r.competency for r in recs} == {"n": "6.RP.2", "both": "6.RP.2"}
    assert not any("at your level for 6.RP.1" in r.reason for r in recs)
    (review,) = recommend(learner, catalogue, k=10, review=True)
    assert review.resource_id == "m"
    assert review.reason.lower().endswith("for review: you have mastered 6.rp.1 (99 %)")
    # Asked for a mastered competency, new work is empty and review is not.
    assert recommend(learner, catalogue, competency="6.RP.1") == []
    assert {r.resource_id for r in recommend(learner, catalogue, "6.RP.1", review=True)} == {
        "m",
        "both",
    }
    # The platform's level decides when given (mastered needs 3 answers).
    unsure = LearnerContext("l", mastery={"6.RP.1": 0.99}, mastered=frozenset())
    assert "m" in {r.resource_id for r in recommend(unsure, catalogue)}
