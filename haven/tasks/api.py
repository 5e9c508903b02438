from rest_framework import serializers, viewsets

from haven.tasks.models import Task
from haven.tasks.services import tasks_for


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "kind", "title", "owner_role", "owner_user", "person", "due_at",
                  "done_at", "source_room", "source_type", "source_id", "version"]


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return tasks_for(self.request.user)


def register(router):
    router.register("tasks", TaskViewSet, basename="task")
