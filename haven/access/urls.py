from django.urls import path

from haven.access import views

app_name = "access"
urlpatterns = [
    path("audit/", views.audit_search, name="audit"),
]
