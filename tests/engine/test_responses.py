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
