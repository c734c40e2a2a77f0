from django.urls import path

from visits.views import coverage, visits

app_name = "visits"

urlpatterns = [
    path("", visits.visit_list_view, name="list"),
    path("plan/", visits.visit_plan_view, name="plan"),
    path("log/", visits.visit_log_start_view, name="log_start"),
    path("log/<int:enterprise_pk>/", visits.visit_log_view, name="log"),
    path("<int:pk>/", visits.visit_detail_view, name="detail"),
    path("<int:pk>/log/", visits.visit_log_view, name="log_planned"),
    path("<int:pk>/cancel/", visits.visit_cancel_view, name="cancel"),
    path("<int:pk>/attachments/", visits.visit_attach_view, name="attach"),
    path(
        "<int:pk>/attachments/<int:attachment>/",
        visits.visit_attachment_view,
        name="attachment",
    ),
    path("coverage/mine/", coverage.my_coverage_view, name="my_coverage"),
    path("coverage/", coverage.coverage_table_view, name="coverage"),
    path("coverage/export/", coverage.coverage_export_view, name="coverage_export"),
]
