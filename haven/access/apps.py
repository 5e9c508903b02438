from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "haven.access"
    label = "access"
    verbose_name = "Access: roles, need-to-know and the access log"

    def ready(self):
        from haven.access import jobs  # noqa: F401 (registers the periodic jobs; needs models)
