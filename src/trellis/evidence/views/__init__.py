"""Evidence pages: mastery (a learner's competencies, a class's heat map),
the assessment flow, rubric scoring and adaptive practice."""
