from django.apps import AppConfig


class PersonalizationConfig(AppConfig):
    name = "trellis.personalization"
    label = "personalization"
    verbose_name = "Personalization"
