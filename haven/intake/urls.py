from django.urls import path

from haven.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("new/lookup/", views.lookup_partial, name="lookup"),
    path("new/checklist/", views.checklist_partial, name="checklist"),
    path("<int:incident_id>/", views.incident_detail, name="detail"),
    path("<int:incident_id>/briefing/", views.briefing, name="briefing"),
    path("<int:incident_id>/grade/", views.grade, name="grade"),
    path("<int:incident_id>/people/", views.people, name="people"),
    path("<int:incident_id>/people/<int:involvement_id>/", views.correct_person,
         name="correct_person"),
    path("<int:incident_id>/step/<str:target>/", views.step, name="step"),
]
