from django.urls import path

from haven.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    path("staff/<int:user_id>/", views.staff, name="staff"),
    path("staff/<int:user_id>/complete/", views.record_completion, name="complete"),
    path("staff/<int:user_id>/team/", views.set_team, name="team"),
    path("plan/", views.plan, name="plan"),
    path("plan/adopt/", views.adopt_plan, name="adopt"),
    path("import/", views.import_completions, name="import"),
    path("lessons/", views.lessons, name="lessons"),
    path("lessons/<int:lesson_id>/", views.lesson, name="lesson"),
    path("lessons/<int:lesson_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("reviews/<int:review_id>/recommendations/", views.add_recommendation,
         name="add_recommendation"),
    path("reviews/<int:review_id>/lessons/", views.publish_lesson, name="publish_lesson"),
    path("recommendations/<int:rec_id>/update/", views.update_recommendation,
         name="update_recommendation"),
]
