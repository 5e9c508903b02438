from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "haven.insight"
    label = "insight"
    verbose_name = "Insight: the problem profile and the performance measures"

    def ready(self):
        # Registered at start-up: the nightly job and the home-page section.
        from haven.insight import home, jobs  # noqa: F401 (registers on import)
