from django.apps import AppConfig


class DifferentiationConfig(AppConfig):
    name = "trellis.differentiation"
    label = "differentiation"
    verbose_name = "Differentiation"
