from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "People: persons, source records, addresses, linkage"

    def ready(self):
        from haven.people import history
        from haven.people.ingest import files

        history.register()  # legacy-record and warning-marker facts of the call-time history
        files.register()  # people.csv and the legacy kinds in the ingest registry
