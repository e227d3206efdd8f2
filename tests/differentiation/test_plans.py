"""Group plans (one objective, four elements per group, a FOR check per
group that reaches the group's current members), station rotations, and
the before-the-lesson report."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.differentiation.conftest import answer, enrol_more
from trellis.curriculum.models import Resource
from trellis.differentiation import selectors, services
from trellis.differentiation.models import GroupPlan, GroupPlanEntry, StationRotation
from trellis.evidence.models import AssessmentAssignment
from trellis.evidence.selectors import is_assigned
from trellis.evidence.services import assessment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def grouping(world, curriculum):
    return services.grouping_save(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        groups=[
            services.GroupDraft("A", [world.learner.pk]),
            services.GroupDraft("B", [world.sibling.pk]),
        ],
        created_by=world.teacher,
    )


def _assessment(world, curriculum, purpose="for", school_class=None):
    return assessment_create(
        school_class=school_class or world.class_a,
        title=f"Check {purpose}",
        purpose=purpose,
        created_by=world.teacher,
        items=[curriculum.objective_item],
        assign_class=False,
    )


def test_plan_assigns_the_for_check_to_the_group_only(world, curriculum, grouping):
    group_a, group_b = grouping.groups.all()
    resource = Resource.objects.create(school=world.school, title="Ratio tables", format="reading")
    check = _assessment(world, curriculum)
    plan = services.group_plan_save(
        grouping=grouping,
        created_by=world.teacher,
        entries=[
            services.EntryDraft(
                group_id=group_a.pk,
                process="Guided practice",
                product="Exit ticket",
                affect="Sentence starters",
                resource_ids=[resource.pk],
                for_assessment_id=check.pk,
            ),
            services.EntryDraft(group_id=group_b.pk, process="Project"),
        ],
    )
    assert plan.objective == curriculum.objective
    entry = GroupPlanEntry.objects.get(group=group_a)
    assert (entry.process, entry.affect, list(entry.resources.all())) == (
        "Guided practice",
        "Sentence starters",
        [resource],
    )
    assert is_assigned(check, world.learner) and not is_assigned(check, world.sibling)
    # Saving again does not assign twice.
    services.group_plan_save(
        grouping=grouping,
        created_by=world.teacher,
        entries=[services.EntryDraft(group_id=group_a.pk, for_assessment_id=check.pk)],
    )
    assert AssessmentAssignment.objects.filter(assessment=check, target="group").count() == 1
    # A learner moved into group A afterwards gets the check too.
    services.grouping_move(
        grouping=grouping, moves={world.sibling.pk: "A"}, created_by=world.teacher
    )
    assert selectors.group_member_ids(group_a.pk) == {world.learner.pk, world.sibling.pk}
    assert is_assigned(check, world.sibling)


def test_plan_refuses_bad_entries_whole(world, curriculum, grouping, other_world, other_curriculum):
    group_a = grouping.groups.first()
    summative = _assessment(world, curriculum, purpose="of")
    other_class = _assessment(world, curriculum, school_class=world.class_b)
    foreign = Resource.objects.create(
        school=other_world.school, title="Elsewhere", format="reading"
    )
    other_grouping_group = services.grouping_save(
        school_class=world.class_b,
        objective=curriculum.objective,
        kind="readiness",
        groups=[services.GroupDraft("Only", [world.other_learner.pk])],
        created_by=world.teacher_b,
    ).groups.first()
    cases = [
        (
            dict(for_assessment_id=summative.pk),
            services.ASSESSMENT_NOT_FOR.format(title=summative.title, purpose="OF learning"),
        ),
        (
            dict(for_assessment_id=other_class.pk),
            services.ASSESSMENT_UNKNOWN.format(assessment=other_class.pk),
        ),
        (
            dict(resource_ids=[foreign.pk]),
            services.RESOURCE_UNKNOWN.format(resource=foreign.pk),
        ),
        (dict(resource_ids=[987654]), services.RESOURCE_UNKNOWN.format(resource=987654)),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.group_plan_save(
                grouping=grouping,
                created_by=world.teacher,
                entries=[
                    services.EntryDraft(group_id=group_a.pk, process="ok"),
                    services.EntryDraft(group_id=group_a.pk, **kwargs),
                ],
            )
        assert exc.value.messages == [message]
    with pytest.raises(ValidationError) as exc:
        services.group_plan_save(
            grouping=grouping,
            created_by=world.teacher,
            entries=[services.EntryDraft(group_id=other_grouping_group.pk)],
        )
    assert exc.value.messages == [
        services.GROUP_OTHER_GROUPING.format(group=other_grouping_group.pk)
    ]
    with pytest.raises(ValidationError):
        services.group_plan_save(
            grouping=grouping,
            created_by=world.teacher,
            objective=other_curriculum.objective,
            entries=[],
        )
    assert GroupPlan.objects.count() == 0 and GroupPlanEntry.objects.count() == 0
    assert not AssessmentAssignment.objects.filter(target="group").exists()


def test_station_rotation(world, curriculum, grouping):
    plan = services.group_plan_save(grouping=grouping, created_by=world.teacher, entries=[])
    rotation = services.station_rotation_save(
        plan=plan, stations=["Teacher", "Practice", "Reading"], minutes_per_station=12
    )
    table = selectors.rotation_table(plan, rotation)
    assert [(s.start, s.end) for s in table.slots] == [(0, 12), (12, 24), (24, 36)]
    assert [s.stations for s in table.slots] == [
        ["Teacher", "Practice"],
        ["Practice", "Reading"],
        ["Reading", "Teacher"],
    ]
    for slot in table.slots:  # never two groups at one station
        assert len(set(slot.stations)) == len(slot.stations)
    for g in range(2):  # every group visits every station once
        assert {s.stations[g] for s in table.slots} == {"Teacher", "Practice", "Reading"}
    cases = [
        (["Only one"], 12, services.TOO_FEW_STATIONS.format(groups=2, stations=1)),
        ([], 12, services.NO_STATIONS),
        (["A", "", "B"], 12, services.STATION_EMPTY.format(n=2)),
        (["A", "B"], 0, services.MINUTES_RANGE.format(value=0)),
    ]
    for stations, minutes, message in cases:
        with pytest.raises(ValidationError) as exc:
            services.station_rotation_save(
                plan=plan, stations=stations, minutes_per_station=minutes
            )
        assert exc.value.messages == [message]
    assert StationRotation.objects.get().stations == ["Teacher", "Practice", "Reading"]


def test_before_lesson_lists_struggle_and_extension_with_evidence(world, curriculum):
    weak, ready = enrol_more(world.class_a, 2)
    for _ in range(5):
        answer(world.learner, curriculum.prereq_item, True)
        answer(world.learner, curriculum.objective_item, True)
        answer(ready, curriculum.prereq_item, True)
    for _ in range(2):
        answer(weak, curriculum.prereq_item, False)
    report = selectors.before_lesson(world.class_a, curriculum.objective)
    assert [c.code for c in report.prerequisites] == [curriculum.prereq.code]
    assert [r.learner for r in report.extension] == [world.learner]
    struggling = {r.learner: r for r in report.struggle}
    assert set(struggling) == {weak}
    assert struggling[weak].weak_prerequisites[0].attempts == 2
    assert "Attempted" in str(struggling[weak].weak_prerequisites[0])
    assert [r.learner for r in report.on_track] == [ready]
    # The sibling has no answers: not yet assessed, not "likely to struggle".
    assert [r.learner for r in report.not_assessed] == [world.sibling]
    assert report.not_assessed[0].score is None
    assert report.extension[0].evidence.startswith(
        f"{world.learner}: 5 answers on {curriculum.objective.label} and 5 on its prerequisites"
    )


def test_before_the_lesson_and_readiness_grouping_agree(world, curriculum):
    """Both read ``selectors.readiness_for``: a learner is said to show
    mastery in the grouping only if "Before the lesson" lists them for
    extension; the learners flagged as not yet assessed are the same; each
    learner likely to struggle is in a group that says so or is named."""
    from trellis.differentiation import suggest

    weak, ready, new1, new2 = enrol_more(world.class_a, 4)
    for _ in range(5):
        answer(world.learner, curriculum.prereq_item, True)
        answer(world.learner, curriculum.objective_item, True)
        answer(ready, curriculum.prereq_item, True)
    for _ in range(3):
        answer(weak, curriculum.prereq_item, False)
    report = selectors.before_lesson(world.class_a, curriculum.objective)
    suggestion = suggest.suggest(
        school_class=world.class_a,
        objective=curriculum.objective,
        kind="readiness",
        constraints={"n_groups": 3},
    )
    assert {r.learner for r in report.not_assessed} == {world.sibling, new1, new2}
    label = curriculum.objective.label
    for group in suggestion.groups:
        text = group.explanation
        members = set(group.learners)
        if "already shows mastery" in text:
            assert members - {r.learner for r in report.not_assessed} <= {
                r.learner for r in report.extension
            }
        for r in report.not_assessed:
            if r.learner in members:
                assert f"{r.learner}: no answers yet" in text
                assert "not yet assessed" in text
        for r in report.struggle:
            if r.learner in members:
                assert "not yet secure" in text
        for learner in members:
            assert f"{learner}: " in text.split("Evidence: ", 1)[1]
    # Nobody with no answers is described with a readiness figure.
    unassessed_only = [
        g for g in suggestion.groups if set(g.learners) <= {r.learner for r in report.not_assessed}
    ]
    for g in unassessed_only:
        assert "readiness" not in g.explanation.split("Evidence:")[0]
        assert f"not yet assessed (no answers yet on {label}" in g.explanation


def test_a_new_version_keeps_the_plan_with_its_groups(world, curriculum, grouping):
    group_a, group_b = grouping.groups.all()
    resource = Resource.objects.create(school=world.school, title="Ratio tables", format="reading")
    services.group_plan_save(
        grouping=grouping,
        created_by=world.teacher,
        title="Ratios day 2",
        entries=[
            services.EntryDraft(group_id=group_a.pk, process="Guided", resource_ids=[resource.pk]),
            services.EntryDraft(group_id=group_b.pk, process="Project"),
        ],
    )
    revised = services.grouping_move(
        grouping=grouping, moves={world.sibling.pk: "A"}, created_by=world.teacher
    )
    plan = GroupPlan.objects.get(grouping=revised)
    assert plan.title == "Ratios day 2"
    entries = {e.group.label: e for e in plan.entries.all()}
    assert entries["A"].process == "Guided" and list(entries["A"].resources.all()) == [resource]
    assert entries["B"].process == "Project"
    mine = selectors.entries_for_learner(world.sibling)
    assert [(row.grouping, row.group.label, row.entry.process) for row in mine] == [
        (revised, "A", "Guided")
    ]
