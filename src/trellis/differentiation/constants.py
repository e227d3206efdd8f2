"""The kinds of grouping a teacher can ask for, as stored on a grouping.
Kept apart from the models so that other apps (the API's schemas and
routers) name them without importing differentiation's tables."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

READINESS = "readiness"
INTEREST = "interest"
PROFILE = "profile"
MIXED = "heterogeneous"
#: The grouping engine's kinds (``trellis.engine.grouping.KINDS``).
KINDS = [
    (READINESS, _("Readiness (mastery of the objective and its prerequisites)")),
    (MIXED, _("Mixed readiness (each group spans the class)")),
    (INTEREST, _("Interest (from learner profiles)")),
    (PROFILE, _("Learning profile (from learner profiles)")),
]
