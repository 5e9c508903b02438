from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "haven.protection"
    label = "protection"
    verbose_name = "Protection: DVPN/DVPO, DAPN/DAPO, court orders and Clare's Law"

    def ready(self):
        # Registered once the app registry is full (they import models).
        import haven.protection.jobs  # noqa: F401 (registers the periodic job)
        from haven.core.events import subscribe
        from haven.investigation.events import CaseEventRecorded
        from haven.people.person_links import register_person_link
        from haven.protection import custody, history_facts, home, ingest, plugins
        from haven.safeguarding.panels import register_case_panel

        history_facts.register()  # live orders in the call-time history
        ingest.register()  # orders.csv of legacy exports (claimed from the people room)
        home.register()  # Clare's Law clocks, hearing clocks, the start links
        register_person_link("protection.orders", plugins.person_links)
        register_case_panel("protection.orders", plugins.case_panel)
        # Bail conditions follow investigation's custody events.
        subscribe(CaseEventRecorded, custody.on_case_event)
