"""Curriculum records: frameworks of competencies (with their hierarchy and
prerequisite graph), learning resources, and assessment items."""

from trellis.curriculum.models.framework import Competency, CompetencyLink, Framework
from trellis.curriculum.models.item import Item
from trellis.curriculum.models.resource import Resource

__all__ = ["Competency", "CompetencyLink", "Framework", "Item", "Resource"]
