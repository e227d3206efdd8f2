import numpy as np

from trellis.engine.responses import ResponseLog


def test_sorted_orders_by_learner_then_order():
    log = ResponseLog(
        learner=np.array([1, 0, 1, 0]),
        skill=np.array([0, 0, 1, 1]),
        correct=np.array([1, 0, 0, 1], dtype=np.int8),
        order=np.array([5, 9, 2, 1]),
    )
    s = log.sorted()
    assert s.learner.tolist() == [0, 0, 1, 1]
    assert s.order.tolist() == [1, 9, 2, 5]
    assert s.correct.tolist() == [1, 0, 0, 1]
    assert log.n_learners == 2 and log.n_skills == 2


def multi_log() -> ResponseLog:
    return ResponseLog.from_skill_lists(
        learner=[0, 0, 1],
        skills=[[2, 0], [1], [0, 1, 0]],
        correct=[1, 0, 1],
        order=[4, 3, 0],
        item=[5, -1, 5],
    )


def test_from_skill_lists_builds_csr_and_drops_repeated_skills():
    log = multi_log()
    assert log.skill_ptr is not None and log.skill_idx is not None
    assert log.skill_ptr.tolist() == [0, 2, 3, 5]
    assert log.skill_idx.tolist() == [2, 0, 1, 0, 1]
    assert log.skill.tolist() == [2, 1, 0]  # the first skill of each answer
    assert log.is_multi_skill and len(log) == 3 and log.n_skills == 3
    assert [log.skills_of(i).tolist() for i in range(3)] == [[2, 0], [1], [0, 1]]


def test_one_skill_log_reads_as_csr_too():
    log = ResponseLog(
        learner=np.array([0, 1]),
        skill=np.array([3, 1]),
        correct=np.array([1, 0], dtype=np.int8),
        order=np.array([0, 1]),
    )
    ptr, idx = log.csr()
    assert ptr.tolist() == [0, 1, 2] and idx.tolist() == [3, 1]
    assert not log.is_multi_skill and log.skill_ptr is None


def test_take_sorted_and_expand_keep_each_answers_skills():
    log = multi_log()
    s = log.sorted()  # learner 0: order 3 then 4; learner 1
    assert [s.skills_of(i).tolist() for i in range(3)] == [[1], [2, 0], [0, 1]]
    assert s.item is not None and s.item.tolist() == [-1, 5, 5]
    ex, answer = log.expand()
    assert answer.tolist() == [0, 0, 1, 2, 2]
    assert ex.skill.tolist() == [2, 0, 1, 0, 1]
    assert ex.order.tolist() == [4, 4, 3, 0, 0] and ex.correct.tolist() == [1, 1, 0, 1, 1]
    assert ex.skill_ptr is None and len(ex) == 5


def test_bad_csr_is_refused():
    import pytest

    base = dict(learner=[0, 0], correct=[1, 0], order=[0, 1])
    with pytest.raises(ValueError, match="at least one skill"):
        ResponseLog.multi(skill_ptr=[0, 1, 1], skill_idx=[0], **base)
    with pytest.raises(ValueError, match="3 entries"):
        ResponseLog.multi(skill_ptr=[0, 1], skill_idx=[0], **base)
    with pytest.raises(ValueError, match="has no skill"):
        ResponseLog.from_skill_lists(skills=[[0], []], **base)
    with pytest.raises(ValueError, match="first skill"):
        ResponseLog(
            learner=np.array([0]),
            skill=np.array([1]),
            correct=np.array([1], dtype=np.int8),
            order=np.array([0]),
            skill_ptr=np.array([0, 1]),
            skill_idx=np.array([0]),
        )
