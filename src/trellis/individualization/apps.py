from django.apps import AppConfig


class IndividualizationConfig(AppConfig):
    name = "trellis.individualization"
    label = "individualization"
    verbose_name = "Individualization"

    def ready(self) -> None:
        from trellis.individualization import signals  # noqa: F401
