"""Regrouping: which new group continues which old one, what changed in
each learner's features, and who moved where and why."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from trellis.engine.grouping.features import preferences
from trellis.engine.grouping.phrases import NO_CHANGE_PHRASE, Part, part, say, seq
from trellis.engine.grouping.text import f2
from trellis.engine.grouping.types import Grouping, LearnerFeatures, Move


def match_groups(
    old: Sequence[Collection[str]], new: Sequence[Collection[str]]
) -> list[int | None]:
    """Which old group each new group continues: the matching of new to old
    groups (each old group used at most once) with the most learners in
    common, by an optimal (Hungarian) assignment; ties keep the same
    position. A new group continues its match only if they share at least
    half of the smaller group's learners; otherwise (or unmatched) it
    continues nothing (None): it is a new group. Used to keep a group's name
    and plan when the class is regrouped, whatever the groups are called."""
    if not old or not new:
        return [None] * len(new)
    old_sets = [set(o) for o in old]
    overlap = np.array([[len(set(nw) & o) for o in old_sets] for nw in new], dtype=float)
    same_place = np.array(
        [[0.0 if j == i else 1.0 for i in range(len(old_sets))] for j in range(len(new))]
    )
    # Overlap dominates; among equal overlaps, staying in place is preferred.
    cost = -overlap * (len(new) + len(old_sets) + 1) + same_place
    rows, cols = linear_sum_assignment(cost)
    out: list[int | None] = [None] * len(new)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        smaller = min(len(set(new[r])), len(old_sets[c]))
        if overlap[r, c] > 0 and 2 * overlap[r, c] >= smaller:
            out[r] = int(c)
    return out


def change_reason_phrases(
    before: Sequence[LearnerFeatures],
    after: Sequence[LearnerFeatures],
    objective_code: str = "",
) -> dict[str, Part]:
    """Why each learner's features changed, as phrases (see
    :func:`change_reasons`). Only changes of at least 0.05 are mentioned."""
    old = {ln.id: ln for ln in before}
    out: dict[str, Part] = {}
    obj: str | Part = objective_code or part("the_objective")
    for ln in sorted(after, key=lambda x: x.id):
        prev = old.get(ln.id)
        if prev is None:
            continue
        parts: list[Part] = []
        a, b = prev.objective_mastery, ln.objective_mastery
        if a is not None and b is not None and abs(b - a) >= 0.05:
            parts.append(part("rose" if b > a else "fell", code=obj, before=f2(a), after=f2(b)))
        elif a is None and b is not None:
            parts.append(part("first_evidence", obj=obj, after=f2(b)))
        for code in sorted(set(prev.prerequisite_mastery) & set(ln.prerequisite_mastery)):
            x, y = float(prev.prerequisite_mastery[code]), float(ln.prerequisite_mastery[code])
            if abs(y - x) >= 0.05:
                parts.append(
                    part("rose" if y > x else "fell", code=code, before=f2(x), after=f2(y))
                )
        if set(prev.interests) != set(ln.interests):
            parts.append(part("interests_changed"))
        if preferences(prev) != preferences(ln):
            parts.append(part("profile_changed"))
        if parts:
            out[ln.id] = seq(parts, "; ")
    return out


def change_reasons(
    before: Sequence[LearnerFeatures],
    after: Sequence[LearnerFeatures],
    objective_code: str = "",
) -> dict[str, str]:
    """Why each learner's features changed, in words (for
    :func:`compare_groupings`): e.g. ``mastery of 6.RP.3 rose from 0.42 to
    0.81``. Only changes of at least 0.05 are mentioned."""
    return {
        lid: say(said) for lid, said in change_reason_phrases(before, after, objective_code).items()
    }


def compare_groupings(
    old: Mapping[str, str],
    new: Grouping,
    reasons: Mapping[str, str] | None = None,
    reason_phrases: Mapping[str, Part] | None = None,
) -> list[Move]:
    """Who moved from which group to which and why. ``old`` maps learner id
    to the old label; ``reasons`` (e.g. from :func:`change_reasons`) maps
    learner id to why, ``reason_phrases`` to the same as phrases (from
    :func:`change_reason_phrases`). Learners whose label is unchanged are
    left out. Sorted by learner id."""
    reasons = reasons or {}
    reason_phrases = reason_phrases or {}
    now = new.label_of()
    moves = []
    for lid in sorted(set(old) | set(now)):
        a, b = old.get(lid), now.get(lid)
        if a == b:
            continue
        reason = reasons.get(lid, "")
        said = reason_phrases.get(lid) if reason else None
        if not reason:
            if a is None:
                said = part("new_to_grouping")
            elif b is None:
                said = part("left_grouping")
            else:
                said = NO_CHANGE_PHRASE
            reason = say(said)
        moves.append(Move(lid, new.names.get(lid, lid), a, b, reason, said))
    return moves
