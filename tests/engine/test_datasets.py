"""Readers: happy paths and each kind of malformed input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from trellis.engine.datasets import (
    ANSWER_DISAGREES,
    BAD_CORRECT,
    BAD_COUNT,
    BAD_FIELD,
    BAD_SKILL,
    BAD_TIME,
    LENGTH_MISMATCH,
    MISSING_COLUMN,
    TRUNCATED,
    WRONG_FIELD_COUNT,
    DatasetError,
    read,
    read_answers,
    read_assistments,
    read_datashop,
    read_dkt,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# ------------------------------------------------------------------ DKT
def test_read_dkt_parses_records_with_trailing_commas(tmp_path: Path) -> None:
    p = write(tmp_path, "a.csv", "3\n7,8,7,\n1,0,1,\n2\n8,8\n0,1\n\n")
    log = read_dkt(p)
    assert len(log) == 5 and log.dropped == 0
    assert log.learner.tolist() == [0, 0, 0, 1, 1]
    assert [log.skill_ids[k] for k in log.skill] == ["7", "8", "7", "8", "8"]
    assert log.correct.tolist() == [1, 0, 1, 0, 1]
    assert log.correct.dtype == np.int8
    assert log.learner_ids == ("0", "1")


def test_read_dispatches_on_format(tmp_path: Path) -> None:
    p = write(tmp_path, "a.csv", "1\n5\n1\n")
    assert len(read(p, "dkt")) == 1
    with pytest.raises(ValueError, match="unknown format"):
        read(p, "xml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x\n1\n1\n", BAD_COUNT.format(path="{p}", line=1, got="x")),
        ("2\n1,a\n1,0\n", BAD_SKILL.format(path="{p}", line=2, got="1,a")),
        ("2\n1,2\n1,2\n", BAD_CORRECT.format(path="{p}", line=3, got="1,2")),
        (
            "3\n1,2\n1,0,1\n",
            LENGTH_MISMATCH.format(path="{p}", line=2, expected=3, count_line=1, got=2),
        ),
        (
            "2\n1,2\n1\n",
            LENGTH_MISMATCH.format(path="{p}", line=3, expected=2, count_line=1, got=1),
        ),
        (
            "1\n1\n1\n2\n1,1\n",
            TRUNCATED.format(path="{p}", line=6, what="a line of 0/1 correctness values"),
        ),
        ("1\n", TRUNCATED.format(path="{p}", line=2, what="a line of skill ids")),
    ],
)
def test_read_dkt_rejects_malformed(tmp_path: Path, text: str, expected: str) -> None:
    p = write(tmp_path, "bad.csv", text)
    with pytest.raises(DatasetError) as e:
        read_dkt(p)
    assert str(e.value) == expected.replace("{p}", str(p))
    assert isinstance(e.value, ValueError)


# ---------------------------------------------------------- ASSISTments
AS_HEADER = ",order_id,user_id,problem_id,correct,skill_name\n"


def test_read_assistments_drops_rows_without_skill(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "as.csv",
        AS_HEADER
        + '0,20,u1,p1,1,"Box, and Whisker"\n1,10,u1,p2,0,Table\n2,30,u2,p1,1,\n3,5,u2,p3,0,Table\n',
    )
    log = read_assistments(p)
    assert len(log) == 3 and log.dropped == 1
    assert log.skill_ids == ("Box, and Whisker", "Table")
    assert log.order.tolist() == [20, 10, 5]
    assert log.item is not None and [log.item_ids[i] for i in log.item] == ["p1", "p2", "p3"]
    s = log.sorted()
    assert [s.learner_ids[u] for u in s.learner] == ["u1", "u1", "u2"]
    assert s.correct.tolist() == [0, 1, 0]


def test_read_assistments_merges_the_rows_of_one_answer(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "as.csv",
        AS_HEADER
        + "0,20,u1,p1,1,Table\n1,20,u1,p1,1,Graph\n2,10,u1,p2,0,Graph\n"
        + "3,20,u2,p1,0,Graph\n4,20,u2,p1,0,Table\n5,20,u2,p1,0,Table\n",
    )
    log = read_assistments(p)
    assert len(log) == 3 and log.is_multi_skill
    assert [[log.skill_ids[k] for k in log.skills_of(i)] for i in range(3)] == [
        ["Table", "Graph"],
        ["Graph"],
        ["Graph", "Table"],
    ]
    assert log.correct.tolist() == [1, 0, 0] and log.order.tolist() == [20, 10, 20]


def test_read_assistments_rows_of_one_answer_must_agree(tmp_path: Path) -> None:
    p = write(tmp_path, "as.csv", AS_HEADER + "0,20,u1,p1,1,Table\n1,20,u1,p1,0,Graph\n")
    with pytest.raises(DatasetError) as e:
        read_assistments(p)
    assert str(e.value) == ANSWER_DISAGREES.format(
        path=p, line=3, column="correct", first_line=2, got="0"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "0,1,u1,p1,2,Table\n",
            BAD_FIELD.format(path="{p}", line=2, what="0 or 1", column="correct", got="2"),
        ),
        (
            "0,x,u1,p1,1,Table\n",
            BAD_FIELD.format(path="{p}", line=2, what="an integer", column="order_id", got="x"),
        ),
        ("0,1,u1,p1,1\n", WRONG_FIELD_COUNT.format(path="{p}", line=2, expected=6, got=5)),
        (
            "0,1,,p1,1,Table\n",
            BAD_FIELD.format(path="{p}", line=2, what="a learner id", column="user_id", got=""),
        ),
    ],
)
def test_read_assistments_rejects_malformed(tmp_path: Path, body: str, expected: str) -> None:
    p = write(tmp_path, "as.csv", AS_HEADER + "0,1,u1,p1,1,Table\n"[:0] + body)
    with pytest.raises(DatasetError) as e:
        read_assistments(p)
    assert str(e.value) == expected.replace("{p}", str(p))


def test_read_assistments_requires_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "as.csv", "user_id,order_id,correct\nu,1,1\n")
    with pytest.raises(DatasetError) as e:
        read_assistments(p)
    assert str(e.value) == MISSING_COLUMN.format(path=p, line=1, column="skill_name")
    empty = write(tmp_path, "empty.csv", "")
    with pytest.raises(DatasetError, match="header"):
        read_assistments(empty)


# ------------------------------------------------------------- DataShop
DS_HEADER = "Row\tAnon Student Id\tProblem Name\tStep Name\tFirst Transaction Time\tCorrect First Attempt\tKC(Default)\n"


def test_read_datashop_keeps_a_multi_kc_step_as_one_answer(tmp_path: Path) -> None:
    rows = [
        "1\ts1\tP\tA\t2006-10-26 09:52:30.0\t0\tKC1~~KC2",
        "2\ts1\tP\tB\t2006-10-26 09:51:00.0\t1\t",
        "3\ts1\tP\tC\t2006-10-26 09:50:00.0\t1\tKC2",
        "4\ts2\tP\tA\t2006-10-26 10:00:00.0\t1\tKC1",
    ]
    p = write(tmp_path, "txt", DS_HEADER + "\n".join(rows) + "\n")
    log = read_datashop(p)
    assert len(log) == 3 and log.dropped == 1 and log.is_multi_skill
    assert [[log.skill_ids[k] for k in log.skills_of(i)] for i in range(3)] == [
        ["KC1", "KC2"],
        ["KC2"],
        ["KC1"],
    ]
    assert log.correct.tolist() == [0, 1, 1]
    assert log.time is not None and not np.isnan(log.time).any()
    s = log.sorted()
    # learner s1 in time order: the KC2 step at 09:50 first, then the two-KC step
    assert [s.skill_ids[k] for k in s.skill[:2]] == ["KC2", "KC1"]
    assert s.skills_of(1).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "1\ts1\tP\tA\t2006-10-26 09:52:30.0\tyes\tKC1",
            BAD_FIELD.format(
                path="{p}", line=2, what="0 or 1", column="Correct First Attempt", got="yes"
            ),
        ),
        (
            "1\ts1\tP\tA\tyesterday\t1\tKC1",
            BAD_FIELD.format(
                path="{p}",
                line=2,
                what="a date-time like 2006-10-26 09:51:58.0",
                column="First Transaction Time",
                got="yesterday",
            ),
        ),
        ("1\ts1\tP\tA\t1", WRONG_FIELD_COUNT.format(path="{p}", line=2, expected=7, got=5)),
    ],
)
def test_read_datashop_rejects_malformed(tmp_path: Path, row: str, expected: str) -> None:
    p = write(tmp_path, "txt", DS_HEADER + row + "\n")
    with pytest.raises(DatasetError) as e:
        read_datashop(p)
    assert str(e.value) == expected.replace("{p}", str(p))


def test_read_datashop_requires_kc_column(tmp_path: Path) -> None:
    p = write(tmp_path, "txt", "Anon Student Id\tCorrect First Attempt\ns\t1\n")
    with pytest.raises(DatasetError) as e:
        read_datashop(p)
    assert str(e.value) == MISSING_COLUMN.format(path=p, line=1, column="KC(Default)")


# -------------------------------------------------------------- answers
AN_HEADER = "learner,item,skills,correct,time\n"


def test_read_answers_multi_skill_and_time_order(tmp_path: Path) -> None:
    p = write(
        tmp_path,
        "an.csv",
        AN_HEADER
        + "u1,q1,2_37_48,1,2024-09-01T08:30:00\n"
        + "u1,q2,37,0,2024-09-01T08:00:00Z\n"
        + "u2,,5,1,1725177600\n"
        + "u1,q1,48_2,1,2024-09-01T08:00:00+00:00\n",
    )
    log = read_answers(p)
    assert len(log) == 4 and log.is_multi_skill
    assert [[log.skill_ids[k] for k in log.skills_of(i)] for i in range(4)] == [
        ["2", "37", "48"],
        ["37"],
        ["5"],
        ["48", "2"],
    ]
    assert log.item is not None and log.item.tolist() == [0, 1, -1, 0]
    # 08:00 twice (rows 2 and 4: file order), then 08:30; 1725177600 = 2024-09-01T08:00Z
    assert log.order.tolist() == [3, 0, 1, 2]
    assert log.time is not None and log.time[1] == log.time[2] == log.time[3]


def test_read_answers_without_time_keeps_file_order(tmp_path: Path) -> None:
    p = write(tmp_path, "an.csv", "learner,item,skills,correct\nu,a,1,1\nu,b,1_2,0\n")
    log = read_answers(p)
    assert log.order.tolist() == [0, 1] and log.time is None
    assert read(p, "answers").skills_of(1).tolist() == [0, 1]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "u,a,1,2,5\n",
            BAD_FIELD.format(path="{p}", line=2, what="0 or 1", column="correct", got="2"),
        ),
        (
            "u,a,1__2,1,5\n",
            BAD_FIELD.format(
                path="{p}",
                line=2,
                what="one or more skill ids joined by '_'",
                column="skills",
                got="1__2",
            ),
        ),
        (
            "u,a,,1,5\n",
            BAD_FIELD.format(
                path="{p}",
                line=2,
                what="one or more skill ids joined by '_'",
                column="skills",
                got="",
            ),
        ),
        (
            ",a,1,1,5\n",
            BAD_FIELD.format(path="{p}", line=2, what="a learner id", column="learner", got=""),
        ),
        ("u,a,1,1,yesterday\n", BAD_TIME.format(path="{p}", line=2, got="yesterday")),
        ("u,a,1,1,\n", BAD_TIME.format(path="{p}", line=2, got="")),
        ("u,a,1,1\n", WRONG_FIELD_COUNT.format(path="{p}", line=2, expected=5, got=4)),
    ],
)
def test_read_answers_rejects_malformed(tmp_path: Path, body: str, expected: str) -> None:
    p = write(tmp_path, "an.csv", AN_HEADER + body)
    with pytest.raises(DatasetError) as e:
        read_answers(p)
    assert str(e.value) == expected.replace("{p}", str(p))


def test_read_answers_requires_columns(tmp_path: Path) -> None:
    p = write(tmp_path, "an.csv", "learner,item,correct\nu,a,1\n")
    with pytest.raises(DatasetError) as e:
        read_answers(p)
    assert str(e.value) == MISSING_COLUMN.format(path=p, line=1, column="skills")


@pytest.mark.realdata
def test_real_files_read_whole(shared_data: Path) -> None:
    """Reading speed is measured in bench/, not here."""
    log = read_dkt(shared_data / "assistments2009" / "builder_train.csv")
    assert len(log) == 407_967 and log.n_learners == 3_361
    sample = read_assistments(shared_data / "assistments2009" / "skill_builder_sample.csv")
    assert len(sample) + sample.dropped == 10_791 and sample.n_skills == 2
    dedup = read_answers(shared_data / "assistments2009-dedup" / "train.csv")
    assert len(dedup) == 208_382 and dedup.n_learners == 1_971 and dedup.is_multi_skill
    ct = read_datashop(shared_data / "cognitive_tutor_algebra" / "ct.csv")
    assert ct.n_learners == 11 and ct.dropped > 0
