from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "haven.intake"
    label = "intake"
    verbose_name = "Intake: incident logs, call checklist, grading, briefing, closure"

    def ready(self):
        from haven.intake import home

        home.register()
