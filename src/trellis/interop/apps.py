from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "trellis.interop"
    label = "interop"
    verbose_name = "Interoperability"

    def ready(self) -> None:
        from trellis.interop.xapi import signals  # noqa: F401 (connects the xAPI outbox)
