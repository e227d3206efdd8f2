from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "trellis.evidence"
    label = "evidence"
    verbose_name = "Evidence and mastery"
