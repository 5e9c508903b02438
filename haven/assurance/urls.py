from django.urls import path

from haven.assurance import views

app_name = "assurance"
urlpatterns = [
    path("", views.index, name="index"),
    path("samples/draw/", views.draw_sample, name="draw"),
    path("samples/<int:sample_id>/", views.sample_detail, name="sample"),
    path("audits/<int:audit_id>/", views.audit_detail, name="audit"),
    path("audits/<int:audit_id>/complete/", views.complete_audit, name="complete"),
    path("feedback/<int:audit_id>/", views.feedback, name="feedback"),
    path("feedback/<int:audit_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("trends/", views.trends, name="trends"),
    path("trends.csv", views.trends_csv, name="trends_csv"),
    path("agreement/", views.agreement, name="agreement"),
]
