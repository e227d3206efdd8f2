from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "trellis.lti"
    label = "lti"
    verbose_name = "LTI 1.3"

    def ready(self) -> None:
        from trellis.lti import signals  # noqa: F401 (sends scores back when learners answer)
