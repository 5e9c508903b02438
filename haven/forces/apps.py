from django.apps import AppConfig


class ForcesConfig(AppConfig):
    name = "haven.forces"
    label = "forces"
    verbose_name = "Forces, agencies and policy"
