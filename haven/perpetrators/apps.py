from django.apps import AppConfig


class PerpetratorsConfig(AppConfig):
    name = "haven.perpetrators"
    label = "perpetrators"
    verbose_name = "Perpetrators: serial and repeat perpetrators, priority and programme"

    def ready(self):
        # In ready(): these modules use models, which exist only once the app registry is full.
        from haven.core.events import subscribe
        from haven.intake.events import IncidentRecorded
        from haven.perpetrators import home, jobs, movers, services  # noqa: F401 (jobs registers)

        movers.register()  # rankings and adoptions follow a merged or relinked person
        home.register()  # the ranked list, the programme, the HAU's new-partner alerts
        subscribe(IncidentRecorded, services.on_incident_recorded)  # new-partner alert
