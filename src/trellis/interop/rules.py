"""Who may import and export rosters: site operators only. A OneRoster file
can touch every school it names, so a school admin's role in one school is
not enough to accept it."""

from __future__ import annotations

import rules

from trellis.curriculum.rules import staff_of_school
from trellis.people.rules import (
    administers_any_school,
    administers_learner,
    authenticated,
    can_view_class_roster,
    can_view_learner,
    can_view_school,
    is_learner,
    is_operator,
)

can_manage_rosters = rules.is_authenticated & rules.is_active & is_operator

rules.add_perm("interop.import_roster", can_manage_rosters)
rules.add_perm("interop.export_roster", can_manage_rosters)

# Exports (trellis.interop.exports). A class's tables go to whoever may see
# its roster (its teachers, the school's admins, operators); a school's to
# its admins; a learner's whole record, and erasing it, to the admins of the
# learner's school (who answer a family's request) and operators.
can_export_class = can_view_class_roster
can_export_school = can_view_school
can_export_learner = authenticated & (is_operator | (is_learner & administers_learner))

rules.add_perm("interop.export_class", can_export_class)
rules.add_perm("interop.export_school", can_export_school)
rules.add_perm("interop.export_learner", can_export_learner)
rules.add_perm("interop.erase_learner", can_export_learner)

# A learner's activity from outside tools (xAPI): whoever may see the learner.
rules.add_perm("interop.view_learner_activity", can_view_learner)

# xAPI credentials of a school's tools: issued, listed and revoked by the
# school's admins and operators.
rules.add_perm("interop.manage_xapi_credentials", can_view_school)

# The admin's data tools pages (exports, a learner's record, erasure): the
# school admins and operators. What each tool then touches is checked by the
# rules above, per school, class or learner.
can_use_data_tools = authenticated & (is_operator | administers_any_school)
rules.add_perm("interop.use_data_tools", can_use_data_tools)

# QTI item packages (trellis.interop.qti): a school's items hold answer keys,
# so only its teachers and admins import or export them.
can_exchange_items = authenticated & staff_of_school

rules.add_perm("interop.exchange_items", can_exchange_items)
