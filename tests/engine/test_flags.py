"""Live-lesson flags: stuck, idle, racing ahead."""

from datetime import datetime, timedelta

import pytest

from trellis.engine.flags import THRESHOLD_ERROR, LessonEvent, flag_learners

T0 = datetime(2025, 3, 3, 10, 30)
NOW = T0 + timedelta(minutes=15)  # 10:45


def at(minute, competency="6.RP.1", correct=None):
    return LessonEvent(T0 + timedelta(minutes=minute), competency, correct)


def test_three_wrong_in_a_row_is_stuck():
    events = [
        at(10, correct=True),
        at(12, correct=False),
        at(13, correct=False),
        at(14, correct=False),
    ]
    flags = flag_learners({"ana": events}, NOW)
    assert [(f.kind, f.learner_id, f.competency) for f in flags] == [
        ("stuck_errors", "ana", "6.RP.1")
    ]
    assert flags[0].evidence == "3 wrong in a row on 6.RP.1 since 10:42"
    assert flags[0].since == T0 + timedelta(minutes=12)


def test_a_right_answer_or_another_competency_breaks_the_run():
    events = [
        at(11, correct=False),
        at(12, correct=False),
        at(13, correct=True),
        at(14, correct=False),
    ]
    assert flag_learners({"ben": events}, NOW) == []
    events = [
        at(11, correct=False),
        at(12, "6.RP.2", False),
        at(13, correct=False),
        at(14, correct=False),
    ]
    assert flag_learners({"ben": events}, NOW) == []
    # Non-answer activity in between does not break it.
    events = [at(11, correct=False), at(12), at(13, correct=False), at(14, correct=False)]
    assert [f.kind for f in flag_learners({"ben": events}, NOW)] == ["stuck_errors"]


def test_idle():
    flags = flag_learners({"cy": [at(2, correct=True), at(8)]}, NOW)
    assert [f.kind for f in flags] == ["idle"]
    assert flags[0].evidence == "No activity for 7 minutes, since 10:38"
    assert flag_learners({"cy": [at(11)]}, NOW) == []


def test_no_events_counts_from_lesson_start():
    assert flag_learners({"dee": []}, NOW) == []
    flags = flag_learners({"dee": []}, NOW, lesson_start=T0)
    assert flags[0].kind == "idle" and "since the lesson started" in flags[0].evidence


def test_racing_ahead_by_streak_or_mastery():
    streak = [at(9 + k, correct=True) for k in range(5)]
    flags = flag_learners({"eve": streak}, NOW)
    assert [f.kind for f in flags] == ["racing_ahead"]
    assert flags[0].evidence == "5 right in a row on 6.RP.1 since 10:39"
    assert flag_learners({"eve": streak[:4]}, NOW) == []
    flags = flag_learners(
        {"fay": [at(12, correct=True)]},
        NOW,
        objective="6.RP.1",
        mastered_objective_at={"fay": T0 + timedelta(minutes=12)},
    )
    assert flags[0].kind == "racing_ahead"
    assert flags[0].evidence == "Mastered 6.RP.1 at 10:42: ready for a challenge"


def test_order_stuck_then_idle_then_racing_and_longest_first():
    events = {
        "zed": [at(k, correct=False) for k in (11, 12, 13)],
        "amy": [at(k, correct=False) for k in (4, 5, 6)],  # stuck and idle since 10:36
        "bob": [at(k, correct=True) for k in range(9, 14)],
    }
    flags = flag_learners(events, NOW)
    assert [(f.kind, f.learner_id) for f in flags] == [
        ("stuck_errors", "amy"),
        ("stuck_errors", "zed"),
        ("idle", "amy"),
        ("racing_ahead", "bob"),
    ]


def test_future_events_are_ignored_and_unsorted_input_is_fine():
    events = [
        at(14, correct=False),
        at(12, correct=False),
        at(13, correct=False),
        at(20, correct=True),
    ]
    assert [f.kind for f in flag_learners({"gus": events}, NOW)] == ["stuck_errors"]


def test_thresholds_validated():
    with pytest.raises(ValueError) as exc:
        flag_learners({}, NOW, errors_in_a_row=0)
    assert str(exc.value) == THRESHOLD_ERROR.format(name="errors_in_a_row", value=0)
