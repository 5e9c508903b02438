from django.apps import AppConfig


class MaracConfig(AppConfig):
    name = "haven.marac"
    label = "marac"
    verbose_name = "MARAC: referral to action, with partner agencies in the room"

    def ready(self):
        # In ready(): these modules use models, which exist only once the app registry is full.
        from haven.core.events import subscribe
        from haven.intake.events import IncidentRecorded
        from haven.marac import history_facts, home, ingest, reactions
        from haven.risk.review import register_follow_up

        history_facts.register()  # MARAC in the call-time history (the only source)
        ingest.register()  # marac.csv of legacy exports (claimed from the people room)
        home.register()  # the coordinator's and partners' work
        register_follow_up("marac_referral", reactions.on_hau_follow_up)
        subscribe(IncidentRecorded, reactions.on_incident_recorded)
