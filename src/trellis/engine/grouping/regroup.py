"""Regrouping: which new group continues which old one, what changed in
each learner's features, and who moved where and why."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from trellis.engine.grouping.features import preferences
from trellis.engine.grouping.text import f2
from trellis.engine.grouping.types import NO_CHANGE_REASON, Grouping, LearnerFeatures, Move


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


def change_reasons(
    before: Sequence[LearnerFeatures],
    after: Sequence[LearnerFeatures],
    objective_code: str = "",
) -> dict[str, str]:
    """Why each learner's features changed, in words (for
    :func:`compare_groupings`): e.g. ``mastery of 6.RP.3 rose from 0.42 to
    0.81``. Only changes of at least 0.05 are mentioned."""
    old = {ln.id: ln for ln in before}
    out: dict[str, str] = {}
    obj = objective_code or "the objective"
    for ln in sorted(after, key=lambda x: x.id):
        prev = old.get(ln.id)
        if prev is None:
            continue
        parts = []
        a, b = prev.objective_mastery, ln.objective_mastery
        if a is not None and b is not None and abs(b - a) >= 0.05:
            parts.append(f"mastery of {obj} {'rose' if b > a else 'fell'} from {f2(a)} to {f2(b)}")
        elif a is None and b is not None:
            parts.append(f"first evidence on {obj}: mastery {f2(b)}")
        for code in sorted(set(prev.prerequisite_mastery) & set(ln.prerequisite_mastery)):
            x, y = float(prev.prerequisite_mastery[code]), float(ln.prerequisite_mastery[code])
            if abs(y - x) >= 0.05:
                parts.append(
                    f"mastery of {code} {'rose' if y > x else 'fell'} from {f2(x)} to {f2(y)}"
                )
        if set(prev.interests) != set(ln.interests):
            parts.append("stated interests changed")
        if preferences(prev) != preferences(ln):
            parts.append("learning profile changed")
        if parts:
            out[ln.id] = "; ".join(parts)
    return out


def compare_groupings(
    old: Mapping[str, str],
    new: Grouping,
    reasons: Mapping[str, str] | None = None,
) -> list[Move]:
    """Who moved from which group to which and why. ``old`` maps learner id
    to the old label; ``reasons`` (e.g. from :func:`change_reasons`) maps
    learner id to why. Learners whose label is unchanged are left out.
    Sorted by learner id."""
    reasons = reasons or {}
    now = new.label_of()
    moves = []
    for lid in sorted(set(old) | set(now)):
        a, b = old.get(lid), now.get(lid)
        if a == b:
            continue
        reason = reasons.get(lid, "")
        if not reason:
            if a is None:
                reason = "new to the grouping"
            elif b is None:
                reason = "not in the new grouping"
            else:
                reason = NO_CHANGE_REASON
        moves.append(Move(lid, new.names.get(lid, lid), a, b, reason))
    return moves
