"""The live lesson: flags from recent responses, handled flags hidden until
the learner is flagged again, and a refresh that stays cheap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.differentiation.conftest import answer, client_for, enrol_more
from trellis.differentiation import live, services
from trellis.differentiation.models import FlagAction

pytestmark = pytest.mark.django_db


def test_three_wrong_in_a_row_flags_stuck(world, curriculum):
    for _ in range(3):
        answer(world.learner, curriculum.objective_item, False)
    answer(world.sibling, curriculum.objective_item, False)
    view = live.live_flags(world.class_a)
    stuck = [f for f in view.flags if f.kind == "stuck_errors"]
    assert [f.learner for f in stuck] == [world.learner]
    assert stuck[0].flag.evidence.startswith(f"3 wrong in a row on {curriculum.objective.code}")
    assert view.responses == 4


def test_idle_and_racing_ahead(world, curriculum):
    start = timezone.now() - dt.timedelta(minutes=10)
    for _ in range(5):
        answer(world.sibling, curriculum.prereq_item, True)
    view = live.live_flags(world.class_a, lesson_start=start)
    kinds = {(f.learner, f.kind) for f in view.flags}
    assert (world.learner, "idle") in kinds  # nothing since the lesson started
    assert (world.sibling, "racing_ahead") in kinds


def test_handled_flag_is_hidden_until_flagged_again(world, curriculum):
    for _ in range(3):
        answer(world.learner, curriculum.objective_item, False)
    services.flag_handle(
        school_class=world.class_a,
        learner=world.learner,
        kind="stuck_errors",
        handled_by=world.teacher,
        note="Sat with her",
    )
    assert not [f for f in live.live_flags(world.class_a).flags if f.learner == world.learner]
    answer(world.learner, curriculum.objective_item, True)  # run broken
    for _ in range(3):
        answer(world.learner, curriculum.objective_item, False)
    assert [f.kind for f in live.live_flags(world.class_a).flags if f.learner == world.learner] == [
        "stuck_errors"
    ]


def test_flag_handle_refuses_bad_input(world):
    with pytest.raises(ValidationError) as exc:
        services.flag_handle(
            school_class=world.class_a,
            learner=world.learner,
            kind="sleepy",
            handled_by=world.teacher,
        )
    assert exc.value.messages == [services.UNKNOWN_FLAG_KIND.format(kind="sleepy")]
    with pytest.raises(ValidationError) as exc:
        services.flag_handle(
            school_class=world.class_a,
            learner=world.other_learner,
            kind="idle",
            handled_by=world.teacher,
        )
    assert exc.value.messages == [
        services.LEARNER_NOT_IN_CLASS.format(id=world.other_learner.pk, school_class=world.class_a)
    ]
    assert FlagAction.objects.count() == 0


def test_fragment_is_cheap_and_does_not_grow_with_the_class(
    world, curriculum, django_assert_num_queries
):
    client = client_for(world.teacher)
    url = f"/differentiate/classes/{world.class_a.pk}/live/flags/"
    learners = enrol_more(world.class_a, 12)
    for learner in learners:
        for _ in range(3):
            answer(learner, curriculum.objective_item, False)
    client.get(url)  # warm the session
    # The session, the teacher, the class, the roles, two teaching lookups,
    # the latest grouping, the roster, the recent answers and the handled
    # flags: ten, with 12 learners flagged (none per learner).
    with django_assert_num_queries(10):
        page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("3 wrong in a row") == 12


def test_bad_threshold_is_named(world):
    page = client_for(world.teacher).get(
        f"/differentiate/classes/{world.class_a.pk}/live/flags/?idle=0"
    )
    assert live.BAD_THRESHOLD.format(name="Idle minutes", top=120) in page.content.decode()


def test_racing_ahead_says_when_the_objective_was_mastered(world, curriculum):
    """Mastery reached in this lesson shows its time; mastery from before
    (here: answers of yesterday, the record refitted now, as when demo data
    is loaded) says so instead of showing the refit time."""
    now = timezone.now()
    for _ in range(6):
        answer(
            world.learner, curriculum.objective_item, True, recorded_at=now - dt.timedelta(days=1)
        )
    start = timezone.now()
    for _ in range(6):
        answer(world.sibling, curriculum.objective_item, True)
    view = live.live_flags(
        world.class_a, objective=curriculum.objective, lesson_start=start - dt.timedelta(seconds=1)
    )
    racing = {f.learner: f.flag for f in view.flags if f.kind == "racing_ahead"}
    assert set(racing) == {world.learner, world.sibling}
    assert racing[world.learner].evidence == live.ALREADY_MASTERED.format(
        objective=curriculum.objective.label
    )
    assert racing[world.sibling].evidence.startswith(f"Mastered {curriculum.objective.label} at ")
    page = client_for(world.teacher).get(
        f"/differentiate/classes/{world.class_a.pk}/live/flags/",
        {"objective": curriculum.objective.pk, "start": start.isoformat()},
    )
    assert "before this lesson" in page.content.decode()


def test_stuck_first_racing_ahead_after_and_each_flag_says_its_basis(world, curriculum):
    (fast,) = enrol_more(world.class_a, 1)
    start = timezone.now() - dt.timedelta(minutes=2)
    for _ in range(6):
        answer(fast, curriculum.prereq_item, True)
    for _ in range(3):
        answer(world.learner, curriculum.objective_item, False)
    view = live.live_flags(world.class_a, lesson_start=start, idle_minutes=60)
    assert [(f.learner, f.kind) for f in view.go_now] == [(world.learner, "stuck_errors")]
    assert [(f.learner, f.kind) for f in view.ahead] == [(fast, "racing_ahead")]
    assert view.flags == view.go_now + view.ahead
    clock = f"{timezone.localtime(start):%H:%M}"
    assert view.go_now[0].basis == (
        f"Based on answers since {clock}; flagged from 3 wrong answers in a row on one competency."
    )
    assert view.ahead[0].basis == (
        f"Based on answers since {clock}; flagged from 5 right answers in a row on one competency."
    )
    # The page: the count of learners to go to now leaves racing ahead out,
    # and the stuck card comes before the racing-ahead one.
    client = client_for(world.teacher)
    html = client.get(
        f"/differentiate/classes/{world.class_a.pk}/live/",
        {"start": start.isoformat(timespec="seconds"), "idle": 60},
    ).content.decode()
    assert 'Learners to go to now <span role="status">(1)</span>' in html
    assert html.index(f"<strong>{world.learner}</strong>") < html.index(f"<strong>{fast}</strong>")
    assert "flagged from 3 wrong answers in a row" in html


def test_settings_keep_the_lesson_window_and_opening_late_still_shows_who_is_stuck(
    world, curriculum
):
    # Wrong answers 20 minutes ago, before the teacher opens the page.
    earlier = timezone.now() - dt.timedelta(minutes=20)
    for n in range(3):
        answer(
            world.learner,
            curriculum.objective_item,
            False,
            recorded_at=earlier + dt.timedelta(seconds=n),
        )
    client = client_for(world.teacher)
    url = f"/differentiate/classes/{world.class_a.pk}/live/"
    first = client.get(url)
    start = first.context["start_value"]
    # The lesson started at the class's first answer in the last hour.
    assert start == earlier.replace(microsecond=0).isoformat(timespec="seconds")
    assert [f.learner for f in first.context["view"].go_now if f.kind == "stuck_errors"] == [
        world.learner
    ]
    # Changing a setting submits the start with it: the window is kept and
    # the earlier wrong answers still count.
    assert f'name="start" value="{start}"' in first.content.decode()
    changed = client.get(url, {"start": start, "errors": 2, "idle": 60})
    assert changed.context["start_value"] == start
    stuck = [f for f in changed.context["view"].go_now if f.kind == "stuck_errors"]
    assert [f.learner for f in stuck] == [world.learner]
    assert stuck[0].flag.evidence.startswith("3 wrong in a row")
