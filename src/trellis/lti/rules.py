"""Who may do what with LTI: a school's admins (and operators) register
and see that school's platforms; operators alone rotate the installation's
signing key (it serves every school); whoever may see a class's roster may
sync it from the LMS."""

from __future__ import annotations

import rules

from trellis.people.rules import authenticated, can_view_class_roster, can_view_school, is_operator

rules.add_perm("lti.manage_platforms", can_view_school)
rules.add_perm("lti.rotate_key", authenticated & is_operator)
rules.add_perm("lti.sync_roster", can_view_class_roster)
