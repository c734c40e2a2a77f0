from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.coverage_view, name="coverage"),
    path("export/", views.coverage_export_view, name="coverage_export"),
    path("deliver/", views.to_deliver_view, name="to_deliver"),
    path("targets/", views.target_list_view, name="targets"),
    path("targets/<int:pk>/", views.target_detail_view, name="target"),
    path("targets/<int:pk>/open/", views.target_open_view, name="open"),
    path("targets/<int:pk>/deliver/", views.target_deliver_view, name="deliver"),
    path("targets/<int:pk>/outcome/", views.target_outcome_view, name="outcome"),
]
