"""Who sees the family view of a learner: that learner's guardians, and
nobody else (teachers and admins have their own, fuller pages)."""

from __future__ import annotations

import rules

from trellis.people.rules import authenticated, is_guardian_of

can_view_family_child = authenticated & is_guardian_of

rules.add_perm("family.view_child", can_view_family_child)
