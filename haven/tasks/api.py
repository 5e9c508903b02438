from django.db import transaction
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from haven.tasks.models import Task
from haven.tasks.services import access_task, log_task_reads, tasks_for, visible_person_ids


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "kind", "title", "owner_role", "owner_user", "person", "due_at",
                  "done_at", "source_room", "source_type", "source_id", "version"]


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TaskSerializer

    def get_queryset(self):
        return tasks_for(self.request.user)

    def get_object(self):
        # The same fetch-and-authorise as the pages: a refusal is logged, then 404.
        return access_task(self.request.user, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().list(request, *args, **kwargs)
            rows = response.data.get("results", response.data) if hasattr(
                response.data, "get") else response.data
            ids = [row["id"] for row in rows]
            tasks = list(tasks_for(request.user).filter(pk__in=ids))
            log_task_reads(request.user, tasks, record_type="task_list",
                           visible=visible_person_ids(request.user, tasks))
        return response

    def retrieve(self, request, *args, **kwargs):
        task = self.get_object()
        with transaction.atomic():
            log_task_reads(request.user, [task], record_type="task",
                           visible=visible_person_ids(request.user, [task]))
        return Response(self.get_serializer(task).data)


def register(router):
    router.register("tasks", TaskViewSet, basename="task")
