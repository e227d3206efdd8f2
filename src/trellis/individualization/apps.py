from django.apps import AppConfig


class IndividualizationConfig(AppConfig):
    name = "trellis.individualization"
    label = "individualization"
    verbose_name = "Individualization"

    def ready(self) -> None:
        from trellis.curriculum.accommodations import register_accommodations
        from trellis.individualization import signals  # noqa: F401
        from trellis.individualization.selectors import accommodations_of

        # Curriculum and evidence deliver items and time limits; they sit below
        # individualization and ask through this registration.
        register_accommodations(accommodations_of)
