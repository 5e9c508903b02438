from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "haven.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding: the victim's case"

    def ready(self):
        # Imported here: rooms register once the app registry is full (AppConfig.ready).
        from haven.core.events import subscribe
        from haven.intake.events import IncidentRecorded
        from haven.risk.review import register_follow_up
        from haven.safeguarding import cases, home, intel, referrals

        # The HAU review opens or updates the victim's case inside its own transaction.
        register_follow_up("case_update", cases.on_case_update)
        # A new incident re-opens the victim's closed case (after commit, as the system).
        subscribe(IncidentRecorded, cases.on_incident_recorded)
        intel.register()  # intel.csv is this room's
        home.register()
        referrals.register()  # partners' home section (B2)
