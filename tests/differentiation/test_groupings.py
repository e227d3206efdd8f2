"""Groupings: suggest from mastery, save, move (a new version), regroup
(who moved and why), and bad input refused whole with a message naming it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.differentiation.conftest import answer, enrol_more
from trellis.differentiation import services, suggest
from trellis.differentiation.models import Group, Grouping, GroupMembership
from trellis.engine import grouping as engine

pytestmark = pytest.mark.django_db


def _labels(grouping) -> dict[int, str]:
    return services.previous_labels(grouping)


def _class_of_six(world, curriculum):
    """learner, sibling and four more; learner and sibling strong on both
    competencies, the four new ones weak."""
    extra = enrol_more(world.class_a, 4)
    for strong in (world.learner, world.sibling):
        for _ in range(4):
            answer(strong, curriculum.prereq_item, True)
            answer(strong, curriculum.objective_item, True)
    for weak in extra:
        for _ in range(2):
            answer(weak, curriculum.prereq_item, False)
    return extra


def test_readiness_suggestion_puts_the_strong_together(world, curriculum):
    extra = _class_of_six(world, curriculum)
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 2},
    )
    members = [{u.pk for u in g.learners} for g in s.groups]
    assert {world.learner.pk, world.sibling.pk} in members
    assert {u.pk for u in extra} in members
    assert all(g.explanation.startswith(g.label) for g in s.groups)
    assert Grouping.objects.count() == 0  # a suggestion is not saved


def test_impossible_keep_apart_is_named_and_nothing_saved(world, curriculum):
    with pytest.raises(ValidationError) as exc:
        suggest.suggest(
            school_class=world.class_a,
            objective=curriculum.objective,
            kind="readiness",
            constraints={"n_groups": 1, "keep_apart": [(world.learner.pk, world.sibling.pk)]},
        )
    message = " ".join(exc.value.messages)
    assert str(world.learner) in message and str(world.sibling) in message
    assert "only 1" in message
    assert Grouping.objects.count() == 0


def test_no_size_given_is_refused(world, curriculum):
    with pytest.raises(ValidationError, match="number of groups"):
        suggest.suggest(
            school_class=world.class_a,
            objective=curriculum.objective,
            kind="readiness",
            constraints={},
        )


def _save(world, curriculum, groups, **kw):
    return services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=groups,
        created_by=world.teacher,
        **kw,
    )


def test_save_refuses_bad_groupings_whole(world, curriculum, other_world):
    L, S = world.learner.pk, world.sibling.pk
    cases = [
        ([services.GroupDraft("A", [L])], services.LEARNERS_MISSING.format(names=world.sibling)),
        (
            [services.GroupDraft("A", [L, S]), services.GroupDraft("B", [S])],
            services.LEARNER_TWICE.format(learner=world.sibling),
        ),
        (
            [services.GroupDraft("A", [L]), services.GroupDraft("A", [S])],
            services.LABEL_TWICE.format(label="A"),
        ),
        ([services.GroupDraft(" ", [L, S])], services.LABEL_EMPTY.format(n=1)),
        (
            [services.GroupDraft("A", [L, S, other_world.learner.pk])],
            services.LEARNER_NOT_IN_CLASS.format(
                id=other_world.learner.pk, school_class=world.class_a
            ),
        ),
        ([], services.NO_GROUPS),
    ]
    for groups, message in cases:
        with pytest.raises(ValidationError) as exc:
            _save(world, curriculum, groups)
        assert exc.value.messages == [message]
    with pytest.raises(ValidationError) as exc:
        _save(
            world,
            curriculum,
            [services.GroupDraft("A", [L, S])],
            constraints={"keep_apart": [[L, S]]},
        )
    assert exc.value.messages == [
        services.KEEP_APART_BROKEN.format(a=world.learner, b=world.sibling, group="A")
    ]
    with pytest.raises(ValidationError) as exc:
        _save(
            world,
            curriculum,
            [services.GroupDraft("A", [L]), services.GroupDraft("B", [S])],
            constraints={"keep_together": [[L, S]]},
        )
    assert exc.value.messages == [
        services.KEEP_TOGETHER_BROKEN.format(
            a=world.learner, b=world.sibling, group_a="A", group_b="B"
        )
    ]
    assert (Grouping.objects.count(), Group.objects.count(), GroupMembership.objects.count()) == (
        0,
        0,
        0,
    )


def test_objective_of_another_school_is_refused(world, curriculum, other_curriculum):
    with pytest.raises(ValidationError) as exc:
        services.grouping_save(
            school_class=world.class_a,
            objective=other_curriculum.objective,
            kind="readiness",
            groups=[services.GroupDraft("A", [world.learner.pk, world.sibling.pk])],
            created_by=world.teacher,
        )
    assert exc.value.messages == [
        services.OBJECTIVE_OTHER_SCHOOL.format(id=other_curriculum.objective.pk)
    ]


def test_move_saves_a_new_version_and_keeps_the_old(world, curriculum):
    L, S = world.learner.pk, world.sibling.pk
    first = _save(world, curriculum, [services.GroupDraft("A", [L]), services.GroupDraft("B", [S])])
    second = services.grouping_move(
        grouping=first, moves={S: "A"}, reasons={S: "Works well with Ann"}, created_by=world.teacher
    )
    assert second.based_on == first and second.lineage == first.pk
    assert _labels(first) == {L: "A", S: "B"}  # history untouched
    assert _labels(second) == {L: "A", S: "A"}
    moved = GroupMembership.objects.get(grouping=second, learner_id=S)
    assert (moved.moved_from, moved.reason) == ("B", "Works well with Ann")
    assert GroupMembership.objects.get(grouping=second, learner_id=L).moved_from == ""
    third = services.grouping_move(grouping=second, moves={L: "B"}, created_by=world.teacher)
    assert GroupMembership.objects.get(
        grouping=third, learner_id=L
    ).reason == services.MOVED_BY_TEACHER.format(teacher=world.teacher)
    with pytest.raises(ValidationError, match="no group called"):
        services.grouping_move(grouping=third, moves={L: "Nope"}, created_by=world.teacher)
    with pytest.raises(ValidationError) as exc:
        services.grouping_move(grouping=third, moves={L: "B"}, created_by=world.teacher)
    assert exc.value.messages == [services.NO_MOVES]


def test_regroup_after_a_formative_check_says_who_moved_and_why(world, curriculum):
    extra = _class_of_six(world, curriculum)
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 2},
    )
    first = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[g.draft() for g in s.groups],
        constraints=s.constraints,
        created_by=world.teacher,
        features=s.features,
    )
    weak_label = _labels(first)[extra[0].pk]
    # The formative check: two weak learners now answer everything right.
    for learner in extra[:2]:
        for _ in range(6):
            answer(learner, curriculum.prereq_item, True)
            answer(learner, curriculum.objective_item, True)
    second = suggest.grouping_regroup(grouping=first, created_by=world.teacher)
    assert second.based_on == first
    moved = {
        ms.learner_id: ms
        for ms in GroupMembership.objects.filter(grouping=second).exclude(moved_from="")
    }
    assert set(moved) >= {extra[0].pk, extra[1].pk}
    assert moved[extra[0].pk].moved_from == weak_label
    assert (
        "rose from" in moved[extra[0].pk].reason
        and curriculum.objective.label in moved[extra[0].pk].reason
    )


def test_engine_kinds_match_the_model_choices():
    from trellis.differentiation.models import KINDS

    assert {k for k, _ in KINDS} == set(engine.KINDS)
