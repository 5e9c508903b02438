"""The victim's case pages (B1). Referrals, letters, meetings and the board: urls_partners."""

from django.urls import path

from haven.safeguarding import views

urlpatterns = [
    path("", views.case_list, name="list"),
    path("workload/", views.workload, name="workload"),
    path("break-glass/", views.break_glass_queue, name="break_glass_queue"),
    path("break-glass/<int:glass_id>/reviewed/", views.break_glass_reviewed,
         name="break_glass_reviewed"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/close/", views.close_case, name="close"),
    path("<int:case_id>/risk/", views.regrade_case, name="regrade"),
    path("<int:case_id>/allocate/", views.allocate_case, name="allocate"),
    path("<int:case_id>/plan/", views.add_plan_action, name="plan_add"),
    path("<int:case_id>/plan/<int:item_id>/status/", views.plan_action_status,
         name="plan_status"),
    path("<int:case_id>/contact/", views.contact_preferences, name="contact"),
    path("<int:case_id>/markers/", views.set_markers, name="markers"),
    path("<int:case_id>/share/", views.share_case, name="share"),
    path("<int:case_id>/share/<int:share_id>/withdraw/", views.withdraw_share,
         name="withdraw_share"),
    path("<int:case_id>/break-glass/", views.break_glass_page, name="break_glass"),
]
