from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "haven.risk"
    label = "risk"
    verbose_name = "Risk: DASH, stalking and honour-based assessments, HAU review"
