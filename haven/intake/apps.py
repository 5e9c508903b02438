from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "haven.intake"
    label = "intake"
    verbose_name = "Intake: incident logs, call checklist, grading, briefing, closure"

    def ready(self):
        # In ready(): these modules use models, which exist only once the app registry is full.
        from haven.intake import history_facts, home, ingest, jobs, movers  # noqa: F401 (jobs)

        home.register()
        history_facts.register()  # incidents and involvements in the call-time history
        movers.register()  # involvements follow a person through merge, relink and linking
        ingest.register()  # incidents.csv and involvements.csv of legacy exports
