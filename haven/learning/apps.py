from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "haven.learning"
    label = "learning"
    verbose_name = "Learning: training records, the training needs analysis, lessons learned"

    def ready(self):
        # In ready(): the sections read models, which exist only once the registry is full.
        from haven.learning import home

        home.register()  # lessons to read (everyone), the plan's overdue items (trainers)
