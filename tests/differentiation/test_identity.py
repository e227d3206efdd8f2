"""A group keeps its identity across versions, whatever it is called: a
rename or a teacher's moves keep the plan, the stations and the assigned
checks with the group, and "who moved" lists only the learners who changed
group, also after a regroup. The explanation of a group whose members the
teacher changed is written again for its members and says what changed."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from tests.differentiation.conftest import answer, class_of_six, client_for
from trellis.differentiation import selectors, services, suggest
from trellis.differentiation.models import Group, Grouping, GroupMembership, GroupPlan
from trellis.evidence.services import assessment_create

pytestmark = pytest.mark.django_db


def _suggested(world, curriculum):
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 2},
    )
    grouping = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[g.draft() for g in s.groups],
        constraints=s.constraints,
        created_by=world.teacher,
        features=s.features,
        notes=s.notes,
    )
    return s, grouping


def _moved(grouping) -> dict[int, GroupMembership]:
    return {
        ms.learner_id: ms
        for ms in GroupMembership.objects.filter(grouping=grouping).exclude(
            moved_from="", reason=""
        )
    }


def _plan(world, curriculum, grouping):
    weak, strong = grouping.groups.all()
    check = assessment_create(
        school_class=world.class_a,
        title="Exit ticket",
        purpose="for",
        created_by=world.teacher,
        items=[curriculum.prereq_item],
        assign_class=False,
    )
    plan = services.group_plan_save(
        grouping=grouping,
        created_by=world.teacher,
        title="Ratios",
        entries=[
            services.EntryDraft(
                group_id=weak.pk, process="Reteach 6.RP.1", for_assessment_id=check.pk
            ),
            services.EntryDraft(group_id=strong.pk, process="Ratio project"),
        ],
    )
    services.station_rotation_save(
        plan=plan, stations=["Teacher", "Project"], minutes_per_station=15
    )
    return weak, strong


def test_rename_and_move_keep_the_plan_and_list_only_the_mover(world, curriculum):
    extra = class_of_six(world, curriculum)
    _, first = _suggested(world, curriculum)
    weak, strong = _plan(world, curriculum, first)
    assert set(selectors.group_member_ids(weak.pk)) == {u.pk for u in extra}
    second = services.grouping_move(
        grouping=first,
        moves={extra[0].pk: strong.label},
        names={weak.pk: "Ratio crew"},
        reasons={extra[0].pk: "Ready for a challenge"},
        created_by=world.teacher,
    )
    crew, stretch = second.groups.all()
    assert (crew.label, stretch.label) == ("Ratio crew", strong.label)
    assert (crew.key, stretch.key) == (weak.key, strong.key)
    # Who moved: the one learner, from the group's name at the time.
    moved = _moved(second)
    assert list(moved) == [extra[0].pk]
    assert (moved[extra[0].pk].moved_from, moved[extra[0].pk].reason) == (
        weak.label,
        "Ready for a challenge",
    )
    # The plan and the stations followed the groups, under their new names.
    plan = GroupPlan.objects.get(grouping=second)
    entries = {e.group.label: e.process for e in plan.entries.select_related("group")}
    assert entries == {"Ratio crew": "Reteach 6.RP.1", strong.label: "Ratio project"}
    assert plan.rotation.stations == ["Teacher", "Project"]
    # The check assigned to the first version's weak group reaches the
    # renamed group's current members; the mover is no longer among them.
    assert selectors.group_member_ids(weak.pk) == {u.pk for u in extra[1:]}
    assert extra[0].pk in selectors.group_member_ids(strong.pk)
    # The learner sees their renamed group's entry.
    (row,) = selectors.entries_for_learner(extra[1])
    assert (row.group.label, row.entry.process) == ("Ratio crew", "Reteach 6.RP.1")


def test_explanations_are_written_again_for_changed_groups(world, curriculum):
    extra = class_of_six(world, curriculum)
    _, first = _suggested(world, curriculum)
    weak, strong = first.groups.all()
    second = services.grouping_move(
        grouping=first, moves={extra[0].pk: strong.label}, created_by=world.teacher
    )
    crew, stretch = second.groups.all()
    assert crew.explanation.startswith(f"{weak.label}: not yet secure on {curriculum.prereq.code}")
    assert "3 learners" in crew.explanation and "4 learners" in weak.explanation
    assert crew.explanation.endswith(
        f"Changed by {world.teacher}: {extra[0]} left for {strong.label}."
    )
    assert stretch.explanation.startswith(f"{strong.label}: ")
    # The range now reaches down to the learner who joined, who is named.
    assert re.search(r"3 learners, readiness 0\.[0-4]\d-", stretch.explanation)
    assert f"{extra[0]} is not yet secure on {curriculum.prereq.code}" in stretch.explanation
    assert stretch.explanation.endswith(
        f"Changed by {world.teacher}: {extra[0]} joined from {weak.label}."
    )
    # A rename only: the explanation is kept, under the new name.
    third = services.grouping_move(
        grouping=second, moves={}, names={stretch.pk: "Stretch"}, created_by=world.teacher
    )
    renamed = third.groups.get(label="Stretch")
    assert renamed.explanation == "Stretch:" + stretch.explanation.removeprefix(f"{stretch.label}:")
    assert third.groups.get(key=crew.key).explanation == crew.explanation
    assert _moved(third) == {}
    # Nothing moved and nothing renamed is refused.
    with pytest.raises(ValidationError) as exc:
        services.grouping_move(grouping=third, moves={}, names={}, created_by=world.teacher)
    assert exc.value.messages == [services.NO_MOVES]


def test_a_regroup_after_a_rename_keeps_names_plan_and_lists_only_real_moves(world, curriculum):
    extra = class_of_six(world, curriculum)
    _, first = _suggested(world, curriculum)
    weak, strong = _plan(world, curriculum, first)
    second = services.grouping_move(
        grouping=first,
        moves={},
        names={weak.pk: "Ratio crew", strong.pk: "Stretch"},
        created_by=world.teacher,
    )
    # The formative check: two of the weak learners now get everything right.
    for learner in extra[:2]:
        for _ in range(6):
            answer(learner, curriculum.prereq_item, True)
            answer(learner, curriculum.objective_item, True)
    third = suggest.grouping_regroup(grouping=second, created_by=world.teacher)
    groups = {g.label: g for g in third.groups.all()}
    assert set(groups) == {"Ratio crew", "Stretch"}
    assert groups["Ratio crew"].key == weak.key and groups["Stretch"].key == strong.key
    members = {label: {ms.learner_id for ms in g.memberships.all()} for label, g in groups.items()}
    assert members["Ratio crew"] == {extra[2].pk, extra[3].pk}
    moved = _moved(third)
    assert set(moved) == {extra[0].pk, extra[1].pk}  # not the whole class
    assert moved[extra[0].pk].moved_from == "Ratio crew"
    assert "rose from" in moved[extra[0].pk].reason
    assert curriculum.objective.label in moved[extra[0].pk].reason
    # The explanations are the engine's, under the teacher's names.
    assert groups["Ratio crew"].explanation.startswith("Ratio crew: not yet secure on ")
    assert groups["Stretch"].explanation.startswith("Stretch: ")
    # The plan and the check followed the groups.
    plan = GroupPlan.objects.get(grouping=third)
    assert {e.group.label: e.process for e in plan.entries.select_related("group")} == {
        "Ratio crew": "Reteach 6.RP.1",
        "Stretch": "Ratio project",
    }
    assert selectors.group_member_ids(weak.pk) == {extra[2].pk, extra[3].pk}
    # History: every version is kept.
    assert list(Grouping.objects.filter(lineage=first.pk).order_by("pk")) == [first, second, third]


def test_the_editor_rewrites_the_explanation_of_groups_the_teacher_changed(world, curriculum):
    extra = class_of_six(world, curriculum)
    s = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 2},
    )
    post = {
        "objective": curriculum.objective.pk,
        "kind": "readiness",
        "constraints": json.dumps(s.constraints),
        "group_count": 2,
    }
    for i, g in enumerate(s.groups):
        post |= {
            f"label_{i}": g.label,
            f"explanation_{i}": g.explanation,
            f"suggested_label_{i}": g.label,
            f"suggested_{i}": ",".join(str(u.pk) for u in g.learners),
        }
        for u in g.learners:
            post[f"learner_{u.pk}"] = i
    client = client_for(world.teacher)
    # Saved as suggested: the suggestion's own explanations.
    assert (
        client.post(f"/differentiate/classes/{world.class_a.pk}/groupings/", post).status_code
        == 302
    )
    saved = Grouping.objects.get()
    assert [g.explanation for g in saved.groups.all()] == [g.explanation for g in s.groups]
    # Renamed one group and moved a learner out of the other.
    weak_index = next(i for i, g in enumerate(s.groups) if extra[0] in g.learners)
    other = 1 - weak_index
    post[f"learner_{extra[0].pk}"] = other
    post[f"label_{other}"] = "Stretch"
    assert (
        client.post(f"/differentiate/classes/{world.class_a.pk}/groupings/", post).status_code
        == 302
    )
    edited = Grouping.objects.order_by("-pk").first()
    weak_group = edited.groups.get(label=s.groups[weak_index].label)
    stretch = edited.groups.get(label="Stretch")
    assert weak_group.explanation.endswith(
        f"Changed by {world.teacher}: {extra[0]} left for Stretch."
    )
    assert stretch.explanation.startswith("Stretch: ")
    assert stretch.explanation.endswith(
        f"Changed by {world.teacher}: {extra[0]} joined from {s.groups[weak_index].label}."
    )
    assert "3 learners" in stretch.explanation


def test_the_move_page_renames_groups(world, curriculum):
    class_of_six(world, curriculum)
    _, first = _suggested(world, curriculum)
    weak, strong = first.groups.all()
    client = client_for(world.teacher)
    response = client.post(
        f"/differentiate/groupings/{first.pk}/move/",
        {f"name_{weak.pk}": "Ratio crew", f"name_{strong.pk}": strong.label},
    )
    assert response.status_code == 302
    second = Grouping.objects.order_by("-pk").first()
    assert [g.label for g in second.groups.all()] == ["Ratio crew", strong.label]
    page = client.get(f"/differentiate/groupings/{second.pk}/").content.decode()
    assert 'name="name_' in page and "Ratio crew" in page
    # Two groups of one name are refused; nothing is saved.
    response = client.post(
        f"/differentiate/groupings/{second.pk}/move/",
        {f"name_{second.groups.first().pk}": strong.label},
        follow=True,
    )
    assert services.LABEL_TWICE.format(label=strong.label) in response.content.decode()
    assert Grouping.objects.count() == 2


def test_the_migration_gives_revisions_the_keys_of_their_groups(world, curriculum):
    """0002 backfills keys: a revision's group inherits the key of the
    group of the same name in the grouping it was revised from."""
    L, S = world.learner.pk, world.sibling.pk
    first = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[services.GroupDraft("A", [L]), services.GroupDraft("B", [S])],
        created_by=world.teacher,
    )
    second = services.grouping_move(grouping=first, moves={S: "A"}, created_by=world.teacher)
    other = services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[services.GroupDraft("A", [L, S])],
        created_by=world.teacher,
    )
    migration = importlib.import_module("trellis.differentiation.migrations.0002_group_key")
    migration.backfill(django_apps, None)
    key = {(g.grouping_id, g.label): g.key for g in Group.objects.all()}
    assert key[(second.pk, "A")] == key[(first.pk, "A")]
    assert key[(second.pk, "B")] == key[(first.pk, "B")]
    assert key[(first.pk, "A")] != key[(first.pk, "B")]
    assert key[(other.pk, "A")] not in {key[(first.pk, "A")], key[(first.pk, "B")]}
