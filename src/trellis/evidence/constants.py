"""The words evidence's records are written in (purposes, targets, levels,
sources, score kinds), kept apart from the models so that other apps and the
API can name them without importing evidence's tables (issue #21: only
evidence queries them). The models import these from here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AS_LEARNING = "as"
FOR_LEARNING = "for"
OF_LEARNING = "of"
PURPOSES = [
    (AS_LEARNING, _("AS learning (self-assessment and reflection)")),
    (FOR_LEARNING, _("FOR learning (formative)")),
    (OF_LEARNING, _("OF learning (summative)")),
]
PURPOSE_SHORT = {
    AS_LEARNING: _("AS learning"),
    FOR_LEARNING: _("FOR learning"),
    OF_LEARNING: _("OF learning"),
}

TARGET_CLASS = "class"
TARGET_GROUP = "group"
TARGET_LEARNER = "learner"
TARGETS = [
    (TARGET_CLASS, _("Whole class")),
    (TARGET_GROUP, _("Group")),
    (TARGET_LEARNER, _("Learner")),
]

NOT_STARTED = "not_started"
ATTEMPTED = "attempted"
FAMILIAR = "familiar"
PROFICIENT = "proficient"
MASTERED = "mastered"
LEVELS = [
    (NOT_STARTED, _("Not started")),
    (ATTEMPTED, _("Attempted")),
    (FAMILIAR, _("Familiar")),
    (PROFICIENT, _("Proficient")),
    (MASTERED, _("Mastered")),
]
LEVEL_ORDER = {key: n for n, (key, _) in enumerate(LEVELS)}

#: The database trigger (PostgreSQL) that refuses UPDATE and DELETE on an
#: evidence table; ``pgtrigger.ignore(f"evidence.Response:{TRIGGER}")`` lets
#: erasure blank a learner's free text through it.
TRIGGER = "append_only"

SOURCE_ASSESSMENT = "assessment"
SOURCE_PRACTICE = "practice"
SOURCE_SIMULATED = "simulated"
SOURCE_IMPORT = "import"
SOURCES = [
    (SOURCE_ASSESSMENT, _("Assessment")),
    (SOURCE_PRACTICE, _("Practice")),
    (SOURCE_SIMULATED, _("Simulated (demo)")),
    (SOURCE_IMPORT, _("Imported")),
]

SCORE_TEACHER = "teacher"
SCORE_SELF = "self"
SCORE_KINDS = [(SCORE_TEACHER, _("Teacher's score")), (SCORE_SELF, _("Learner's self-rating"))]
