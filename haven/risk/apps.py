from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "haven.risk"
    label = "risk"
    verbose_name = "Risk: DASH, stalking and honour-based assessments, HAU review"

    def ready(self):
        from haven.core.events import CustodyEvent, OrderBreached, subscribe
        from haven.intake.events import IncidentRecorded
        from haven.risk import home, live

        subscribe(IncidentRecorded, live.on_incident_recorded)
        subscribe(CustodyEvent, live.on_custody_event)
        subscribe(OrderBreached, live.on_order_breached)
        home.register()
        from haven.risk import history_facts

        history_facts.register()  # completed assessments in the call-time history
