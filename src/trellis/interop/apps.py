from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "trellis.interop"
    label = "interop"
    verbose_name = "Interoperability"
