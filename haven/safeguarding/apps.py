from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "haven.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding: the victim's case"
