from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "haven.investigation"
    label = "investigation"
    verbose_name = "Investigation: crimes, evidence, custody and court"
