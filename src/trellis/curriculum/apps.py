from django.apps import AppConfig


class CurriculumConfig(AppConfig):
    name = "trellis.curriculum"
    label = "curriculum"
    verbose_name = "Curriculum"
