from django.apps import AppConfig


class FamilyConfig(AppConfig):
    name = "trellis.family"
    label = "family"
    verbose_name = "Family"
