from django.urls import path

from haven.insight import views

app_name = "insight"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:force_code>/profile/", views.profile_page, name="profile"),
    path("<str:force_code>/profile.pdf", views.profile_pdf, name="profile_pdf"),
    path("<str:force_code>/chart/<slug:name>.csv", views.chart_csv, name="chart_csv"),
    path("<str:force_code>/measures/", views.measures_page, name="measures"),
    path("<str:force_code>/person/<str:key>/", views.drill_down, name="drill_down"),
    path("<str:force_code>/refresh/", views.refresh, name="refresh"),
    path("<str:force_code>/refresh/progress/", views.refresh_progress, name="refresh_progress"),
]
