"""Referrals, letters, vulnerable people meetings and the daily board (haven.safeguarding)."""

from django.urls import path

from haven.safeguarding import views_partners as views

urlpatterns = [
    path("cases/<int:case_id>/partners/", views.case_partners, name="case_partners"),
    path("cases/<int:case_id>/partners/refer/", views.refer, name="refer"),
    path("cases/<int:case_id>/partners/letters/", views.send_letter, name="send_letter"),
    path("letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("referrals/", views.referral_list, name="referrals"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="referral"),
    path("referrals/<int:referral_id>/answer/", views.answer, name="referral_answer"),
    path("referrals/<int:referral_id>/entries/", views.add_entry, name="referral_entry"),
    path("referrals/<int:referral_id>/recorded-answer/", views.record_answer,
         name="referral_recorded_answer"),
    path("referrals/<int:referral_id>/withdraw/", views.withdraw, name="referral_withdraw"),
    path("meetings/", views.meeting, name="meeting"),
    path("meetings/outcome/", views.meeting_outcome, name="meeting_outcome"),
    path("board/", views.daily_board, name="board"),
    path("board/tasks/", views.board_allocate, name="board_allocate"),
    path("board/tasks/<int:board_task_id>/done/", views.board_done, name="board_done"),
]
