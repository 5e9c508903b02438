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
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset)
            # The tasks on the page are the ones logged: no second query for them.
            tasks = list(queryset) if page is None else page
            data = self.get_serializer(tasks, many=True).data
            log_task_reads(request.user, tasks, record_type="task_list",
                           visible=visible_person_ids(request.user, tasks))
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        task = self.get_object()
        with transaction.atomic():
            log_task_reads(request.user, [task], record_type="task",
                           visible=visible_person_ids(request.user, [task]))
        return Response(self.get_serializer(task).data)


def register(router):
    router.register("tasks", TaskViewSet, basename="task")
