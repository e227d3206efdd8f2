"""Who may import and export rosters: site operators only. A OneRoster file
can touch every school it names, so a school admin's role in one school is
not enough to accept it."""

from __future__ import annotations

import rules

from trellis.people.rules import is_operator

can_manage_rosters = rules.is_authenticated & rules.is_active & is_operator

rules.add_perm("interop.import_roster", can_manage_rosters)
rules.add_perm("interop.export_roster", can_manage_rosters)
