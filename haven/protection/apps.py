from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "haven.protection"
    label = "protection"
    verbose_name = "Protection: DVPN/DVPO, DAPN/DAPO, court orders and Clare's Law"

    def ready(self):
        # Registered once the app registry is full (they import models).
        from haven.protection import history_facts, home, ingest

        history_facts.register()  # live orders in the call-time history
        ingest.register()  # orders.csv of legacy exports (claimed from the people room)
        home.register()  # Clare's Law clocks, hearing clocks, the start links
