"""Values other apps name without importing personalization's tables: the
kinds of member in a learner's network (the demo school adds peers)."""

from __future__ import annotations

PEER = "peer"
TEACHER = "teacher"
MENTOR = "mentor"
EXPERT = "expert"
