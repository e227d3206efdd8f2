"""Interest and learning-profile groupings use what the learners wrote in
their learner profile (personalization), mapped to the grouping engine's
features; learners who wrote no profile are placed and named."""

from __future__ import annotations

import pytest

from tests.differentiation.conftest import client_for, enrol_more
from trellis.differentiation import services, suggest
from trellis.differentiation.models import Grouping
from trellis.engine import grouping as engine
from trellis.personalization.models.profile import ENGAGE_CHOICES, EXPRESS_CHOICES, TAKE_IN_CHOICES
from trellis.personalization.services.profile import profile_update

pytestmark = pytest.mark.django_db


def test_every_choice_of_the_learner_profile_reads_as_words():
    for dimension, choices in (
        ("take_in", TAKE_IN_CHOICES),
        ("express", EXPRESS_CHOICES),
        ("engage", ENGAGE_CHOICES),
    ):
        for value, _ in choices:
            assert value in engine.PROFILE_PHRASES[dimension], (dimension, value)


def _members(suggestion) -> list[set[int]]:
    return [{u.pk for u in g.learners} for g in suggestion.groups]


def _group_of(suggestion, learner):
    return next(g for g in suggestion.groups if learner in g.learners)


def test_interest_groups_follow_the_interests_learners_wrote(world, curriculum):
    space = [world.learner, world.sibling, *enrol_more(world.class_a, 1, "space")]
    music = enrol_more(world.class_a, 3, "music")
    (quiet,) = enrol_more(world.class_a, 1, "quiet")  # wrote no profile
    for learner in space:
        profile_update(learner=learner, interest_tags="Space, rockets", interests="The planets")
    for learner in music:
        profile_update(learner=learner, interest_tags=["music", "Drums "])
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="interest",
        constraints={"n_groups": 2},
    )
    members = _members(s)
    assert any({u.pk for u in space} <= m for m in members)
    assert any({u.pk for u in music} <= m for m in members)
    space_group = _group_of(s, world.learner)
    music_group = _group_of(s, music[0])
    assert space_group is not music_group
    assert space_group.explanation.startswith(f"{space_group.label}: shared interest in ")
    assert "rockets (3 of" in space_group.explanation and "space (3 of" in space_group.explanation
    assert "drums (3 of" in music_group.explanation and "music (3 of" in music_group.explanation
    # The learner with no profile is placed, named in their group's
    # explanation, and the notes say to ask for a profile.
    theirs = _group_of(s, quiet)
    assert f"no interests stated yet by {quiet}" in theirs.explanation
    assert suggest.NO_PROFILE_YET.format(names=str(quiet), what="interest") in s.notes
    assert engine.NO_INTERESTS_SOME.format(names=str(quiet)) in s.notes
    # What they were grouped on is kept with the saved grouping.
    assert s.features[str(world.learner.pk)]["interests"] == ["rockets", "space"]
    assert s.features[str(quiet.pk)]["interests"] == []


def test_profile_groups_follow_how_learners_said_they_work(world, curriculum):
    partners = [world.learner, world.sibling, *enrol_more(world.class_a, 1, "pair")]
    loners = enrol_more(world.class_a, 3, "solo")
    (blank,) = enrol_more(world.class_a, 1, "blank")
    for learner in partners:
        profile_update(
            learner=learner, take_in=["video", "hands-on"], express=["drawing"], engage=["pairs"]
        )
    for learner in loners:
        profile_update(learner=learner, take_in=["reading"], express=["writing"], engage=["alone"])
    profile_update(learner=blank, strengths="Patient")  # a profile, but no choices ticked
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="profile",
        constraints={"min_size": 3, "max_size": 4},
    )
    members = _members(s)
    assert any({u.pk for u in partners} <= m for m in members)
    assert any({u.pk for u in loners} <= m for m in members)
    pairs = _group_of(s, world.learner)
    assert "take in information best by watching (video) (3 of" in pairs.explanation
    assert "show what they know with drawings or diagrams (3 of" in pairs.explanation
    assert "like to work with a partner (3 of" in pairs.explanation
    alone = _group_of(s, loners[0])
    assert "like to work on their own (3 of" in alone.explanation
    assert "take in information best by reading (3 of" in alone.explanation
    assert f"no learning profile stated yet by {blank}" in _group_of(s, blank).explanation
    assert engine.NO_PROFILE_SOME.format(names=str(blank)) in s.notes
    # ``blank`` has a profile, so there is no "write your profile" note.
    assert not any("ask them to fill in" in n for n in s.notes)
    assert s.features[str(world.learner.pk)]["profile"] == {
        "take_in": ["video", "hands-on"],
        "express": ["drawing"],
        "engage": ["pairs"],
    }


def test_a_class_with_no_profiles_is_grouped_and_told_so(world, curriculum):
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="profile",
        constraints={"n_groups": 1},
    )
    assert [len(g.learners) for g in s.groups] == [2]
    assert str(engine.NO_PROFILE_AT_ALL) in s.notes
    names = sorted([str(world.learner), str(world.sibling)])
    assert suggest.NO_PROFILE_YET.format(names=" and ".join(names), what="learning profile") in (
        s.notes
    )
    assert "no learning profile stated yet by anyone in this group" in s.groups[0].explanation


def test_the_class_page_shows_the_profile_explanations(world, curriculum):
    for learner in (world.learner, world.sibling):
        profile_update(learner=learner, interest_tags="football")
    page = (
        client_for(world.teacher)
        .get(
            f"/differentiate/classes/{world.class_a.pk}/",
            {"objective": curriculum.objective.pk, "kind": "interest", "n_groups": 1},
        )
        .content.decode()
    )
    assert "Group A: shared interest in football (2 of 2). 2 learners." in page
    assert Grouping.objects.count() == 0


def test_a_learner_who_changes_their_profile_is_told_why_they_moved(world, curriculum):
    profile_update(learner=world.learner, engage=["alone"])
    profile_update(learner=world.sibling, engage=["alone"])
    (third,) = enrol_more(world.class_a, 1, "third")
    profile_update(learner=third, engage=["pairs"])
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="profile",
        constraints={"n_groups": 2},
    )
    first = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="profile",
        groups=[g.draft() for g in s.groups],
        constraints=s.constraints,
        created_by=world.teacher,
        features=s.features,
    )
    before = services.previous_groups(first)
    assert before[world.learner.pk] == before[world.sibling.pk] != before[third.pk]
    profile_update(learner=world.sibling, engage=["pairs"])
    second = suggest.grouping_regroup(grouping=first, created_by=world.teacher)
    moved = second.memberships.exclude(moved_from="")
    assert [(ms.learner, ms.reason) for ms in moved] == [
        (world.sibling, "learning profile changed")
    ]
