"""Readers for the response-log formats the mastery engine learns from.

Every reader returns a :class:`~trellis.engine.responses.ResponseLog`. A line
that cannot be read raises :class:`DatasetError` naming the file, the
1-based line number and what was expected; the message templates are the
module-level constants below (tests format them to check the wording).

What is dropped, and counted in ``ResponseLog.dropped``:

* DKT three-line files: nothing. Blank lines at the very end of the file are
  ignored (they hold no response).
* ASSISTments CSV: rows whose ``skill_name`` is empty (responses that were
  never tagged with a skill). The rows of one answer (same ``user_id`` and
  ``order_id``, one per skill of the problem) become one answer with
  several skills.
* DataShop step exports: steps whose KC column is empty. A step tagged with
  several KCs joined by ``~~`` is one answer with several skills.
* ``answers`` CSV (``learner,item,skills,correct[,time]``): nothing; a
  malformed row is an error.

The DKT format cannot say that two of its entries are one answer: a problem
tagged with several skills appears once per skill, in separate skill blocks,
so a model reading it sees that answer several times (and the block order
hides the real time order across skills). Use it for per-skill models only.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from trellis.engine.responses import ResponseLog

__all__ = [
    "BAD_CORRECT",
    "BAD_COUNT",
    "BAD_FIELD",
    "BAD_SKILL",
    "FORMATS",
    "DatasetError",
    "LENGTH_MISMATCH",
    "MISSING_COLUMN",
    "TRUNCATED",
    "WRONG_FIELD_COUNT",
    "read",
    "read_assistments",
    "read_answers",
    "read_datashop",
    "read_dkt",
    "ANSWER_DISAGREES",
    "BAD_TIME",
]

# Message templates (``str.format`` fields). Tests reuse them.
BAD_COUNT = "{path}:{line}: expected a response count (a non-negative integer), got {got!r}"
BAD_SKILL = "{path}:{line}: expected comma-separated integer skill ids, got {got!r}"
BAD_CORRECT = "{path}:{line}: expected comma-separated 0/1 correctness values, got {got!r}"
LENGTH_MISMATCH = (
    "{path}:{line}: expected {expected} values (the count on line {count_line}), got {got}"
)
TRUNCATED = "{path}:{line}: expected {what}, but the file ended"
MISSING_COLUMN = "{path}:{line}: expected a header with the column {column!r}"
WRONG_FIELD_COUNT = "{path}:{line}: expected {expected} fields as in the header, got {got}"
BAD_FIELD = "{path}:{line}: expected {what} in column {column!r}, got {got!r}"

ANSWER_DISAGREES = (
    "{path}:{line}: expected the same {column!r} as line {first_line} (one answer: same "
    "user_id and order_id), got {got!r}"
)
BAD_TIME = (
    "{path}:{line}: expected an ISO 8601 date-time (2024-09-01T08:30:00) or seconds since "
    "1970 in column 'time', got {got!r}"
)

FORMATS = ("dkt", "assistments", "datashop", "answers")
SKILLS_SEPARATOR = "_"

KC_SEPARATOR = "~~"


class DatasetError(ValueError):
    """A data file does not follow its format."""


def _codes(values: Sequence[str]) -> tuple[NDArray[np.int64], tuple[str, ...]]:
    """Dense codes in order of first appearance, and the ids they stand for."""
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values)
    )
    return codes, tuple(index)


def _answers_log(
    users: list[str],
    skill_lists: list[list[str]],
    correct: list[int],
    order: NDArray[np.int64],
    items: list[str] | None,
    times: NDArray[np.float64] | None,
    dropped: int,
) -> ResponseLog:
    """A multi-skill log from one list of skill ids per answer (dense codes
    in order of first appearance; an empty item id means unknown: -1)."""
    learner, learner_ids = _codes(users)
    index: dict[str, int] = {}
    ptr = [0]
    idx: list[int] = []
    for ks in skill_lists:
        seen: set[int] = set()
        for k in ks:
            c = index.setdefault(k, len(index))
            if c not in seen:
                seen.add(c)
                idx.append(c)
        ptr.append(len(idx))
    item: NDArray[np.int64] | None = None
    item_ids: tuple[str, ...] = ()
    if items is not None:
        known = [v for v in items if v]
        _, item_ids = _codes(known)
        code = {v: i for i, v in enumerate(item_ids)}
        item = np.fromiter((code.get(v, -1) for v in items), dtype=np.int64, count=len(items))
    return ResponseLog.multi(
        learner=learner,
        skill_ptr=np.asarray(ptr, dtype=np.int64),
        skill_idx=np.asarray(idx, dtype=np.int64),
        correct=np.asarray(correct, dtype=np.int8),
        order=order,
        item=item,
        time=times,
        learner_ids=learner_ids,
        skill_ids=tuple(index),
        item_ids=item_ids,
        dropped=dropped,
    )


# --------------------------------------------------------------------- DKT
def read_dkt(path: str | Path) -> ResponseLog:
    """Read the Deep Knowledge Tracing three-line format.

    Per learner: a line with the number of responses ``n``, a line of ``n``
    comma-separated integer skill ids, a line of ``n`` comma-separated 0/1
    values. A trailing comma on a line is allowed. Learners are named by the
    0-based position of their record in the file ("0", "1", ...); ``order``
    is the response's position in the file. Skill ids are kept as written
    (e.g. "82").
    """
    p = Path(path)
    with p.open(encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    skills: list[int] = []
    correct: list[int] = []
    learner_len: list[int] = []
    i = 0
    n_lines = len(lines)
    while i < n_lines:
        count_line = i + 1
        raw = lines[i].strip().rstrip(",").strip()
        try:
            n = int(raw)
        except ValueError:
            n = -1
        if n < 0:
            raise DatasetError(BAD_COUNT.format(path=p, line=count_line, got=lines[i]))
        if i + 1 >= n_lines:
            raise DatasetError(TRUNCATED.format(path=p, line=i + 2, what="a line of skill ids"))
        if i + 2 >= n_lines:
            raise DatasetError(
                TRUNCATED.format(path=p, line=i + 3, what="a line of 0/1 correctness values")
            )
        s_line = lines[i + 1].strip().rstrip(",")
        c_line = lines[i + 2].strip().rstrip(",")
        s_parts = s_line.split(",") if s_line.strip() else []
        c_parts = c_line.split(",") if c_line.strip() else []
        try:
            s_vals = [int(v) for v in s_parts]
        except ValueError:
            raise DatasetError(BAD_SKILL.format(path=p, line=i + 2, got=lines[i + 1]))
        if len(s_vals) != n:
            raise DatasetError(
                LENGTH_MISMATCH.format(
                    path=p, line=i + 2, expected=n, count_line=count_line, got=len(s_vals)
                )
            )
        c_vals: list[int] = []
        for v in c_parts:
            v = v.strip()
            if v == "1":
                c_vals.append(1)
            elif v == "0":
                c_vals.append(0)
            else:
                raise DatasetError(BAD_CORRECT.format(path=p, line=i + 3, got=lines[i + 2]))
        if len(c_vals) != n:
            raise DatasetError(
                LENGTH_MISMATCH.format(
                    path=p, line=i + 3, expected=n, count_line=count_line, got=len(c_vals)
                )
            )
        skills.extend(s_vals)
        correct.extend(c_vals)
        learner_len.append(n)
        i += 3
    n_total = len(skills)
    learner = np.repeat(np.arange(len(learner_len), dtype=np.int64), learner_len)
    skill_arr = np.asarray(skills, dtype=np.int64)
    uniq, skill_codes = np.unique(skill_arr, return_inverse=True)
    return ResponseLog(
        learner=learner,
        skill=skill_codes.astype(np.int64),
        correct=np.asarray(correct, dtype=np.int8),
        order=np.arange(n_total, dtype=np.int64),
        learner_ids=tuple(str(k) for k in range(len(learner_len))),
        skill_ids=tuple(str(int(s)) for s in uniq),
        dropped=0,
    )


# ------------------------------------------------------------- CSV helpers
def _rows(path: Path, reader: Any, *, width: int) -> Iterator[tuple[int, list[str]]]:
    """The data rows after the header, with their line numbers: blank lines
    skipped, a row with the wrong number of fields refused with its line."""
    for row in reader:
        line = reader.line_num
        if not row:
            continue
        if len(row) != width:
            raise DatasetError(
                WRONG_FIELD_COUNT.format(path=path, line=line, expected=width, got=len(row))
            )
        yield line, row


def _header_index(
    p: Path, header: list[str], required: Sequence[str], line: int = 1
) -> dict[str, int]:
    idx = {name.strip(): k for k, name in enumerate(header)}
    for column in required:
        if column not in idx:
            raise DatasetError(MISSING_COLUMN.format(path=p, line=line, column=column))
    return idx


def _int_field(p: Path, line: int, column: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        try:
            f = float(value)
        except ValueError:
            f = math.nan
        if not math.isfinite(f) or f != int(f):
            raise DatasetError(
                BAD_FIELD.format(path=p, line=line, what="an integer", column=column, got=value)
            )
        return int(f)


def _binary_field(p: Path, line: int, column: str, value: str) -> int:
    v = value.strip()
    if v in ("1", "1.0"):
        return 1
    if v in ("0", "0.0"):
        return 0
    raise DatasetError(BAD_FIELD.format(path=p, line=line, what="0 or 1", column=column, got=value))


# ------------------------------------------------------------ ASSISTments
def read_assistments(path: str | Path) -> ResponseLog:
    """Read an ASSISTments skill-builder CSV (comma-separated, with header).

    Required columns: ``user_id``, ``order_id`` (the time order), ``skill_name``
    and ``correct`` (0/1). ``problem_id`` fills ``item`` when present. A
    leading unnamed index column is ignored. Rows with an empty
    ``skill_name`` are dropped and counted in ``dropped``. A problem tagged
    with several skills appears once per skill in the original export: the
    rows of one answer (same ``user_id`` and ``order_id``) become one answer
    with all their skills, in file order; they must agree on ``correct``
    (and ``problem_id``), else :data:`ANSWER_DISAGREES`.
    """
    p = Path(path)
    users: list[str] = []
    skills: list[list[str]] = []
    items: list[str] = []
    correct: list[int] = []
    order: list[int] = []
    first_line: list[int] = []
    answer_of: dict[tuple[str, int], int] = {}
    dropped = 0
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DatasetError(
                TRUNCATED.format(path=p, line=1, what="a header line with column names")
            )
        idx = _header_index(p, header, ("user_id", "order_id", "skill_name", "correct"))
        i_user, i_order = idx["user_id"], idx["order_id"]
        i_skill, i_correct = idx["skill_name"], idx["correct"]
        i_item = idx.get("problem_id")
        for line, row in _rows(p, reader, width=len(header)):
            skill = row[i_skill].strip()
            if not skill:
                dropped += 1
                continue
            user = row[i_user].strip()
            if not user:
                raise DatasetError(
                    BAD_FIELD.format(
                        path=p, line=line, what="a learner id", column="user_id", got=row[i_user]
                    )
                )
            o = _int_field(p, line, "order_id", row[i_order])
            c = _binary_field(p, line, "correct", row[i_correct])
            it = row[i_item].strip() if i_item is not None else ""
            a = answer_of.get((user, o))
            if a is not None:
                for column, was, got in (("correct", correct[a], c), ("problem_id", items[a], it)):
                    if was != got:
                        raise DatasetError(
                            ANSWER_DISAGREES.format(
                                path=p,
                                line=line,
                                column=column,
                                first_line=first_line[a],
                                got=row[idx[column]],
                            )
                        )
                skills[a].append(skill)
                continue
            answer_of[(user, o)] = len(users)
            first_line.append(line)
            users.append(user)
            skills.append([skill])
            order.append(o)
            correct.append(c)
            items.append(it)
    return _answers_log(
        users,
        skills,
        correct,
        np.asarray(order, dtype=np.int64),
        items if i_item is not None else None,
        None,
        dropped,
    )


# --------------------------------------------------------------- DataShop
def _parse_time(value: str) -> float:
    v = value.strip()
    if not v:
        return math.nan
    dt = datetime.fromisoformat(v)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def _kc_column(header: list[str]) -> str | None:
    names = [h.strip() for h in header]
    if "KC(Default)" in names:
        return "KC(Default)"
    for name in names:
        if name.startswith("KC(") and name.endswith(")"):
            return name
    return None


def read_datashop(path: str | Path) -> ResponseLog:
    """Read a PSLC DataShop step export (tab-separated, with header).

    Required columns: ``Anon Student Id``, ``Correct First Attempt`` (0/1) and a
    KC column (``KC(Default)``, else the first ``KC(...)`` column).
    ``Problem Name`` + ``Step Name`` fill ``item`` when present;
    ``First Transaction Time`` (else ``Step Start Time``) fills ``time`` in
    seconds since 1970 (UTC assumed; NaN when empty). ``order`` sorts by that
    time, ties broken by file position; if any kept row lacks a time, ``order``
    is simply the file position (DataShop's export order). Steps with an
    empty KC are dropped and counted in ``dropped``; a step with several KCs
    joined by ``~~`` is one answer with all of them (in file order).
    """
    p = Path(path)
    users: list[str] = []
    skills: list[list[str]] = []
    items: list[str] = []
    correct: list[int] = []
    order: list[int] = []
    times: list[float] = []
    dropped = 0
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        try:
            header = next(reader)
        except StopIteration:
            raise DatasetError(
                TRUNCATED.format(path=p, line=1, what="a header line with column names")
            )
        kc = _kc_column(header) or "KC(Default)"
        idx = _header_index(p, header, ("Anon Student Id", "Correct First Attempt", kc))
        i_user, i_correct, i_kc = idx["Anon Student Id"], idx["Correct First Attempt"], idx[kc]
        i_time = idx.get("First Transaction Time", idx.get("Step Start Time"))
        time_col = (
            "First Transaction Time" if "First Transaction Time" in idx else "Step Start Time"
        )
        i_prob, i_step = idx.get("Problem Name"), idx.get("Step Name")
        for line, row in _rows(p, reader, width=len(header)):
            kcs = [k.strip() for k in row[i_kc].split(KC_SEPARATOR) if k.strip()]
            if not kcs:
                dropped += 1
                continue
            user = row[i_user].strip()
            if not user:
                raise DatasetError(
                    BAD_FIELD.format(
                        path=p,
                        line=line,
                        what="a learner id",
                        column="Anon Student Id",
                        got=row[i_user],
                    )
                )
            c = _binary_field(p, line, "Correct First Attempt", row[i_correct])
            t = math.nan
            if i_time is not None:
                try:
                    t = _parse_time(row[i_time])
                except ValueError:
                    raise DatasetError(
                        BAD_FIELD.format(
                            path=p,
                            line=line,
                            what="a date-time like 2006-10-26 09:51:58.0",
                            column=time_col,
                            got=row[i_time],
                        )
                    )
            item = ""
            if i_prob is not None and i_step is not None:
                item = row[i_prob].strip() + "|" + row[i_step].strip()
            users.append(user)
            skills.append(kcs)
            correct.append(c)
            order.append(line)
            times.append(t)
            items.append(item)
    time_arr = np.asarray(times, dtype=np.float64)
    order_arr = np.asarray(order, dtype=np.int64)
    if len(time_arr) and not np.isnan(time_arr).any():
        # Time order, ties kept in file order.
        rank = np.lexsort((order_arr, time_arr))
        order_arr = np.empty_like(order_arr)
        order_arr[rank] = np.arange(len(rank), dtype=np.int64)
    return _answers_log(
        users,
        skills,
        correct,
        order_arr,
        items if i_prob is not None and i_step is not None else None,
        time_arr if i_time is not None else None,
        dropped,
    )


# ---------------------------------------------------------------- answers
def _answer_time(p: Path, line: int, value: str) -> float:
    v = value.strip()
    try:
        t = float(v)
    except ValueError:
        try:
            t = _iso(v)
        except ValueError:
            t = math.nan
    if not math.isfinite(t):
        raise DatasetError(BAD_TIME.format(path=p, line=line, got=value))
    return t


def _iso(v: str) -> float:
    if not v:
        raise ValueError("empty")
    dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp()


def read_answers(path: str | Path) -> ResponseLog:
    """Read the Trellis ``answers`` CSV: one row per answer.

    Header with the columns ``learner``, ``item``, ``skills`` (one or more
    skill ids joined by ``_``, e.g. ``2_37_48``) and ``correct`` (0/1), and
    optionally ``time`` (ISO 8601, e.g. ``2024-09-01T08:30:00``, UTC when no
    offset is given, or seconds since 1970). With ``time`` the rows are
    ordered by it (ties in file order); without it, file order is time
    order. An empty ``item`` means unknown. Errors: :data:`MISSING_COLUMN`,
    :data:`WRONG_FIELD_COUNT`, :data:`BAD_FIELD` (empty learner, empty skill
    id, correct not 0/1), :data:`BAD_TIME`.
    """
    p = Path(path)
    users: list[str] = []
    skills: list[list[str]] = []
    items: list[str] = []
    correct: list[int] = []
    times: list[float] = []
    with p.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise DatasetError(
                TRUNCATED.format(path=p, line=1, what="a header line with column names")
            )
        idx = _header_index(p, header, ("learner", "item", "skills", "correct"))
        i_user, i_item, i_sk, i_c = idx["learner"], idx["item"], idx["skills"], idx["correct"]
        i_time = idx.get("time")
        for line, row in _rows(p, reader, width=len(header)):
            user = row[i_user].strip()
            if not user:
                raise DatasetError(
                    BAD_FIELD.format(
                        path=p, line=line, what="a learner id", column="learner", got=row[i_user]
                    )
                )
            ks = [k.strip() for k in row[i_sk].split(SKILLS_SEPARATOR)]
            if not all(ks):
                raise DatasetError(
                    BAD_FIELD.format(
                        path=p,
                        line=line,
                        what="one or more skill ids joined by '_'",
                        column="skills",
                        got=row[i_sk],
                    )
                )
            users.append(user)
            skills.append(ks)
            items.append(row[i_item].strip())
            correct.append(_binary_field(p, line, "correct", row[i_c]))
            if i_time is not None:
                times.append(_answer_time(p, line, row[i_time]))
    n = len(users)
    order = np.arange(n, dtype=np.int64)
    time_arr: NDArray[np.float64] | None = None
    if i_time is not None:
        time_arr = np.asarray(times, dtype=np.float64)
        rank = np.lexsort((np.arange(n), time_arr))
        order[rank] = np.arange(n, dtype=np.int64)
    return _answers_log(users, skills, correct, order, items, time_arr, 0)


_READERS: dict[str, Callable[[str | Path], ResponseLog]] = {
    "dkt": read_dkt,
    "assistments": read_assistments,
    "datashop": read_datashop,
    "answers": read_answers,
}


def read(path: str | Path, format: str) -> ResponseLog:
    """Read ``path`` in ``format`` (one of :data:`FORMATS`)."""
    try:
        reader = _READERS[format]
    except KeyError:
        raise ValueError(f"unknown format {format!r}; expected one of {', '.join(FORMATS)}")
    return reader(path)
