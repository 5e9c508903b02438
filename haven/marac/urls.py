from django.urls import path

from haven.marac import views

app_name = "marac"
urlpatterns = [
    path("", views.index, name="index"),
    path("governance/", views.governance, name="governance"),
    path("governance/dataset.csv", views.measures_csv, name="measures_csv"),
    path("areas/new/", views.area_new, name="area_new"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/agenda.pdf", views.agenda_pdf, name="agenda_pdf"),
    path("meetings/<int:meeting_id>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
]
