from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list_view, name="list"),
    path("new/", views.campaign_create_view, name="create"),
    path("<int:pk>/", views.campaign_detail_view, name="detail"),
    path("<int:pk>/export/", views.campaign_export_view, name="export"),
    path("targets/<int:pk>/", views.target_update_view, name="target_update"),
]
