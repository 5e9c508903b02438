from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "haven.intake"
    label = "intake"
    verbose_name = "Intake: incident logs, call checklist, grading, briefing, closure"

    def ready(self):
        from haven.intake import home

        home.register()
        from haven.intake import history_facts

        history_facts.register()  # incidents and involvements in the call-time history
        from haven.intake import movers

        movers.register()  # involvements follow a person through merge and relink
        from haven.intake import ingest

        ingest.register()  # incidents.csv and involvements.csv of legacy exports
