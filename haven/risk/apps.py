from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "haven.risk"
    label = "risk"
    verbose_name = "Risk: DASH, stalking and honour-based assessments, HAU review"

    def ready(self):
        # In ready(): these modules use models, which exist only once the app registry is full.
        from haven.core.events import subscribe
        from haven.intake.events import IncidentRecorded
        from haven.investigation.events import CustodyEvent
        from haven.protection.events import OrderBreached
        from haven.risk import history_facts, home, live

        subscribe(IncidentRecorded, live.on_incident_recorded)
        subscribe(CustodyEvent, live.on_custody_event)
        subscribe(OrderBreached, live.on_order_breached)
        home.register()
        history_facts.register()  # completed assessments in the call-time history
