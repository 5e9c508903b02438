from django.urls import path

from haven.people import views, views_linkage, views_national

app_name = "people"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("<int:person_id>/", views.person_detail, name="detail"),
    path("<int:person_id>/addresses/<int:address_id>/lift/", views.lift_confidential,
         name="lift_confidential"),
    path("review/", views_linkage.review_queue, name="review_queue"),
    path("review/<int:item_id>/", views_linkage.review_item, name="review_item"),
    path("review/other-forces/", views_national.cross_force_list, name="cross_force_list"),
    path("review/other-forces/<int:proposal_id>/", views_national.cross_force_proposal,
         name="cross_force_proposal"),
    path("review/other-forces/<int:proposal_id>/withdraw/", views_national.cross_force_withdraw,
         name="cross_force_withdraw"),
    path("<int:person_id>/merge/", views_linkage.merge, name="merge"),
    path("merges/<int:merge_id>/unmerge/", views_linkage.unmerge, name="unmerge"),
]
