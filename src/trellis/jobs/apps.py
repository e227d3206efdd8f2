from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "trellis.jobs"
    label = "jobs"
    verbose_name = "Background tasks"

    def ready(self) -> None:
        # Every process that sends tasks (web, worker, beat, commands) uses
        # the configured Celery app, not Celery's default one.
        import trellis.celery  # noqa: F401
