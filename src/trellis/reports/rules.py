"""Who may open a continuum report.

* Class report: the class's teachers and the school's admins (it describes
  the class's learners as a group, like the roster).
* Learner report: the learner's teachers and school admins, the learner
  themselves and their guardians (it only counts that learner's own records
  and the groupings they were placed in, nothing about other children).
* School report: the school's admins.
"""

from __future__ import annotations

import rules

from trellis.people.rules import can_view_class_roster, can_view_learner, can_view_school

can_view_class_report = can_view_class_roster
can_view_learner_report = can_view_learner
can_view_school_report = can_view_school

rules.add_perm("reports.view_class_report", can_view_class_report)
rules.add_perm("reports.view_learner_report", can_view_learner_report)
rules.add_perm("reports.view_school_report", can_view_school_report)
