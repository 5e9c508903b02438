from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "haven.risk"
    label = "risk"
    verbose_name = "Risk: DASH, stalking and honour-based assessments, HAU review"

    def ready(self):
        from haven.core.events import subscribe
        from haven.risk import home, live

        subscribe("incident_recorded", live.on_incident_recorded)
        subscribe("custody_event", live.on_custody_event)
        subscribe("order_breached", live.on_order_breached)
        home.register()
