from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "haven.people"
    label = "people"
    verbose_name = "People: persons, source records, addresses, linkage"

    def ready(self):
        # In ready(): these modules use models, which exist only once the app registry is full.
        from haven.access.audit import register_persons_of_force
        from haven.people import history
        from haven.people.access import person_ids_of_force
        from haven.people.ingest import files
        from haven.people.national import task_link
        from haven.tasks.services import register_source_link

        history.register()  # legacy-record and warning-marker facts of the call-time history
        files.register()  # people.csv and the legacy kinds in the ingest registry
        register_persons_of_force(person_ids_of_force)  # the auditor's search by force
        # a cross-force task opens its match (issue 19)
        register_source_link("people", "cross_force_proposal", task_link)
