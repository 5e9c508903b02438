from django.urls import path

from haven.investigation import views

app_name = "investigation"
urlpatterns = [
    path("", views.crime_list, name="list"),
    path("new/", views.new_crime, name="new"),
    path("measures/", views.measures_page, name="measures"),
    path("<int:crime_id>/", views.crime_detail, name="detail"),
    path("<int:crime_id>/allocate/", views.allocate, name="allocate"),
    path("<int:crime_id>/arrest/", views.arrest, name="arrest"),
    path("<int:crime_id>/events/", views.add_event, name="add_event"),
    path("<int:crime_id>/outcome/", views.outcome, name="outcome"),
    path("<int:crime_id>/evidence/", views.crime_evidence, name="crime_evidence"),
    path("<int:crime_id>/notices/<int:notice_id>/told/", views.victim_told, name="victim_told"),
    path("incident/<int:incident_id>/evidence/", views.incident_evidence,
         name="incident_evidence"),
    # Evidence by its random id only: no file path or sequential number in any URL.
    path("evidence/<str:public_id>/", views.evidence_detail, name="evidence"),
    path("evidence/<str:public_id>/shown/", views.evidence_shown, name="evidence_shown"),
    path("evidence/<str:public_id>/download/", views.evidence_download,
         name="evidence_download"),
]
