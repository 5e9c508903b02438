from django.urls import path

from haven.protection import views

app_name = "protection"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("notice/new/", views.notice_new, name="notice_new"),
    path("orders/new/", views.court_order_new, name="court_order_new"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("person/<int:person_id>/", views.person_orders, name="person"),
    path("clares-law/new/", views.dvds_new, name="dvds_new"),
    path("clares-law/<int:app_id>/", views.dvds_detail, name="dvds_detail"),
    path("clares-law/measures/", views.dvds_measures, name="dvds_measures"),
]
