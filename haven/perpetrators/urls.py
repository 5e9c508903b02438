from django.urls import path

from haven.perpetrators import views

app_name = "perpetrators"
urlpatterns = [
    path("", views.ranked_list, name="list"),
    path("refresh/", views.refresh, name="refresh"),
    path("programme/", views.programme_list, name="programme"),
    path("concentration/", views.concentration, name="concentration"),
    path("<int:person_id>/", views.perpetrator_detail, name="detail"),
    path("<int:person_id>/adopt/", views.adopt, name="adopt"),
    path("<int:person_id>/intervention/", views.add_intervention, name="intervention"),
    path("<int:person_id>/end/", views.end_adoption, name="end"),
]
