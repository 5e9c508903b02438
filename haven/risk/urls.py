from django.urls import path

from haven.risk import views

app_name = "risk"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.new_assessment, name="new"),
    path("hau/", views.queue, name="hau_queue"),
    path("measures/", views.measures_page, name="measures"),
    path("<int:assessment_id>/", views.assessment_detail, name="detail"),
    path("<int:assessment_id>/sergeant/", views.sergeant_review, name="sergeant_review"),
    path("<int:assessment_id>/hau/", views.hau_review, name="hau_review"),
    path("<int:assessment_id>/flags/<int:flag_id>/clear/", views.clear_flag, name="clear_flag"),
]
