from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "haven.assurance"
    label = "assurance"
    verbose_name = "Assurance: audits of domestic abuse calls and risk assessments"

    def ready(self):
        # In ready(): the home sections read models, which exist once the registry is full.
        from haven.assurance import home

        home.register()  # audits to do, feedback to read, feedback not yet acknowledged
