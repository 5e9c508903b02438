from django.apps import AppConfig


class InvestigationConfig(AppConfig):
    name = "haven.investigation"
    label = "investigation"
    verbose_name = "Investigation: crimes, evidence, custody and court"

    def ready(self):
        # Registered once the app registry is full (they import models).
        from haven.core.backup import register_file_store
        from haven.investigation import history_facts, home, ingest
        from haven.investigation.evidence import evidence_folder
        from haven.investigation.services import arrest_status_of_incidents
        from haven.safeguarding.board import register_arrest_status

        home.register()  # detectives' and officers' allocated crimes
        history_facts.register()  # open DA crimes in the call-time history
        ingest.register()  # crimes.csv of legacy exports (claimed from the people room)
        register_file_store("evidence", evidence_folder)  # `haven backup` copies the files
        register_arrest_status(arrest_status_of_incidents)  # the daily board's "arrested?"
