from django.apps import AppConfig


class TasksConfig(AppConfig):
    name = "haven.tasks"
    label = "tasks"
    verbose_name = "Tasks: work items with owners and due dates"
