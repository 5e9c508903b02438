from django.apps import AppConfig


class QueueConfig(AppConfig):
    name = "haven.core.queue"
    label = "queue"
    verbose_name = "Job queue: workers seen and reactions delivered"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import haven.core.queue.jobs  # noqa: F401 (registers the periodic prune)
